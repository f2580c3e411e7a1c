/**
 * TaintToleration: Filter rejects a node with a NoSchedule/NoExecute taint the pod does
 * not tolerate (naming the first one, as upstream's message does); Score counts
 * untolerated PreferNoSchedule taints and prefers nodes with fewer (reverse-normalized).
 */
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { status } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, ScorePlugin, Status } from '../types.js';
import { defaultNormalizeScore, tolerated } from './helpers.js';

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = 'TaintToleration';
  events(): ClusterEvent[] {
    return ['NodeAdd', 'NodeTaintChange', 'NodeUpdate'];
  }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const tol = pod.pod.spec?.tolerations;
    for (const t of node.taints) {
      if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
      if (!tolerated(tol, t)) return status('UnschedulableAndUnresolvable', `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`);
    }
    return null;
  }
  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    let n = 0;
    if (!node.taints.length) return 0;
    // Only tolerations whose effect is empty or PreferNoSchedule count (getAllTolerationPreferNoSchedule).
    const tol = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(tol, t)) n++;
    return n;
  }
  normalizeScore(_s: CycleState, _p: PodInfo, _n: readonly NodeInfo[], scores: Float64Array): void {
    defaultNormalizeScore(scores, true);
  }
}
