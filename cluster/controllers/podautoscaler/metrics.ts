/**
 * Where the HPA reads resource usage (pkg/controller/podautoscaler/metrics): the
 * MetricsSource seam, and its implementation over the resource metrics API
 * (`/apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods`, served by metrics-server).
 * Values are in milli-units, as upstream's MilliValue: millicores for cpu, milli-bytes
 * for memory.
 */
import type { RestClient } from '../../client/index.js';
import { parseQuantity } from '../../api/quantity.js';

export interface PodMetric {
  /** When the sample was taken, ms since the epoch. */
  timestamp: number;
  /** The window the sample was averaged over, ms. */
  windowMs: number;
  /** Usage in milli-units. */
  value: number;
}

/** Pod name → its metric. */
export type PodMetricsInfo = Map<string, PodMetric>;

export interface ResourceMetrics {
  metrics: PodMetricsInfo;
  /** Timestamp of the first sample (upstream reports metrics.Items[0].Timestamp). */
  timestamp: number;
}

export interface MetricsSource {
  /**
   * Usage of `resource` (cpu, memory) per pod matching `selector` (a label selector string)
   * in `namespace`; summed over the pod's containers, or one container when named.
   * Rejects when the metrics cannot be fetched.
   */
  getResourceMetric(resource: string, namespace: string, selector: string, container?: string): Promise<ResourceMetrics>;
}

/** resource.Quantity.MilliValue: the value ×1000, rounded up (after removing float noise). */
export function milliValue(q: unknown): number | undefined {
  const v = parseQuantity(q);
  if (v === undefined) return undefined;
  const m = v * 1000;
  const r = Math.round(m);
  return Math.abs(m - r) < 1e-6 ? r : Math.ceil(m);
}

/** metav1.Duration text (`30s`, `1m0s`, `500ms`) → ms. */
export function parseGoDuration(s: string | undefined): number {
  if (!s) return 0;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

interface PodMetricsItem {
  metadata?: { name?: string };
  timestamp?: string;
  window?: string;
  containers?: Array<{ name: string; usage?: Record<string, string> }>;
}

/** getPodMetrics / getContainerMetrics over the metrics API's PodMetrics items. */
export function podMetricsFromItems(items: readonly PodMetricsItem[], resource: string, container?: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const name = m.metadata?.name;
    if (!name) continue;
    const containers = container ? (m.containers ?? []).filter((c) => c.name === container) : (m.containers ?? []);
    let sum = 0;
    // A pod whose containers lack the resource (or that has none) has no metric at all.
    let missing = containers.length === 0;
    for (const c of containers) {
      const v = milliValue(c.usage?.[resource]);
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += v;
    }
    if (!missing) out.set(name, { timestamp: Date.parse(m.timestamp ?? '') || 0, windowMs: parseGoDuration(m.window), value: sum });
  }
  return out;
}

/** The resource metrics client (resourceMetricsClient.GetResourceMetric). */
export class ResourceMetricsApiSource implements MetricsSource {
  constructor(private readonly client: RestClient) {}

  async getResourceMetric(resource: string, namespace: string, selector: string, container?: string): Promise<ResourceMetrics> {
    let list: { items?: PodMetricsItem[] };
    try {
      list = await this.client.request('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`, { query: { labelSelector: selector } });
    } catch (err) {
      throw new Error(`unable to fetch metrics from resource metrics API: ${metricsErrorText(err)}`);
    }
    const items = list.items ?? [];
    if (items.length === 0) throw new Error('no metrics returned from resource metrics API');
    const metrics = podMetricsFromItems(items, resource, container);
    if (container && metrics.size === 0) throw new Error(`failed to get container metrics: container ${container} not present in metrics`);
    return { metrics, timestamp: Date.parse(items[0].timestamp ?? '') || 0 };
  }
}

/** client-go words a 404 on a resource it asked for as "the server could not find the requested resource (get pods.metrics.k8s.io)". */
function metricsErrorText(err: unknown): string {
  const e = err as { code?: number; message?: string };
  if (e.code === 404) return 'the server could not find the requested resource (get pods.metrics.k8s.io)';
  return e.message ?? String(err);
}
