/**
 * Docker-container nodes: the costs under every cluster start and every pod.
 *   - cold node-image build: debootstrap with an empty .deb cache, import, agent layer
 *     (what a fresh machine pays once), then an agent-only rebuild and a no-op ensure;
 *   - warm start of 3 nodes to engine-ready with the pod images preloaded (the floor
 *     under "N nodes Ready" in minikube's time-to-k8s phases);
 *   - `docker run` of the busybox image inside a node's engine, timed inside the node
 *     (no exec overhead): the floor under pod start latency the kubelet cannot beat;
 *   - RSS of a node's engine processes (dockerd + containerd).
 * Needs a Docker engine; the cold phase needs root and debootstrap (skipped otherwise,
 * or with --quick). Alone: `npx tsx bench/nodes.ts [--quick]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BUSYBOX_IMAGE,
  canBuildOffline,
  connectDocker,
  downAll,
  engineReachable,
  ensureNodeImage,
  ensurePodImages,
  nodeImageRefs,
  NodeManager,
} from '../cluster/nodes/index.js';
import { round, summarize } from './lib/stats.js';
import type { LatencySummary } from './lib/stats.js';
import { formatTable } from './lib/table.js';

export interface NodesBenchOptions {
  quick?: boolean;
  /** Measure the cold image build (default: unless quick). Re-imports the node image. */
  cold?: boolean;
}

export interface NodesBenchResult {
  config: { nodes: number; runs: number };
  coldBuild?: { totalS: number };
  agentLayerRebuildS: number;
  warmEnsureS: number;
  podImagesS: number;
  /** Network and privilege probe, then all nodes created in parallel to engine-ready + preload. */
  networkS: number;
  nodesReadyS: number;
  dockerRunRm: LatencySummary;
  dockerRunDetached: LatencySummary;
  nodeEngineRssMiB: number;
  failures: string[];
}

const NODES = 3;

/** Per-run milliseconds of `cmd` run `n` times inside the node, timed by the node's clock. */
export async function timedInNode(manager: NodeManager, node: string, n: number, cmd: string): Promise<number[]> {
  const script = `i=0; while [ $i -lt ${n} ]; do s=$(date +%s%N); ${cmd} >/dev/null || exit 1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); i=$((i + 1)); done`;
  const r = await manager.exec(node, ['sh', '-c', script], { timeoutMs: 10 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`in node ${node}: ${cmd} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((us) => Number(us) / 1000);
}

async function engineRssMiB(manager: NodeManager, node: string): Promise<number> {
  const script = "for p in $(pidof dockerd containerd); do grep VmRSS /proc/$p/status; done | awk '{s+=$2} END {print s}'";
  const r = await manager.exec(node, ['sh', '-c', script]);
  return round(Number(r.stdout.trim()) / 1024, 1);
}

export async function benchNodes(opts: NodesBenchOptions = {}): Promise<NodesBenchResult> {
  const docker = connectDocker();
  if (!(await engineReachable(docker))) throw new Error('no Docker engine answers (install docker.io and start dockerd)');
  const quick = opts.quick ?? false;
  const runs = quick ? 5 : 30;
  const failures: string[] = [];
  const result: Partial<NodesBenchResult> = { config: { nodes: NODES, runs }, failures };

  if ((opts.cold ?? !quick) && canBuildOffline()) {
    // Cold: no image, no cached root, no .deb downloads (a temp cache dir); the tags are the same.
    const refs = nodeImageRefs();
    for (const ref of [refs.node, refs.base]) await docker.getImage(ref).remove({ force: true }).catch(() => {});
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'kubarium-bench-cache-'));
    try {
      const built = await ensureNodeImage(docker, { cacheDir });
      result.coldBuild = { totalS: round(built.seconds) };
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  } else if (opts.cold) {
    failures.push('cold build skipped: needs Linux, root and debootstrap');
  }

  const image = await ensureNodeImage(docker);
  result.warmEnsureS = round((await ensureNodeImage(docker)).seconds, 3);
  let t = performance.now();
  await ensurePodImages(docker);
  result.podImagesS = round((performance.now() - t) / 1000, 3);

  const agentDir = mkdtempSync(path.join(tmpdir(), 'kubarium-bench-agent-'));
  try {
    writeFileSync(path.join(agentDir, 'index.mjs'), `console.log('bench agent ${Date.now()}');\n`);
    const layer = await ensureNodeImage(docker, { agentDir, pruneOld: false });
    result.agentLayerRebuildS = round(layer.seconds);
    await docker.getImage(layer.ref).remove().catch(() => {});
  } finally {
    rmSync(agentDir, { recursive: true, force: true });
  }

  const clusterId = `bench-${process.pid}`;
  const manager = new NodeManager({ clusterId, image: image.ref, docker });
  try {
    t = performance.now();
    await manager.network();
    result.networkS = round((performance.now() - t) / 1000);
    t = performance.now();
    await Promise.all(Array.from({ length: NODES }, (_, i) => manager.create({ name: `node-${i + 1}`, podCIDR: `10.244.${i + 1}.0/24` })));
    result.nodesReadyS = round((performance.now() - t) / 1000);
    await timedInNode(manager, 'node-1', 2, `docker run --rm --network none ${BUSYBOX_IMAGE} true`); // warm the engine's caches
    result.dockerRunRm = summarize(await timedInNode(manager, 'node-1', runs, `docker run --rm --network none ${BUSYBOX_IMAGE} true`));
    result.dockerRunDetached = summarize(await timedInNode(manager, 'node-2', runs, `docker run -d --network none ${BUSYBOX_IMAGE} sleep 600`));
    result.nodeEngineRssMiB = await engineRssMiB(manager, 'node-1');
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
  } finally {
    await downAll(docker, clusterId);
  }
  const r = result as NodesBenchResult;
  printNodesTable(r, quick);
  return r;
}

function printNodesTable(r: NodesBenchResult, quick: boolean): void {
  const s = (x: number | undefined) => (x === undefined ? '-' : String(x));
  const lat = (l: LatencySummary | undefined) => (l ? `${l.p50Ms} / ${l.p99Ms}` : '-');
  const rows = [
    ['cold node-image build: debootstrap, import, agent layer (s)', s(r.coldBuild?.totalS), 'once per machine'],
    ['agent-layer rebuild on the cached base (s)', s(r.agentLayerRebuildS), 'seconds'],
    ['node image ensure when current (s)', s(r.warmEnsureS), '≈ 0'],
    ['pod images ensure (s)', s(r.podImagesS), '-'],
    ['cluster network + privilege probe (s)', s(r.networkS), '-'],
    [`${r.config.nodes} nodes to engine-ready, images preloaded (s)`, s(r.nodesReadyS), '≤ 10 to DNS (whole cluster)'],
    [`docker run --rm busybox true in a node, p50 / p99 (ms, ${r.config.runs} runs)`, lat(r.dockerRunRm), 'pod-start floor'],
    ['docker run -d busybox in a node, p50 / p99 (ms)', lat(r.dockerRunDetached), 'pod-start floor'],
    ['node engine RSS, dockerd + containerd (MiB)', s(r.nodeEngineRssMiB), '-'],
  ];
  console.log(`\nNode benchmark${quick ? ' (--quick: few runs, no cold build)' : ''}`);
  console.log(formatTable(['metric', 'value', 'aim'], rows));
  for (const f of r.failures) console.log(`FAILED ${f}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await benchNodes({ quick: process.argv.includes('--quick') });
}
