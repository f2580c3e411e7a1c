/**
 * Hollow-node benchmark, after kwok's CI gate (test/e2e/benchmark.go: 5,000 nodes Ready
 * and 10,000 pods Running within 60 s each): the real control plane in a child process
 * (API server, scheduler, controller manager), and in this process one pool of 1,000
 * hollow nodes. Times until every node is Ready, then until 10,000 pods created with
 * spec.nodeName preset (no scheduler involved) are all Running, as seen by a watch; then
 * the RSS of the control-plane process and of the hollow-node process.
 * Alone: `npx tsx bench/hollow.ts [--quick]`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NAMESPACES, NODES, PODS, RestClient, SharedInformer } from '../cluster/client/index.js';
import { startHollowNodes } from '../cluster/nodes/hollow/index.js';
import { launchControlPlane } from './lib/control-plane-process.js';
import { round, runConcurrent } from './lib/stats.js';
import { formatTable } from './lib/table.js';

export interface HollowBenchOptions {
  quick?: boolean;
}

export interface HollowBenchResult {
  config: { nodes: number; pods: number; createConcurrency: number };
  nodesReadyS: number;
  podsCreatedS: number;
  podsRunningS: number;
  /** Pods Running per second, from the first create to the last Running. */
  podsPerSec: number;
  controlPlaneRssMiB: { idle: number; afterNodes: number; afterPods: number; peak?: number };
  hollowProcessRssMiB: number;
  failures: string[];
}

const NAMESPACE = 'bench-hollow';
const mib = (b: number) => round(b / 2 ** 20, 1);

/** Resolves when `count()` reaches `target`, re-checking on every informer event. */
function reach(informer: SharedInformer<Node> | SharedInformer<Pod>, count: () => number, target: number, what: string, limitMs: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let done = false;
    const check = () => {
      if (done || count() < target) return;
      done = true;
      clearTimeout(timer);
      off();
      resolve((performance.now() - t0) / 1000);
    };
    const timer = setTimeout(() => {
      done = true;
      off();
      reject(new Error(`${what}: ${count()} of ${target} after ${limitMs / 1000} s`));
    }, limitMs);
    const off = (informer as SharedInformer<Pod>).addEventHandler({ onAdd: check, onUpdate: check });
    check();
  });
}

export async function benchHollow(opts: HollowBenchOptions = {}): Promise<HollowBenchResult> {
  const nodes = opts.quick ? 100 : 1000;
  const pods = opts.quick ? 1000 : 10_000;
  const createConcurrency = 64;
  const progress = (line: string) => console.log(`  [hollow] ${line}`);
  const failures: string[] = [];
  const cp = await launchControlPlane();
  progress(`control plane pid ${cp.pid} ready in ${Math.round(cp.startupMs)} ms`);
  const client = RestClient.fromKubeconfig(cp.kubeconfigPath, { userAgent: 'bench-hollow' });
  const watchClient = RestClient.fromKubeconfig(cp.kubeconfigPath, { userAgent: 'bench-hollow-watch' });
  const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const nodeWatch = new SharedInformer<Node>(watchClient, NODES, { log: progress });
  const podWatch = new SharedInformer<Pod>(watchClient, PODS, { namespace: NAMESPACE, log: progress });
  let pool: Awaited<ReturnType<typeof startHollowNodes>> | undefined;
  const rss = () => {
    const why = cp.exitStatus();
    if (why) throw new Error(`control plane ${why}:\n${cp.logTail()}`);
    return cp.memory();
  };
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rss();
    nodeWatch.run();
    podWatch.run();
    await Promise.all([nodeWatch.waitForSync(), podWatch.waitForSync()]);

    const readyNodes = () => nodeWatch.indexer.list().filter((n) => n.metadata?.name?.startsWith('bench-') && isReady(n)).length;
    const nodesReady = reach(nodeWatch, readyNodes, nodes, 'nodes Ready', 120_000);
    pool = await startHollowNodes({ client, count: nodes, namePrefix: 'bench', log: () => {}, podStartDelayMs: 0, workers: 64, registerConcurrency: 64 });
    const nodesReadyS = await nodesReady;
    progress(`${nodes} nodes Ready in ${round(nodesReadyS, 1)} s`);
    const afterNodes = rss();

    await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    const running = () => podWatch.indexer.list().filter((p) => p.status?.phase === 'Running').length;
    const allRunning = reach(podWatch, running, pods, 'pods Running', 180_000);
    const t0 = performance.now();
    let createErrors = 0;
    await runConcurrent(pods, createConcurrency, async (i) => {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p-${i}`, namespace: NAMESPACE },
        spec: { nodeName: `bench-${i % nodes}`, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      };
      try {
        await client.create(PODS, pod);
      } catch (err) {
        if (createErrors++ < 5) failures.push(`create p-${i}: ${(err as Error).message}`);
      }
    });
    const podsCreatedS = (performance.now() - t0) / 1000;
    progress(`${pods} pods created in ${round(podsCreatedS, 1)} s`);
    let podsRunningS = NaN;
    try {
      await allRunning;
      podsRunningS = (performance.now() - t0) / 1000;
      progress(`${pods} pods Running ${round(podsRunningS, 1)} s after the first create`);
    } catch (err) {
      failures.push((err as Error).message);
    }
    const afterPods = rss();
    const result: HollowBenchResult = {
      config: { nodes, pods, createConcurrency },
      nodesReadyS: round(nodesReadyS, 2),
      podsCreatedS: round(podsCreatedS, 2),
      podsRunningS: round(podsRunningS, 2),
      podsPerSec: round(pods / podsRunningS, 0),
      controlPlaneRssMiB: { idle: mib(idle.rssBytes), afterNodes: mib(afterNodes.rssBytes), afterPods: mib(afterPods.rssBytes), peak: afterPods.peakRssBytes && mib(afterPods.peakRssBytes) },
      hollowProcessRssMiB: mib(process.memoryUsage().rss),
      failures,
    };
    printHollowTable(result, !!opts.quick);
    return result;
  } finally {
    await pool?.stop();
    await nodeWatch.stop();
    await podWatch.stop();
    client.close();
    watchClient.close();
    await cp.stop();
  }
}

function printHollowTable(r: HollowBenchResult, quick: boolean): void {
  const { nodes, pods } = r.config;
  const rows = [
    [`${nodes} hollow nodes Ready (s)`, String(r.nodesReadyS), '≤ 60 for 5,000 (kwok CI)'],
    [`${pods} pods created, nodeName preset (s)`, String(r.podsCreatedS), '-'],
    [`${pods} pods Running after first create (s)`, String(r.podsRunningS), '≤ 60 for 10,000 (kwok CI)'],
    ['pods Running per second', String(r.podsPerSec), '≥ 167'],
    ['control-plane RSS idle / after nodes / after pods (MiB)', `${r.controlPlaneRssMiB.idle} / ${r.controlPlaneRssMiB.afterNodes} / ${r.controlPlaneRssMiB.afterPods}`, '≤ 450 (k3s server idle)'],
    ['control-plane peak RSS (MiB)', String(r.controlPlaneRssMiB.peak ?? '-'), '-'],
    ['hollow-node process RSS (MiB)', String(r.hollowProcessRssMiB), '≪ 220 per node (kubemark)'],
  ];
  console.log(`\nHollow-node benchmark${quick ? ' (--quick: small counts, not comparable)' : ''}`);
  console.log(formatTable(['metric', 'value', 'aim'], rows));
  for (const f of r.failures) console.log(`FAILED ${f}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await benchHollow({ quick: process.argv.includes('--quick') });
}
