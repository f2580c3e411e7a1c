/**
 * Scheduler benchmark: the framework in-process over in-memory node infos (no API
 * server), placing 10,000 pods on 1,000 nodes with the default plugins — once with
 * plain pods, once with pods owned by ReplicaSets (system-default topology spreading)
 * plus explicit zone spread constraints. Run alone with `npx tsx bench/scheduler.ts`.
 */
import { pathToFileURL } from 'node:url';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Selector } from '../cluster/api/labels.js';
import { Framework } from '../cluster/scheduler/framework.js';
import { PodInfo } from '../cluster/scheduler/pod-info.js';
import { SchedulerCache } from '../cluster/scheduler/cache.js';
import { PodScheduler } from '../cluster/scheduler/schedule-pod.js';
import { DEFAULT_WEIGHTS, defaultPlugins, noVolumes } from '../cluster/scheduler/plugins/registry.js';

export interface SchedulerBenchCase {
  nodes: number;
  pods: number;
  scheduled: number;
  seconds: number;
  podsPerSecond: number;
  /** Largest minus smallest pod count per node at the end. */
  spread: number;
}

export interface SchedulerBenchResult {
  basic: SchedulerBenchCase;
  topologySpread: SchedulerBenchCase;
}

const ZONES = 10;

function makeNode(i: number): Node {
  const name = `node-${i}`;
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % ZONES}` } },
    status: { allocatable: { cpu: '32', memory: '128Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function makePod(i: number, spread: boolean): Pod {
  const app = `app-${i % 100}`;
  const pod: Pod = {
    metadata: { name: `pod-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
  };
  if (spread) {
    pod.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: app, controller: true }];
    pod.spec!.topologySpreadConstraints = [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } }];
  }
  return pod;
}

function runCase(nodes: number, pods: number, spread: boolean): SchedulerBenchCase {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) cache.addOrUpdateNode(makeNode(i));
  // System-default spreading selects the pods of the same ReplicaSet (its selector is app=<name>).
  const defaultSelector = (p: Pod) => {
    const owner = p.metadata?.ownerReferences?.[0];
    return owner ? new Selector([{ key: 'app', operator: 'Equals', values: [owner.name] }]) : undefined;
  };
  const fw = new Framework(defaultPlugins({ snapshot: () => cache, volumes: noVolumes, defaultSelector }), DEFAULT_WEIGHTS);
  const sched = new PodScheduler(fw, cache);
  const infos = Array.from({ length: pods }, (_, i) => new PodInfo(makePod(i, spread)));
  let scheduled = 0;
  const t0 = performance.now();
  for (const info of infos) {
    try {
      const r = sched.schedule(info);
      cache.assumePod(info, r.node);
      scheduled++;
    } catch {
      // unschedulable: counted by the difference
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const counts = cache.list().map((n) => n.pods.size);
  return { nodes, pods, scheduled, seconds: Math.round(seconds * 100) / 100, podsPerSecond: Math.round(scheduled / seconds), spread: Math.max(...counts) - Math.min(...counts) };
}

export async function benchScheduler(o: { quick?: boolean } = {}): Promise<SchedulerBenchResult> {
  const nodes = o.quick ? 100 : 1000;
  const pods = o.quick ? 1000 : 10_000;
  const basic = runCase(nodes, pods, false);
  console.log(`basic:           ${basic.scheduled}/${pods} pods on ${nodes} nodes in ${basic.seconds} s = ${basic.podsPerSecond} pods/s (per-node spread ${basic.spread})`);
  const topologySpread = runCase(nodes, pods, true);
  console.log(`topology spread: ${topologySpread.scheduled}/${pods} pods on ${nodes} nodes in ${topologySpread.seconds} s = ${topologySpread.podsPerSecond} pods/s (per-node spread ${topologySpread.spread})`);
  return { basic, topologySpread };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchScheduler({ quick: process.argv.includes('--quick') });
}
