/**
 * InterPodAffinity. Filter (after a PreFilter that counts, per topology pair, the pods
 * matching each term): the incoming pod's required affinity must find a matching pod
 * in the node's domain (unless no pod matches anywhere and the pod matches itself —
 * the first pod of a group), its required anti-affinity must find none, and no
 * existing pod's required anti-affinity may reject it. Score sums preferred
 * (anti-)affinity weights both ways, plus weight 1 for existing pods' required
 * affinity matching the incoming pod, then min-max normalizes.
 */
import type { NodeInfo } from '../node-info.js';
import { termMatches } from '../pod-info.js';
import type { AffinityTerm, PodInfo } from '../pod-info.js';
import { MAX_NODE_SCORE, SKIP, status } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, Snapshot, Status } from '../types.js';

export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
/** HardPodAffinitySymmetricWeight default. */
const HARD_POD_AFFINITY_WEIGHT = 1;

const pair = (k: string, v: string) => `${k}\u0000${v}`;
type Counts = Map<string, number>;
const bump = (m: Counts, k: string, d: number) => m.set(k, (m.get(k) ?? 0) + d);

interface FilterState {
  existingAnti: Counts;
  affinity: Counts;
  anti: Counts;
}
interface ScoreState {
  scores: Counts;
}
const FILTER_KEY = 'InterPodAffinity/filter';
const SCORE_KEY = 'InterPodAffinity/score';

/** Whether `pod` matches all of the given terms (the self-affinity exception). */
const matchesAll = (terms: readonly AffinityTerm[], pod: PodInfo) => terms.every((t) => termMatches(t, pod));

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'InterPodAffinity';
  events(): ClusterEvent[] {
    return ['PodAdd', 'PodUpdate', 'PodDelete', 'NodeAdd', 'NodeLabelChange', 'NodeUpdate'];
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null {
    const withAnti = snapshot.havePodsWithRequiredAntiAffinity();
    if (!pod.requiredAffinity.length && !pod.requiredAntiAffinity.length && !withAnti.length) return SKIP;
    const s: FilterState = { existingAnti: new Map(), affinity: new Map(), anti: new Map() };
    for (const n of withAnti)
      for (const existing of n.podsWithRequiredAntiAffinity)
        for (const t of existing.requiredAntiAffinity) {
          const v = n.labels[t.topologyKey];
          if (v !== undefined && termMatches(t, pod)) bump(s.existingAnti, pair(t.topologyKey, v), 1);
        }
    if (pod.requiredAffinity.length || pod.requiredAntiAffinity.length)
      for (const n of snapshot.list()) this.countTerms(n, pod, s);
    state.write(FILTER_KEY, s);
    return null;
  }

  private countTerms(n: NodeInfo, pod: PodInfo, s: FilterState): void {
    const count = (terms: readonly AffinityTerm[], into: Counts) => {
      for (const t of terms) {
        const v = n.labels[t.topologyKey];
        if (v === undefined) continue;
        let c = 0;
        if (t.namespaces) for (const ns of t.namespaces) c += n.countMatching(t.selector, ns, false);
        else c = n.countMatching(t.selector, undefined, false);
        if (c) bump(into, pair(t.topologyKey, v), c);
      }
    };
    count(pod.requiredAffinity, s.affinity);
    count(pod.requiredAntiAffinity, s.anti);
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const s = state.read<FilterState>(FILTER_KEY);
    if (!s) return null;
    if (pod.requiredAffinity.length) {
      const ok = pod.requiredAffinity.every((t) => {
        const v = node.labels[t.topologyKey];
        return v !== undefined && (s.affinity.get(pair(t.topologyKey, v)) ?? 0) > 0;
      });
      // No pod anywhere matches, but the pod matches its own terms: let the first of a group land.
      if (!ok && !(s.affinity.size === 0 && matchesAll(pod.requiredAffinity, pod))) return status('UnschedulableAndUnresolvable', ERR_AFFINITY);
    }
    for (const t of pod.requiredAntiAffinity) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && (s.anti.get(pair(t.topologyKey, v)) ?? 0) > 0) return status('Unschedulable', ERR_ANTI_AFFINITY);
    }
    if (s.existingAnti.size) for (const [k, v] of Object.entries(node.labels)) if ((s.existingAnti.get(pair(k, v)) ?? 0) > 0) return status('Unschedulable', ERR_EXISTING_ANTI_AFFINITY);
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, _feasible: readonly NodeInfo[], snapshot: Snapshot): Status | null {
    const hasPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
    const nodes = hasPreferred ? snapshot.list() : snapshot.havePodsWithAffinity();
    if (!nodes.length) return SKIP;
    const scores: Counts = new Map();
    for (const n of nodes) {
      for (const existing of n.pods.values()) {
        if (!hasPreferred && !existing.hasAffinity) continue;
        const add = (t: AffinityTerm, w: number) => {
          const v = n.labels[t.topologyKey];
          if (v !== undefined) bump(scores, pair(t.topologyKey, v), w);
        };
        for (const t of pod.preferredAffinity) if (termMatches(t, existing)) add(t, t.weight);
        for (const t of pod.preferredAntiAffinity) if (termMatches(t, existing)) add(t, -t.weight);
        if (!existing.hasAffinity) continue;
        for (const t of existing.requiredAffinity) if (termMatches(t, pod)) add(t, HARD_POD_AFFINITY_WEIGHT);
        for (const t of existing.preferredAffinity) if (termMatches(t, pod)) add(t, t.weight);
        for (const t of existing.preferredAntiAffinity) if (termMatches(t, pod)) add(t, -t.weight);
      }
    }
    if (!scores.size) return SKIP;
    state.write(SCORE_KEY, { scores } satisfies ScoreState);
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<ScoreState>(SCORE_KEY);
    if (!s) return 0;
    let total = 0;
    for (const [k, v] of Object.entries(node.labels)) total += s.scores.get(pair(k, v)) ?? 0;
    return total;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, _n: readonly NodeInfo[], scores: Float64Array): void {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.floor((MAX_NODE_SCORE * (scores[i] - min)) / diff) : 0;
  }
}
