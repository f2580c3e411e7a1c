/**
 * Builds the Summary (the kubelet's /stats/summary, pkg/kubelet/stats) from the engine's
 * per-container stats and the node's totals. Collections are shared: callers arriving
 * while one runs, or within `maxAgeMs` of the last, get that one (the kubelet's stats
 * provider caches too), so concurrent scrapes cost one round of engine calls.
 * usageNanoCores is the rate since the previous collection, as cAdvisor derives it.
 */
import type { KubeletPodSource } from '../server/server.js';
import { containerSample, type ContainerSample } from './docker-stats.js';
import type { EngineContainer, StatsEngine } from './engine.js';
import type { NodeUsage } from './node-usage.js';
import type { ContainerStats, CPUStats, MemoryStats, NetworkStats, PodStats, Summary } from './types.js';

export interface StatsCollectorOptions {
  engine: StatsEngine;
  nodeName: string;
  /** The node's totals (readNodeUsage bound to the node's cgroup). */
  nodeUsage: () => NodeUsage;
  /** The kubelet's pods, for their status.startTime. */
  pods?: KubeletPodSource;
  /** How long a collection is served again; default 1000 ms. */
  maxAgeMs?: number;
  /** Engine calls at once; default 8. */
  concurrency?: number;
  now?: () => number;
  /** When the node started (its startTime); default the collector's creation. */
  nodeStartMs?: number;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface CpuPoint {
  ns: number;
  timeMs: number;
}

/** Nanocores between two cumulative readings; undefined without an earlier one, or across a reset. */
export function nanoCores(prev: CpuPoint | undefined, cur: CpuPoint): number | undefined {
  if (!prev || cur.timeMs <= prev.timeMs || cur.ns < prev.ns) return undefined;
  // ns of CPU per ms of wall time × 1000 = nanocores.
  return Math.round(((cur.ns - prev.ns) * 1000) / (cur.timeMs - prev.timeMs));
}

function cpuStats(sample: { timeMs: number; cpuCoreNanoSeconds: number }, prev: CpuPoint | undefined): CPUStats {
  const rate = nanoCores(prev, { ns: sample.cpuCoreNanoSeconds, timeMs: sample.timeMs });
  return { time: rfc3339(sample.timeMs), ...(rate !== undefined ? { usageNanoCores: rate } : {}), usageCoreNanoSeconds: sample.cpuCoreNanoSeconds };
}

function memoryStats(s: ContainerSample): MemoryStats {
  return { time: rfc3339(s.timeMs), usageBytes: s.memoryUsageBytes, workingSetBytes: s.memoryWorkingSetBytes, rssBytes: s.memoryRssBytes, pageFaults: s.pageFaults, majorPageFaults: s.majorPageFaults };
}

/** The default interface's counters first (eth0), all of them under `interfaces`. */
export function networkStats(timeMs: number, interfaces: NodeUsage['interfaces']): NetworkStats | undefined {
  if (interfaces.length === 0) return undefined;
  const main = interfaces.find((i) => i.name === 'eth0') ?? interfaces[0];
  return { time: rfc3339(timeMs), ...main, interfaces };
}

/** Sums of the containers' CPU and memory: the pod's (its cgroup holds just them and the sandbox). */
export function podTotals(containers: ContainerStats[], timeMs: number): { cpu: CPUStats; memory: MemoryStats } {
  const sum = (f: (c: ContainerStats) => number | undefined) => containers.reduce((a, c) => a + (f(c) ?? 0), 0);
  const rates = containers.every((c) => c.cpu.usageNanoCores !== undefined);
  return {
    cpu: { time: rfc3339(timeMs), ...(rates ? { usageNanoCores: sum((c) => c.cpu.usageNanoCores) } : {}), usageCoreNanoSeconds: sum((c) => c.cpu.usageCoreNanoSeconds) },
    memory: {
      time: rfc3339(timeMs),
      usageBytes: sum((c) => c.memory.usageBytes),
      workingSetBytes: sum((c) => c.memory.workingSetBytes),
      rssBytes: sum((c) => c.memory.rssBytes),
      pageFaults: sum((c) => c.memory.pageFaults),
      majorPageFaults: sum((c) => c.memory.majorPageFaults),
    },
  };
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class StatsCollector {
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly nodeStartMs: number;
  private last: { atMs: number; summary: Summary } | undefined;
  private inflight: Promise<Summary> | undefined;
  /** Previous CPU readings by container id ('' for the node). */
  private prevCpu = new Map<string, CpuPoint>();

  constructor(private readonly opts: StatsCollectorOptions) {
    this.now = opts.now ?? Date.now;
    this.maxAgeMs = opts.maxAgeMs ?? 1000;
    this.nodeStartMs = opts.nodeStartMs ?? this.now();
  }

  /** The current Summary: a fresh collection, or the shared one running or just finished. */
  summary(): Promise<Summary> {
    if (this.last && this.now() - this.last.atMs < this.maxAgeMs) return Promise.resolve(this.last.summary);
    this.inflight ??= this.collect().then(
      (summary) => {
        this.last = { atMs: this.now(), summary };
        this.inflight = undefined;
        return summary;
      },
      (err: unknown) => {
        this.inflight = undefined;
        throw err;
      },
    );
    return this.inflight;
  }

  private async collect(): Promise<Summary> {
    const running = (await this.opts.engine.containers(false)).filter((c) => c.state === 'running' && c.pod.uid);
    const samples = await mapLimited(running, this.opts.concurrency ?? 8, async (c) => {
      try {
        return { c, s: containerSample(await this.opts.engine.stats(c.id), this.now()) };
      } catch {
        return undefined; // gone between the list and the stats call
      }
    });
    const node = this.opts.nodeUsage();
    const nextCpu = new Map<string, CpuPoint>();
    const byPod = new Map<string, { sandbox?: { c: EngineContainer; s: ContainerSample }; containers: Array<{ c: EngineContainer; s: ContainerSample }> }>();
    for (const entry of samples) {
      if (!entry) continue;
      let pod = byPod.get(entry.c.pod.uid);
      if (!pod) byPod.set(entry.c.pod.uid, (pod = { containers: [] }));
      if (entry.c.sandbox) pod.sandbox = entry;
      else pod.containers.push(entry);
    }
    const pods: PodStats[] = [];
    for (const [uid, p] of byPod) {
      const ref = (p.sandbox ?? p.containers[0]).c.pod;
      const containers: ContainerStats[] = p.containers
        .sort((a, b) => a.c.name.localeCompare(b.c.name))
        .map(({ c, s }) => {
          nextCpu.set(c.id, { ns: s.cpuCoreNanoSeconds, timeMs: s.timeMs });
          return { name: c.name, startTime: rfc3339(c.createdMs), cpu: cpuStats(s, this.prevCpu.get(c.id)), memory: memoryStats(s) };
        });
      const timeMs = Math.max(0, ...p.containers.map((x) => x.s.timeMs), p.sandbox?.s.timeMs ?? 0);
      const known = this.opts.pods?.get(ref.namespace, ref.name);
      const started = known?.status?.startTime ?? rfc3339((p.sandbox ?? p.containers[0]).c.createdMs);
      const network = p.sandbox ? networkStats(p.sandbox.s.timeMs, p.sandbox.s.interfaces) : undefined;
      pods.push({ podRef: { name: ref.name, namespace: ref.namespace, uid }, startTime: started, containers, ...podTotals(containers, timeMs), ...(network ? { network } : {}) });
    }
    pods.sort((a, b) => a.podRef.namespace.localeCompare(b.podRef.namespace) || a.podRef.name.localeCompare(b.podRef.name));
    nextCpu.set('', { ns: node.cpuCoreNanoSeconds, timeMs: node.timeMs });
    const nodeCpu = cpuStats(node, this.prevCpu.get(''));
    this.prevCpu = nextCpu;
    const network = networkStats(node.timeMs, node.interfaces);
    const t = rfc3339(node.timeMs);
    return {
      node: {
        nodeName: this.opts.nodeName,
        startTime: rfc3339(this.nodeStartMs),
        cpu: nodeCpu,
        memory: {
          time: t,
          availableBytes: Math.max(0, node.memoryCapacityBytes - node.memoryWorkingSetBytes),
          usageBytes: node.memoryUsageBytes,
          workingSetBytes: node.memoryWorkingSetBytes,
          ...(node.memoryRssBytes !== undefined ? { rssBytes: node.memoryRssBytes } : {}),
        },
        ...(network ? { network } : {}),
        ...(node.fs ? { fs: { time: t, ...node.fs, inodesUsed: node.fs.inodes - node.fs.inodesFree } } : {}),
      },
      pods,
    };
  }
}
