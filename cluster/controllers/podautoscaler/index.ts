export { startHorizontalPodAutoscalerController } from './controller.js';
export type { HorizontalPodAutoscalerControllerOptions } from './controller.js';
export { ResourceMetricsApiSource, milliValue, parseGoDuration, podMetricsFromItems } from './metrics.js';
export type { MetricsSource, PodMetric, PodMetricsInfo, ResourceMetrics } from './metrics.js';
export { FakeMetricsSource } from './fake-metrics.js';
export type { FakePodUsage } from './fake-metrics.js';
export {
  calculatePodRequests,
  groupPods,
  metricUsageRatio,
  rawResourceReplicas,
  resourceReplicas,
  resourceUtilizationRatio,
  DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
  DEFAULT_INITIAL_READINESS_DELAY_MS,
  DEFAULT_TOLERANCE,
} from './replica-calculator.js';
export type { CalculatorOptions, PodGroups, ReplicaProposal, ResourceInput } from './replica-calculator.js';
export {
  ScalingHistory,
  completeBehavior,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  normalizeDesiredReplicas,
  normalizeWithBehaviors,
  scaleDownLimitWithRules,
  scaleUpLimit,
  scaleUpLimitWithRules,
  stabilizeRecommendation,
  stabilizeWithBehaviors,
  storeScaleEvent,
  DEFAULT_DOWNSCALE_STABILIZATION_MS,
} from './normalize.js';
export type { ConditionUpdate, Normalized } from './normalize.js';
export { formatMilliQuantity, setCondition } from './conditions.js';
export type { HpaConditionType } from './conditions.js';
export { ScaleResolver, parseGroupVersion } from './scale-resolver.js';
