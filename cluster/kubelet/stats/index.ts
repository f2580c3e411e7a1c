/** The kubelet's resource stats: Summary API, /metrics/resource, /metrics/cadvisor, /metrics. */
export { statsHandlers, cpuAndMemoryOnly } from './handlers.js';
export type { StatsHandlersOptions } from './handlers.js';
export { StatsCollector, nanoCores } from './collector.js';
export type { StatsCollectorOptions } from './collector.js';
export { dockerStatsEngine } from './engine.js';
export type { EngineContainer, StatsEngine } from './engine.js';
export { readNodeUsage } from './node-usage.js';
export type { NodeUsage, NodeUsageOptions } from './node-usage.js';
export { containerSample, workingSet } from './docker-stats.js';
export type { ContainerSample, DockerStatsJSON } from './docker-stats.js';
export { resourceMetricsText, cadvisorMetricsText, kubeletMetricsText, PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
export type * from './types.js';
