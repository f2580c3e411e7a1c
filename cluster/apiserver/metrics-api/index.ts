/**
 * metrics.k8s.io/v1beta1 (NodeMetrics, PodMetrics) served by the API server from its
 * kubelets' /metrics/resource, as metrics-server would serve it through aggregation.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeletConnection } from '../proxy/connection.js';
import type { ResourceRegistry } from '../resources/registry.js';
import type { VirtualHandler } from '../handlers/router.js';
import { metricsHandlers } from './api.js';
import { scrapeKubelet } from './scraper.js';
import { KubeletMetricsSource } from './source.js';

export { METRICS_RESOURCES, METRICS_GROUP, METRICS_VERSION, metricsHandlers, nodeMetricsObject, podMetricsObject } from './api.js';
export { KubeletMetricsSource } from './source.js';
export type { KubeletMetricsSourceOptions } from './source.js';
export { MetricsStorage } from './storage.js';
export { decodeResourceMetrics } from './decode.js';
export { parsePrometheusText } from './prometheus-text.js';
export { cpuQuantity, memoryQuantity, durationText } from './quantity.js';
export { scrapeKubelet } from './scraper.js';

/** The metrics API over the registry's nodes and the API server's kubelet connection: the virtual handlers to serve. */
export function kubeletMetricsAPI(registry: ResourceRegistry, kubelet: KubeletConnection, log?: (line: string) => void): Map<string, VirtualHandler> {
  const source = new KubeletMetricsSource({
    listNodes: async () => ((await registry.storeFor('', 'nodes')?.list(undefined))?.items ?? []) as Node[],
    scrape: (node) => scrapeKubelet(node, '/metrics/resource', kubelet.tls),
    log,
  });
  return metricsHandlers({ source });
}
