/** cluster/controllers/job: the Job controller and the TTL-after-finished controller. */
export { startJobController, removeTrackingFinalizer } from './controller.js';
export type { JobControllerOptions } from './controller.js';
export { startTTLAfterFinishedController, timeLeftMs } from './ttl-after-finished.js';
export type { TTLAfterFinishedOptions } from './ttl-after-finished.js';
export { planJob, isPodFailed } from './accounting.js';
export type { JobPlan, JobPlanInput, JobEvent } from './accounting.js';
export { isJobFinished, finishedCondition } from './conditions.js';
export * from './constants.js';
export { formatIndexes, parseIndexes, podCompletionIndex } from './indexes.js';
export { backoffDelayMs, remainingBackoffMs, updateBackoffRecord } from './backoff.js';
export type { BackoffRecord } from './backoff.js';
export { newJobPod } from './pod-template.js';
