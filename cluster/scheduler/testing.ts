/** Builders for the scheduler's unit tests: nodes, pods and node infos without an API server. */
import type { Node, Pod, PodSpec, Taint } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from './cache.js';
import type { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function testNode(name: string, o: NodeOpts = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' }, images: o.images },
  };
}

export function testPod(name: string, cpu = '100m', spec: Partial<PodSpec> = {}, labels?: Record<string, string>, priority?: number): PodInfo {
  const pod: Pod = {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu, memory: '64Mi' } } }], ...spec },
  };
  return new PodInfo(pod, priority ?? pod.spec?.priority ?? 0);
}

/** A cache with the given nodes and pods already bound (`[pod, nodeName]`). */
export function testCache(nodes: Node[], bound: [PodInfo, string][] = []): SchedulerCache {
  const c = new SchedulerCache();
  for (const n of nodes) c.addOrUpdateNode(n);
  for (const [p, n] of bound) c.addOrUpdatePod(p, n);
  return c;
}

export function infoOf(c: SchedulerCache, name: string): NodeInfo {
  const n = c.get(name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}
