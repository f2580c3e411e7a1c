/**
 * A MetricsSource for tests (upstream's tests use a fake metrics client the same way):
 * per-namespace, per-pod usage set by the test, sampled "now" by an injectable clock.
 */
import type { Labels } from '../../api/labels.js';
import { parseSelector } from '../../api/labels.js';
import type { MetricsSource, PodMetricsInfo, ResourceMetrics } from './metrics.js';

export interface FakePodUsage {
  labels?: Labels;
  /** Resource → usage in milli-units (e.g. cpu 250 = 250m). */
  usage: Record<string, number>;
}

export class FakeMetricsSource implements MetricsSource {
  private readonly pods = new Map<string, FakePodUsage>();
  /** Calls made, for assertions. */
  readonly calls: Array<{ resource: string; namespace: string; selector: string }> = [];
  /** When set, every call rejects with it (the metrics API is down). */
  failWith?: Error;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 0,
  ) {}

  set(namespace: string, pod: string, usage: FakePodUsage): void {
    this.pods.set(`${namespace}/${pod}`, usage);
  }

  delete(namespace: string, pod: string): void {
    this.pods.delete(`${namespace}/${pod}`);
  }

  async getResourceMetric(resource: string, namespace: string, selector: string): Promise<ResourceMetrics> {
    this.calls.push({ resource, namespace, selector });
    if (this.failWith) throw this.failWith;
    const sel = parseSelector(selector);
    const metrics: PodMetricsInfo = new Map();
    const timestamp = this.now();
    for (const [key, p] of this.pods) {
      const [ns, name] = key.split('/');
      if (ns !== namespace || !sel.matches(p.labels)) continue;
      const value = p.usage[resource];
      if (value !== undefined) metrics.set(name, { timestamp, windowMs: this.windowMs, value });
    }
    if (metrics.size === 0) throw new Error('no metrics returned from resource metrics API');
    return { metrics, timestamp };
  }
}
