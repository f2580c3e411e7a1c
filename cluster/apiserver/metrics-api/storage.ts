/**
 * The last two points of every node and container, and the usage they give
 * (metrics-server pkg/storage): CPU is the rate of the cumulative counter between the two
 * points (so the window is their distance), memory the last working set. A container
 * whose start time changed (restarted) starts over; a pod is reported only when every
 * container it has has a rate, a node only when it has one.
 */
import type { NodeBatch, UsagePoint } from './decode.js';

export interface ResourceUsage {
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface MetricsPoint {
  timestampMs: number;
  windowMs: number;
}

export interface NodeMetricsPoint extends MetricsPoint {
  usage: ResourceUsage;
}

export interface PodMetricsPoint extends MetricsPoint {
  containers: Array<{ name: string; usage: ResourceUsage }>;
}

interface Pair {
  prev?: UsagePoint;
  last: UsagePoint;
}

/** Moves `next` in as the last point; a reading no newer than the last (a cached answer) changes nothing. */
function shift(pair: Pair | undefined, next: UsagePoint): Pair {
  if (!pair) return { last: next };
  if (next.startMs !== pair.last.startMs) return { last: next };
  if (next.cpuTimeMs <= pair.last.cpuTimeMs) return pair;
  return { prev: pair.last, last: next };
}

/** Usage between two points; undefined without two, or when the counter went back. */
export function usageOf(pair: Pair | undefined): (ResourceUsage & MetricsPoint) | undefined {
  if (!pair?.prev) return undefined;
  const { prev, last } = pair;
  const windowMs = last.cpuTimeMs - prev.cpuTimeMs;
  const cpu = last.cpuSeconds - prev.cpuSeconds;
  if (windowMs <= 0 || cpu < 0) return undefined;
  return { cpuNanoCores: Math.round((cpu / (windowMs / 1000)) * 1e9), memoryBytes: last.memoryBytes, timestampMs: last.cpuTimeMs, windowMs };
}

export class MetricsStorage {
  private readonly nodes = new Map<string, Pair>();
  /** `namespace/pod` → the node it was scraped from and its containers. */
  private readonly pods = new Map<string, { node: string; containers: Map<string, Pair> }>();

  /** Takes in one node's scrape. */
  store(nodeName: string, batch: NodeBatch): void {
    if (batch.node) this.nodes.set(nodeName, shift(this.nodes.get(nodeName), batch.node));
    else this.nodes.delete(nodeName);
    for (const [key, pod] of this.pods) if (pod.node === nodeName && !batch.pods.has(key)) this.pods.delete(key);
    for (const [key, containers] of batch.pods) {
      const old = this.pods.get(key);
      const next = new Map<string, Pair>();
      for (const [name, point] of containers) next.set(name, shift(old?.node === nodeName ? old.containers.get(name) : undefined, point));
      this.pods.set(key, { node: nodeName, containers: next });
    }
  }

  /** Drops what a node reported (it is gone or cannot be reached). */
  forgetNode(nodeName: string): void {
    this.nodes.delete(nodeName);
    for (const [key, pod] of this.pods) if (pod.node === nodeName) this.pods.delete(key);
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  nodeMetrics(name: string): NodeMetricsPoint | undefined {
    const u = usageOf(this.nodes.get(name));
    return u ? { timestampMs: u.timestampMs, windowMs: u.windowMs, usage: { cpuNanoCores: u.cpuNanoCores, memoryBytes: u.memoryBytes } } : undefined;
  }

  podMetrics(namespace: string, name: string): PodMetricsPoint | undefined {
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod || pod.containers.size === 0) return undefined;
    const containers: PodMetricsPoint['containers'] = [];
    let timestampMs = 0;
    let windowMs = 0;
    for (const [cname, pair] of [...pod.containers].sort((a, b) => a[0].localeCompare(b[0]))) {
      const u = usageOf(pair);
      if (!u) return undefined;
      containers.push({ name: cname, usage: { cpuNanoCores: u.cpuNanoCores, memoryBytes: u.memoryBytes } });
      timestampMs = Math.max(timestampMs, u.timestampMs);
      windowMs = Math.max(windowMs, u.windowMs);
    }
    return { timestampMs, windowMs, containers };
  }

  /** True when the node, or a container on it, has no rate yet or one over a window longer than `maxWindowMs`. */
  lacksRecentRate(nodeName: string, maxWindowMs: number): boolean {
    const ok = (p: Pair | undefined) => {
      const u = usageOf(p);
      return u !== undefined && u.windowMs <= maxWindowMs;
    };
    if (!ok(this.nodes.get(nodeName))) return true;
    for (const pod of this.pods.values()) if (pod.node === nodeName) for (const c of pod.containers.values()) if (!ok(c)) return true;
    return false;
  }
}
