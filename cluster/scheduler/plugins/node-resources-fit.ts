/**
 * NodeResourcesFit: Filter checks the pod's requests (and one more pod slot) against
 * the node's allocatable minus what its pods (assumed ones included) already request;
 * Score is the LeastAllocated strategy over cpu and memory with weight 1 each, using
 * non-zero requests (100m / 200Mi for containers that request nothing).
 */
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { MAX_NODE_SCORE } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, ScorePlugin, Status } from '../types.js';

export interface InsufficientResource {
  resource: string;
  reason: string;
  /** The request exceeds the node's whole allocatable: preempting cannot help. */
  unresolvable: boolean;
}

/** What does not fit (fitsRequest); empty when the pod fits. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const a = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > a.pods) out.push({ resource: 'pods', reason: 'Too many pods', unresolvable: false });
  const r = pod.requests;
  const check = (name: string, want: number, alloc: number, inUse: number) => {
    if (want > 0 && want > alloc - inUse) out.push({ resource: name, reason: `Insufficient ${name}`, unresolvable: want > alloc });
  };
  check('cpu', r.milliCPU, a.milliCPU, used.milliCPU);
  check('memory', r.memory, a.memory, used.memory);
  check('ephemeral-storage', r.ephemeralStorage, a.ephemeralStorage, used.ephemeralStorage);
  for (const [name, want] of r.scalar ?? []) check(name, want, a.scalar?.get(name) ?? 0, used.scalar?.get(name) ?? 0);
  return out;
}

/**
 * insufficientResources(...).length === 0 without building anything: the filter runs for
 * hundreds of nodes per pod (numFeasibleNodesToFind), and nearly all of them fit.
 */
function fits(pod: PodInfo, node: NodeInfo): boolean {
  const a = node.allocatable;
  const used = node.requested;
  const r = pod.requests;
  if (node.pods.size + 1 > a.pods) return false;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - used.milliCPU) return false;
  if (r.memory > 0 && r.memory > a.memory - used.memory) return false;
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) return false;
  if (r.scalar) {
    for (const [name, want] of r.scalar) if (want > 0 && want > (a.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0)) return false;
  }
  return true;
}

/** (capacity - requested) * 100 / capacity, 0 when over capacity (leastRequestedScore). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeResourcesFit';
  events(): ClusterEvent[] {
    return ['NodeAdd', 'NodeAllocatableChange', 'NodeUpdate', 'PodDelete', 'PodUpdate'];
  }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    if (fits(pod, node)) return null;
    const insufficient = insufficientResources(pod, node);
    if (!insufficient.length) return null;
    return { code: insufficient.some((i) => i.unresolvable) ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons: insufficient.map((i) => i.reason) };
  }
  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const cpu = leastRequestedScore(node.nonZeroCPU + pod.nonZeroCPU, node.allocatable.milliCPU);
    const mem = leastRequestedScore(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
    return Math.floor((cpu + mem) / 2);
  }
}
