/**
 * The kubelet server's stats endpoints (pkg/kubelet/server/stats, metrics handlers):
 * /stats/summary (JSON; `only_cpu_and_memory=true` as metrics-server once asked),
 * /metrics/resource, /metrics/cadvisor and /metrics — given to startKubeletServer as
 * `handlers`, so authentication and nodes/stats, nodes/metrics authorization stay its.
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type Docker from 'dockerode';
import { KubeletHttpError } from '../server/http-error.js';
import type { KubeletPodSource, KubeletRequest, KubeletRouteHandler } from '../server/server.js';
import { StatsCollector } from './collector.js';
import { dockerStatsEngine, type StatsEngine } from './engine.js';
import { readNodeUsage, type NodeUsage } from './node-usage.js';
import { cadvisorMetricsText, kubeletMetricsText, PROMETHEUS_CONTENT_TYPE, resourceMetricsText, type KubeletCounts } from './prometheus.js';
import type { Summary } from './types.js';

export interface StatsHandlersOptions {
  nodeName: string;
  /** The node's engine (dockerode); or `engine` for another source. */
  docker?: Docker;
  engine?: StatsEngine;
  /** Labels narrowing the engine's containers to this kubelet's (tests sharing one engine). */
  labels?: Record<string, string>;
  pods?: KubeletPodSource;
  /** The pods' cgroup parent (KUBARIUM_CGROUP_PARENT): the node's totals come from its parent cgroup. */
  cgroupParent?: string;
  /** The node's totals; default readNodeUsage over the cgroup above, else /proc. */
  nodeUsage?: () => NodeUsage;
  /** How long one collection is reused; default 1000 ms. */
  maxAgeMs?: number;
}

/** Summary without network and fs, for `only_cpu_and_memory=true`. */
export function cpuAndMemoryOnly(s: Summary): Summary {
  const { network: _n, fs: _f, ...node } = s.node;
  void _n;
  void _f;
  return { node, pods: s.pods.map(({ network: _pn, ...p }) => (void _pn, p)) };
}

function write(r: KubeletRequest, contentType: string, body: string): void {
  if (!r.res) throw new KubeletHttpError(400, 'not an upgrade endpoint');
  r.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  r.res.end(r.req.method === 'HEAD' ? undefined : body);
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

async function counts(engine: StatsEngine, nodeName: string): Promise<KubeletCounts> {
  const all = await engine.containers(true);
  const containersByState: Record<string, number> = {};
  const pods = new Set<string>();
  for (const c of all) {
    if (c.sandbox) {
      if (c.state === 'running') pods.add(c.pod.uid);
      continue;
    }
    const state = ['running', 'exited', 'created'].includes(c.state) ? c.state : 'unknown';
    containersByState[state] = (containersByState[state] ?? 0) + 1;
  }
  return { nodeName, runningPods: pods.size, containersByState };
}

/** The handlers for startKubeletServer's `handlers` option: `{ '/stats': ..., '/metrics': ... }`. */
export function statsHandlers(opts: StatsHandlersOptions): Record<string, KubeletRouteHandler> {
  const engine = opts.engine ?? (opts.docker ? dockerStatsEngine(opts.docker, opts.labels) : undefined);
  if (!engine) throw new Error('statsHandlers: give `docker` or `engine`');
  const collector = new StatsCollector({
    engine,
    nodeName: opts.nodeName,
    pods: opts.pods,
    maxAgeMs: opts.maxAgeMs,
    nodeUsage: opts.nodeUsage ?? (() => readNodeUsage({ cgroupParent: opts.cgroupParent })),
  });
  const getOnly = (r: KubeletRequest) => {
    const m = r.req.method ?? 'GET';
    if (m !== 'GET' && m !== 'HEAD') throw new KubeletHttpError(405, `method ${m} not allowed`);
  };
  const stats: KubeletRouteHandler = async (r) => {
    getOnly(r);
    if (r.url.pathname !== '/stats/summary' && r.url.pathname !== '/stats/summary/') throw new KubeletHttpError(404, '404 page not found');
    const summary = await collector.summary();
    const only = r.url.searchParams.get('only_cpu_and_memory') === 'true';
    write(r, 'application/json', JSON.stringify(only ? cpuAndMemoryOnly(summary) : summary));
  };
  const metrics: KubeletRouteHandler = async (r) => {
    getOnly(r);
    switch (r.url.pathname) {
      case '/metrics/resource':
        return write(r, PROMETHEUS_CONTENT_TYPE, resourceMetricsText(await collector.summary()));
      case '/metrics/cadvisor':
        return write(r, PROMETHEUS_CONTENT_TYPE, cadvisorMetricsText(await collector.summary(), { cores: cpus().length, memoryBytes: totalmem() }));
      case '/metrics': {
        const usage = process.cpuUsage();
        const mem = process.memoryUsage();
        const proc = { cpuSeconds: (usage.user + usage.system) / 1e6, residentBytes: mem.rss, heapBytes: mem.heapUsed, startTimeSeconds: Math.round(Date.now() / 1000 - process.uptime()), openFds: openFds() };
        return write(r, PROMETHEUS_CONTENT_TYPE, kubeletMetricsText(await counts(engine, opts.nodeName), proc));
      }
    }
    throw new KubeletHttpError(404, '404 page not found');
  };
  return { '/stats': stats, '/metrics': metrics };
}
