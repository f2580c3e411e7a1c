/**
 * NodeAffinity: Filter on spec.nodeSelector and requiredDuringScheduling node affinity;
 * Score sums the weights of the preferred terms a node matches, normalized by the max.
 */
import type { NodeSelectorTerm, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { SKIP, status } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, Status } from '../types.js';
import { defaultNormalizeScore, matchNodeSelectorTerm, matchNodeSelectorTerms } from './helpers.js';

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/** Whether the node satisfies the pod's nodeSelector and required node affinity (also used by PodTopologySpread). */
export function matchesRequiredNodeAffinity(pod: PodInfo, node: NodeInfo): boolean {
  const sel = pod.pod.spec?.nodeSelector;
  if (sel) for (const [k, v] of Object.entries(sel)) if (node.labels[k] !== v) return false;
  const terms: NodeSelectorTerm[] | undefined = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || matchNodeSelectorTerms(terms, node);
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'NodeAffinity';
  events(): ClusterEvent[] {
    return ['NodeAdd', 'NodeLabelChange', 'NodeUpdate'];
  }
  preFilter(_s: CycleState, pod: PodInfo): Status | null {
    const spec = pod.pod.spec;
    const hasRequired = !!spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    return spec?.nodeSelector && Object.keys(spec.nodeSelector).length ? null : hasRequired ? null : SKIP;
  }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    return matchesRequiredNodeAffinity(pod, node) ? null : status('UnschedulableAndUnresolvable', ERR_NODE_AFFINITY);
  }
  preScore(_s: CycleState, pod: PodInfo): Status | null {
    return pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? null : SKIP;
  }
  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    let sum = 0;
    const prefs: PreferredSchedulingTerm[] = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    for (const p of prefs) if (p.weight && matchNodeSelectorTerm(p.preference, node)) sum += p.weight;
    return sum;
  }
  normalizeScore(_s: CycleState, _p: PodInfo, _n: readonly NodeInfo[], scores: Float64Array): void {
    defaultNormalizeScore(scores, false);
  }
}
