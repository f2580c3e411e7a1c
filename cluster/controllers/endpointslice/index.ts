export { startEndpointSliceController } from './controller.js';
export type { EndpointSliceControllerOptions } from './controller.js';
export { desiredSlices, planSlices, podToEndpoint, CONTROLLER_NAME, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './desired.js';
