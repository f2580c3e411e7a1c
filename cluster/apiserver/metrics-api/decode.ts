/**
 * One kubelet's /metrics/resource as points (metrics-server pkg/scraper/client/resource
 * decode.go): the node's cumulative CPU and working set, and each container's, with the
 * container's start time so a restart is not read as negative usage.
 */
import { parsePrometheusText } from './prometheus-text.js';

export interface UsagePoint {
  /** Cumulative CPU, core-seconds. */
  cpuSeconds: number;
  cpuTimeMs: number;
  memoryBytes: number;
  memoryTimeMs: number;
  /** Container start (ms), 0 when unknown. */
  startMs: number;
}

export interface NodeBatch {
  node?: UsagePoint;
  /** `namespace/pod` → container name → point. */
  pods: Map<string, Map<string, UsagePoint>>;
}

const emptyPoint = (): UsagePoint => ({ cpuSeconds: NaN, cpuTimeMs: 0, memoryBytes: NaN, memoryTimeMs: 0, startMs: 0 });

/** Decodes /metrics/resource; `scrapeTimeMs` stands in for samples without a timestamp. */
export function decodeResourceMetrics(text: string, scrapeTimeMs: number): NodeBatch {
  const pods = new Map<string, Map<string, UsagePoint>>();
  let node: UsagePoint | undefined;
  const container = (l: Record<string, string>): UsagePoint | undefined => {
    if (!l.namespace || !l.pod || !l.container) return undefined;
    const key = `${l.namespace}/${l.pod}`;
    let p = pods.get(key);
    if (!p) pods.set(key, (p = new Map()));
    let c = p.get(l.container);
    if (!c) p.set(l.container, (c = emptyPoint()));
    return c;
  };
  for (const s of parsePrometheusText(text)) {
    const t = s.timeMs ?? scrapeTimeMs;
    switch (s.name) {
      case 'node_cpu_usage_seconds_total':
        node ??= emptyPoint();
        node.cpuSeconds = s.value;
        node.cpuTimeMs = t;
        break;
      case 'node_memory_working_set_bytes':
        node ??= emptyPoint();
        node.memoryBytes = s.value;
        node.memoryTimeMs = t;
        break;
      case 'container_cpu_usage_seconds_total': {
        const c = container(s.labels);
        if (c) {
          c.cpuSeconds = s.value;
          c.cpuTimeMs = t;
        }
        break;
      }
      case 'container_memory_working_set_bytes': {
        const c = container(s.labels);
        if (c) {
          c.memoryBytes = s.value;
          c.memoryTimeMs = t;
        }
        break;
      }
      case 'container_start_time_seconds': {
        const c = container(s.labels);
        if (c) c.startMs = s.value * 1000;
        break;
      }
    }
  }
  // A point missing CPU or memory is not usable (metrics-server drops it too).
  const complete = (p: UsagePoint) => Number.isFinite(p.cpuSeconds) && Number.isFinite(p.memoryBytes);
  for (const [key, cs] of pods) {
    for (const [name, p] of cs) if (!complete(p)) cs.delete(name);
    if (cs.size === 0) pods.delete(key);
  }
  return { node: node && complete(node) ? node : undefined, pods };
}
