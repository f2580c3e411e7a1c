export { startNamespaceController, FINALIZER_KUBERNETES } from './controller.js';
export type { NamespaceControllerOptions } from './controller.js';
export { discoverResources, resourcesFromList, supports } from './discovery.js';
export type { DiscoveredResource, DiscoveryResult, APIResourceList } from './discovery.js';
