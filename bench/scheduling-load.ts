/**
 * Scheduling under load, through the real control plane (issue #3's aim: ≥ 500 pods/s
 * scheduled on this 2-core machine while a concurrent GET keeps p99 ≤ 100 ms). Three
 * processes: the control plane (API server, scheduler, controller manager; child), 1,000
 * hollow nodes (child, bench/scheduling/hollow-nodes-process.ts) and this one, which
 * creates N unscheduled pods (no nodeName: the scheduler must bind every one), watches
 * them get bound, and meanwhile GETs one ConfigMap in a closed loop (one client, 10 ms
 * between requests) — first with the nodes idle (baseline), then while the pods are
 * created and bound. Then a 1,000-replica Deployment: its create until every one of its pods
 * is bound (the ReplicaSet controller's slow-start batches, then the scheduler).
 * Alone: `npx tsx bench/scheduling-load.ts [--quick]`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { CONFIGMAPS, DEPLOYMENTS, NAMESPACES, NODES, PODS, RestClient, SharedInformer } from '../cluster/client/index.js';
import { launchControlPlane } from './lib/control-plane-process.js';
import { BenchClient, loadKubeconfig } from './lib/kube-client.js';
import { round, runConcurrent, summarize, type LatencySummary } from './lib/stats.js';
import { formatTable } from './lib/table.js';

export interface SchedulingLoadOptions {
  quick?: boolean;
  /** Write a V8 CPU profile of the control-plane process into this folder. */
  cpuProfileDir?: string;
}

export interface SchedulingLoadResult {
  config: { nodes: number; pods: number; createConcurrency: number; getPauseMs: number };
  nodesReadyS: number;
  podsCreatedS: number;
  /** First create → last pod bound. */
  allBoundS: number;
  /** Pods bound per second over first create → last bound (what a user waits for). */
  boundPerSec: number;
  /** Pods bound per second over first bind → last bind (the scheduler's own pace). */
  schedulerPerSec: number;
  getIdle: LatencySummary;
  getUnderLoad: LatencySummary;
  /** A Deployment of `replicas` created after the pods: create → every one of its pods bound (issue #3's figure; the ReplicaSet controller's slow-start batches, then the scheduler). */
  deployment: { replicas: number; allBoundS: number | null };
  controlPlaneRssMiB: { idle: number; afterNodes: number; afterPods: number; peak?: number };
  hollowProcessRssMiB?: number;
  failures: string[];
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAMESPACE = 'bench-scheduling';
const PREFIX = 'sched';
const GET_PAUSE_MS = 10;
const mib = (b: number) => round(b / 2 ** 20, 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HollowProcess {
  rss(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Starts the hollow-node process and resolves once its nodes are registered. */
async function startHollowProcess(kubeconfig: string, count: number, log: (l: string) => void): Promise<HollowProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scheduling/hollow-nodes-process.ts', kubeconfig, String(count), PREFIX], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => {
    tail.push(l);
    if (tail.length > 20) tail.shift();
  });
  const lines = createInterface({ input: child.stdout });
  let rssWaiter: ((n: number) => void) | undefined;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hollow nodes not registered after 180 s:\n${tail.join('\n')}`)), 180_000);
    lines.on('line', (l) => {
      if (l === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (l.startsWith('rss ')) rssWaiter?.(Number(l.slice(4)));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`hollow-node process exited:\n${tail.join('\n')}`));
    });
  });
  log(`hollow-node process pid ${child.pid}: ${count} nodes registered`);
  return {
    rss: () =>
      Promise.race([
        new Promise<number>((r) => {
          rssWaiter = r;
          child.kill('SIGUSR2');
        }),
        sleep(2000).then(() => undefined),
      ]),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** GETs `path` one request at a time, GET_PAUSE_MS apart, until stopped; returns the latencies. */
function probeGets(client: BenchClient, path: string, failures: string[]): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    let errors = 0;
    while (running) {
      const t0 = performance.now();
      const res = await client.request('GET', path).catch((err: Error) => ({ status: 0, body: Buffer.from(err.message) }));
      if (res.status === 200) samples.push(performance.now() - t0);
      else if (errors++ < 3) failures.push(`GET ${path}: ${res.status} ${res.body.toString().slice(0, 200)}`);
      await sleep(GET_PAUSE_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

export async function benchSchedulingLoad(opts: SchedulingLoadOptions = {}): Promise<SchedulingLoadResult> {
  const nodes = opts.quick ? 100 : 1000;
  const pods = opts.quick ? 1000 : 10_000;
  const createConcurrency = 32;
  const progress = (line: string) => console.log(`  [scheduling-load] ${line}`);
  const failures: string[] = [];
  const cp = await launchControlPlane({ cpuProfileDir: opts.cpuProfileDir });
  progress(`control plane pid ${cp.pid} ready in ${Math.round(cp.startupMs)} ms`);
  const client = RestClient.fromKubeconfig(cp.kubeconfigPath, { userAgent: 'bench-scheduling-load' });
  const watchClient = RestClient.fromKubeconfig(cp.kubeconfigPath, { userAgent: 'bench-scheduling-load-watch' });
  const prober = new BenchClient(loadKubeconfig(cp.kubeconfigPath), 1);
  const nodeWatch = new SharedInformer<Node>(watchClient, NODES, { log: progress });
  const podWatch = new SharedInformer<Pod>(watchClient, PODS, { namespace: NAMESPACE, log: progress });
  let hollow: HollowProcess | undefined;
  const rss = () => {
    const why = cp.exitStatus();
    if (why) throw new Error(`control plane ${why}:\n${cp.logTail()}`);
    return cp.memory();
  };
  try {
    await sleep(2000);
    const idle = rss();
    await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: NAMESPACE }, data: { k: 'v' } });
    const probePath = `/api/v1/namespaces/${NAMESPACE}/configmaps/probe`;
    nodeWatch.run();
    podWatch.run();
    await Promise.all([nodeWatch.waitForSync(), podWatch.waitForSync()]);

    const t0Nodes = performance.now();
    hollow = await startHollowProcess(cp.kubeconfigPath, nodes, progress);
    const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    while (nodeWatch.indexer.list().filter((n) => n.metadata?.name?.startsWith(`${PREFIX}-`) && isReady(n)).length < nodes) {
      if (performance.now() - t0Nodes > 180_000) throw new Error('nodes not Ready after 180 s');
      await sleep(100);
    }
    const nodesReadyS = (performance.now() - t0Nodes) / 1000;
    progress(`${nodes} nodes Ready in ${round(nodesReadyS, 1)} s`);
    const afterNodes = rss();

    // Baseline: the same GET loop with the nodes heartbeating and nothing to schedule.
    const baseline = probeGets(prober, probePath, failures);
    await sleep(opts.quick ? 2000 : 5000);
    const getIdle = summarize(await baseline.stop());

    let firstBind = Number.NaN;
    let lastBind = Number.NaN;
    let bound = 0;
    const seenBound = new Set<string>();
    const allBound = new Promise<void>((resolve) => {
      const check = (p: Pod) => {
        if (!p.spec?.nodeName || !p.metadata?.name?.startsWith('p-') || seenBound.has(p.metadata.name)) return;
        seenBound.add(p.metadata.name);
        const now = performance.now();
        if (!bound++) firstBind = now;
        lastBind = now;
        if (bound === pods) resolve();
      };
      podWatch.addEventHandler({ onAdd: check, onUpdate: (_old, p) => check(p) });
    });

    const load = probeGets(prober, probePath, failures);
    const t0 = performance.now();
    let createErrors = 0;
    await runConcurrent(pods, createConcurrency, async (i) => {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p-${i}`, namespace: NAMESPACE, labels: { app: `app-${i % 100}` } },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      };
      try {
        await client.create(PODS, pod);
      } catch (err) {
        if (createErrors++ < 5) failures.push(`create p-${i}: ${(err as Error).message}`);
      }
    });
    const podsCreatedS = (performance.now() - t0) / 1000;
    progress(`${pods} pods created in ${round(podsCreatedS, 1)} s; ${bound} bound so far`);
    const limitMs = 300_000;
    let limit: NodeJS.Timeout | undefined;
    const done = await Promise.race([allBound.then(() => true), new Promise<boolean>((r) => (limit = setTimeout(() => r(false), limitMs)))]);
    // A pending 5-minute timer would keep this process alive that long after the run.
    clearTimeout(limit);
    const getUnderLoad = summarize(await load.stop());
    if (!done) failures.push(`only ${bound} of ${pods} pods bound ${limitMs / 1000} s after the first create`);
    const allBoundS = (lastBind - t0) / 1000;
    progress(`${bound} pods bound ${round(allBoundS, 1)} s after the first create`);
    const afterPods = rss();
    const hollowRss = await hollow.rss();
    const deployment = await timeDeployment(client, podWatch, opts.quick ? 100 : 1000, progress, failures);
    const result: SchedulingLoadResult = {
      config: { nodes, pods, createConcurrency, getPauseMs: GET_PAUSE_MS },
      nodesReadyS: round(nodesReadyS, 2),
      podsCreatedS: round(podsCreatedS, 2),
      allBoundS: round(allBoundS, 2),
      boundPerSec: round(bound / allBoundS, 0),
      schedulerPerSec: round(bound / ((lastBind - firstBind) / 1000), 0),
      getIdle,
      getUnderLoad,
      deployment,
      controlPlaneRssMiB: { idle: mib(idle.rssBytes), afterNodes: mib(afterNodes.rssBytes), afterPods: mib(afterPods.rssBytes), peak: afterPods.peakRssBytes && mib(afterPods.peakRssBytes) },
      hollowProcessRssMiB: hollowRss === undefined ? undefined : mib(hollowRss),
      failures,
    };
    printTable(result, !!opts.quick);
    return result;
  } finally {
    await hollow?.stop();
    await nodeWatch.stop();
    await podWatch.stop();
    client.close();
    watchClient.close();
    await cp.stop();
  }
}

/** Creates a Deployment of `replicas` pods and waits until every one of its pods is bound. */
async function timeDeployment(client: RestClient, podWatch: SharedInformer<Pod>, replicas: number, progress: (line: string) => void, failures: string[]): Promise<SchedulingLoadResult['deployment']> {
  const app = 'big';
  const bound = new Set<string>();
  let resolveBound: () => void = () => {};
  const allBound = new Promise<void>((resolve) => (resolveBound = resolve));
  const check = (p: Pod) => {
    if (p.metadata?.labels?.app !== app || !p.spec?.nodeName) return;
    bound.add(p.metadata.name!);
    if (bound.size === replicas) resolveBound();
  };
  podWatch.addEventHandler({ onAdd: check, onUpdate: (_old, p) => check(p) });
  const t0 = performance.now();
  const labels = { app };
  await client.create(DEPLOYMENTS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  });
  const limitMs = 300_000;
  let limit: NodeJS.Timeout | undefined;
  const done = await Promise.race([allBound.then(() => true), new Promise<boolean>((r) => (limit = setTimeout(() => r(false), limitMs)))]);
  clearTimeout(limit);
  if (!done) {
    failures.push(`only ${bound.size} of the Deployment's ${replicas} pods bound ${limitMs / 1000} s after its create`);
    return { replicas, allBoundS: null };
  }
  const allBoundS = round((performance.now() - t0) / 1000, 2);
  progress(`Deployment of ${replicas}: every pod bound ${allBoundS} s after its create`);
  return { replicas, allBoundS };
}

function printTable(r: SchedulingLoadResult, quick: boolean): void {
  const { nodes, pods } = r.config;
  const ms = (s: LatencySummary) => `${s.p50Ms} / ${s.p99Ms} / ${s.maxMs} (${s.count})`;
  const rows = [
    [`${nodes} hollow nodes Ready (s)`, String(r.nodesReadyS), '-'],
    [`${pods} unscheduled pods created (s)`, String(r.podsCreatedS), '-'],
    [`all ${pods} bound, from the first create (s)`, String(r.allBoundS), `≤ ${pods / 500} (500 pods/s)`],
    ['pods bound per second, first create → last bind', String(r.boundPerSec), '≥ 500 (issue #3)'],
    ['pods bound per second, first bind → last bind', String(r.schedulerPerSec), '≥ 500 (issue #3)'],
    ['GET configmap, nodes idle: p50 / p99 / max ms (n)', ms(r.getIdle), 'p99 ≤ 100 ms'],
    ['GET configmap, while scheduling: p50 / p99 / max ms (n)', ms(r.getUnderLoad), 'p99 ≤ 100 ms (issue #3)'],
    [`${r.deployment.replicas}-replica Deployment: create → every pod bound (s)`, String(r.deployment.allBoundS ?? '-'), '- (issue #3 figure)'],
    ['control-plane RSS idle / after nodes / after pods (MiB)', `${r.controlPlaneRssMiB.idle} / ${r.controlPlaneRssMiB.afterNodes} / ${r.controlPlaneRssMiB.afterPods}`, '≤ 450 (k3s server idle)'],
    ['control-plane peak RSS (MiB)', String(r.controlPlaneRssMiB.peak ?? '-'), '-'],
    ['hollow-node process RSS (MiB)', String(r.hollowProcessRssMiB ?? '-'), '-'],
  ];
  console.log(`\nScheduling under load${quick ? ' (--quick: small counts, not comparable)' : ''}`);
  console.log(formatTable(['metric', 'value', 'aim'], rows));
  for (const f of r.failures) console.log(`FAILED ${f}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await benchSchedulingLoad({ quick: process.argv.includes('--quick') });
}
