/**
 * NodeResourcesBalancedAllocation: prefers nodes where, after placing the pod, cpu and
 * memory are used in similar fractions: score = (1 - std(fractions)) * 100, with the
 * std of two fractions being |a - b| / 2 as upstream computes it. Best-effort pods skip it.
 */
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { MAX_NODE_SCORE, SKIP } from '../types.js';
import type { CycleState, PreScorePlugin, ScorePlugin, Status } from '../types.js';

export function balancedScore(fractions: readonly number[]): number {
  if (!fractions.length) return 0;
  let std = 0;
  if (fractions.length === 2) std = Math.abs(fractions[0] - fractions[1]) / 2;
  else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  preScore(_s: CycleState, pod: PodInfo): Status | null {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? SKIP : null;
  }
  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const a = node.allocatable;
    const fractions: number[] = [];
    if (a.milliCPU > 0) fractions.push(Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU));
    if (a.memory > 0) fractions.push(Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory));
    return balancedScore(fractions);
  }
}
