/**
 * A whole cluster of Docker-container nodes, in the phases of minikube's time-to-k8s
 * benchmark: command → API answering → N nodes Ready → cluster DNS answering in a pod →
 * an app running. Then pod start latency (create → Running seen by a watch) over 100
 * pods created one after another, beside a plain `docker run` of the same image in a node's engine (the floor), and
 * the memory of each node's agent (kubelet + kube-proxy, one process) and engine.
 * Warm: the node image is cached (bench `nodes` measures the cold build).
 * Alone: `npx tsx bench/cluster.ts [--quick]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { PODS, RestClient, SharedInformerFactory } from '../cluster/client/index.js';
import { ensureAgentBundle } from '../cluster/nodes/agent/bundle.js';
import { connectDocker } from '../cluster/nodes/docker.js';
import { ensureClusterImages } from '../cluster/nodes/image/index.js';
import { NodeManager } from '../cluster/nodes/node-manager.js';
import { launchControlPlane } from './lib/control-plane-process.js';
import { round, summarize } from './lib/stats.js';
import type { LatencySummary } from './lib/stats.js';
import { formatTable } from './lib/table.js';
import { timedInNode } from './nodes.js';

export interface ClusterBenchOptions {
  quick?: boolean;
}

export interface ClusterBenchResult {
  config: { nodes: number; pods: number };
  /** Seconds from the command, per phase (cumulative). */
  phases: { apiAnsweringS?: number; nodesReadyS: number; dnsAnsweringS?: number; appRunningS?: number };
  podStart: LatencySummary;
  dockerRunFloor: LatencySummary;
  perNodeMiB: Array<{ node: string; agentRss: number; engineRss: number }>;
  failures: string[];
}

const NS = 'default';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilOk(what: string, limitMs: number, fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${what} within ${limitMs / 1000} s${last ? `: ${last}` : ''}`);
}

const runningPod = (p: Pod | undefined) => p?.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.ready);

export async function benchCluster(opts: ClusterBenchOptions = {}): Promise<ClusterBenchResult> {
  const nodes = opts.quick ? 1 : 3;
  const podCount = opts.quick ? 20 : 100;
  const failures: string[] = [];
  // Warm means warm: the node images (node, pod, preloaded) for the current sources exist before the clock starts.
  await ensureClusterImages(connectDocker(), { agentDir: await ensureAgentBundle(), log: (l) => console.log(`  [cluster] ${l}`) });
  const t0 = performance.now();
  const since = () => round((performance.now() - t0) / 1000, 2);
  const cp = await launchControlPlane({ args: ['--nodes', String(nodes)], readyTimeoutMs: 600_000 });
  const phases: ClusterBenchResult['phases'] = { nodesReadyS: round(cp.startupMs / 1000, 2) };
  // The API answered before the nodes were up: the launcher logs it ("controller-manager: started" comes after /readyz).
  const client = RestClient.fromKubeconfig(cp.kubeconfigPath);
  const manager = new NodeManager({ clusterId: readFileSync(join(cp.dataDir, 'cluster-id'), 'utf8').trim() });
  try {
    try {
      await client.create<Pod>(PODS, {
        metadata: { name: 'dns-probe', namespace: NS },
        spec: { restartPolicy: 'Never', containers: [{ name: 'probe', image: 'kubarium/busybox:1', command: ['sh', '-c', 'until timeout 1 nslookup kubernetes.default.svc.cluster.local >/dev/null 2>&1; do sleep 0.2; done'] }] },
      });
      await untilOk('cluster DNS answering in a pod', 120_000, async () => (await client.get<Pod>(PODS, 'dns-probe', { namespace: NS })).status?.phase === 'Succeeded');
      phases.dnsAnsweringS = since();
    } catch (err) {
      failures.push((err as Error).message);
    }
    try {
      await client.create<Pod>(PODS, { metadata: { name: 'app', namespace: NS }, spec: { containers: [{ name: 'echo', image: 'kubarium/http-echo:1' }] } });
      await untilOk('an app running', 60_000, async () => runningPod(await client.get<Pod>(PODS, 'app', { namespace: NS })));
      phases.appRunningS = since();
    } catch (err) {
      failures.push((err as Error).message);
    }

    // Pod start latency: create → Running and ready, as a watch sees it.
    const informers = new SharedInformerFactory(client, { log: () => {} });
    const pods = informers.informerFor<Pod>(PODS, { namespace: NS, labelSelector: 'bench=start' });
    const createdAt = new Map<string, number>();
    const latencies: number[] = [];
    const seen = new Set<string>();
    const check = (p: Pod) => {
      const name = p.metadata!.name!;
      const at = createdAt.get(name);
      if (at === undefined || seen.has(name) || !runningPod(p)) return;
      seen.add(name);
      latencies.push(performance.now() - at);
    };
    pods.addEventHandler({ onAdd: check, onUpdate: (_, p) => check(p) });
    informers.start();
    await pods.waitForSync();
    // One pod at a time, each waiting for the previous to run: latency, not a queue behind a burst
    // (the floor below is timed the same way, one `docker run` after another).
    for (let i = 0; i < podCount; i++) {
      const name = `start-${i}`;
      createdAt.set(name, performance.now());
      await client.create<Pod>(PODS, { metadata: { name, namespace: NS, labels: { bench: 'start' } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'kubarium/busybox:1', command: ['sleep', '3600'] }] } });
      await untilOk(`pod ${name} running`, 60_000, async () => seen.has(name)).catch((err: Error) => failures.push(err.message));
    }
    await untilOk(`${podCount} pods running`, 300_000, async () => seen.size >= podCount).catch((err: Error) => failures.push(err.message));
    await informers.shutdown();

    const names = (await manager.list()).map((n) => n.name);
    const floor = await timedInNode(manager, names[0], opts.quick ? 5 : 20, 'docker run -d --rm kubarium/busybox:1 sleep 5');
    const perNodeMiB = [];
    for (const node of names) {
      // RSS of the agent (one Node.js process: kubelet + kube-proxy) and of the engine, read from /proc by the node's own node binary.
      const script = `const fs=require('fs');const rss=(re)=>fs.readdirSync('/proc').filter((d)=>/^\\d+$/.test(d)).reduce((sum,d)=>{try{const cmd=fs.readFileSync('/proc/'+d+'/cmdline','utf8');if(!re.test(cmd))return sum;return sum+Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/'+d+'/status','utf8'))[1]);}catch{return sum;}},0);console.log(rss(/agent\\/index\\.mjs/)+'\\n'+rss(/^(dockerd|containerd)\\0/));`;
      const r = await manager.exec(node, ['node', '-e', script]);
      const [agent, engine] = r.stdout.trim().split('\n').map((kb) => round(Number(kb) / 1024, 1));
      perNodeMiB.push({ node, agentRss: agent, engineRss: engine });
    }
    const result = { config: { nodes, pods: podCount }, phases, podStart: summarize(latencies), dockerRunFloor: summarize(floor), perNodeMiB, failures };
    console.log(`\nCluster benchmark${opts.quick ? ' (--quick: one node, 20 pods; not comparable)' : ''}`);
    console.log(formatClusterBench(result));
    return result;
  } finally {
    client.close();
    await cp.stop();
  }
}

export function formatClusterBench(r: ClusterBenchResult): string {
  const s = (x: number | undefined) => (x === undefined ? 'failed' : `${x}`);
  const rows = [
    [`${r.config.nodes} nodes Ready (from the command, warm)`, `${s(r.phases.nodesReadyS)} s`, '≤ 10 s to DNS (ours); minikube 50.8, kind 33.0, k3d 19.9 s for one node'],
    ['cluster DNS answering in a pod', `${s(r.phases.dnsAnsweringS)} s`, '≤ 10 s warm, 3 nodes'],
    ['an app running', `${s(r.phases.appRunningS)} s`, '-'],
    [`pod start p50 / p99 (${r.config.pods} pods)`, `${r.podStart.p50Ms} / ${r.podStart.p99Ms} ms`, 'p99 ≤ 1,000 ms and ≤ 2× docker run'],
    ['docker run -d in the node engine p50 / p99', `${r.dockerRunFloor.p50Ms} / ${r.dockerRunFloor.p99Ms} ms`, 'the floor'],
    ...r.perNodeMiB.map((n) => [`${n.node}: agent (kubelet + kube-proxy) / engine RSS`, `${n.agentRss} / ${n.engineRss} MiB`, 'agent < 80 MB']),
  ];
  return formatTable(['metric', 'value', 'aim'], rows) + r.failures.map((f) => `\nFAILED ${f}`).join('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchCluster({ quick: process.argv.includes('--quick') });
}
