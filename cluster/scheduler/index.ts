/** cluster/scheduler: kube-scheduler's framework, plugins and loop, talking to the cluster only through cluster/client. */
export { startScheduler, DEFAULT_SCHEDULER_NAME } from './scheduler.js';
export type { SchedulerOptions, RunningScheduler } from './scheduler.js';
export { DECISION_ANNOTATION, decisionAnnotation } from './decisions.js';
export type { Decision, NodeScore } from './decisions.js';
export type { SchedulerMetrics } from './metrics.js';
export { Framework } from './framework.js';
export { PodScheduler, numFeasibleNodesToFind } from './schedule-pod.js';
export { SchedulerCache } from './cache.js';
export { NodeInfo } from './node-info.js';
export { PodInfo } from './pod-info.js';
export { fitErrorMessage, FitError } from './fit-error.js';
export { DEFAULT_WEIGHTS, defaultPlugins, noVolumes } from './plugins/registry.js';
