export { startNodeLifecycleController } from './controller.js';
export type { NodeLifecycleOptions } from './controller.js';
export { desiredTaints, evictionTime, lastProbe, unknownConditions, TAINT_NOT_READY, TAINT_UNREACHABLE } from './health.js';
