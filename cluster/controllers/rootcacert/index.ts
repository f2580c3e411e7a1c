export { startRootCACertController, desiredRootCAConfigMap, ROOT_CA_CONFIGMAP } from './controller.js';
export type { RootCACertOptions } from './controller.js';
