export { DEPLOYMENT_CONTROLLER, startDeploymentController } from './controller.js';
export type { DeploymentControllerOptions } from './controller.js';
export * from './util.js';
export * from './conditions.js';
export { planNewReplicaSet, planOldReplicaSets } from './rolling.js';
export type { ScaleStep } from './rolling.js';
export { planScale, proportion, replicaSetFraction } from './proportional.js';
export { calculateStatus, rolloutStatus, deploymentTimedOut, stuckRequeueAfterMs } from './status.js';
