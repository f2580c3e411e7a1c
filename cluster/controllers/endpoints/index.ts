export { startEndpointsController } from './controller.js';
export type { EndpointsControllerOptions } from './controller.js';
export { desiredEndpoints, desiredSubsets } from './desired.js';
export { findPort, isPodReady, resolvePorts, serviceSelector, shouldPodBeInEndpoints } from './pod-endpoints.js';
