/**
 * PodTopologySpread. Filter enforces DoNotSchedule constraints: placing the pod must
 * not make (matching pods in the node's domain + self) − (fewest in any domain) exceed
 * maxSkew. Score favours ScheduleAnyway constraints' emptier domains; pods with no
 * constraints of their own get the system defaults (hostname maxSkew 3, zone maxSkew 5)
 * over the pods of the same Services / ReplicaSet / StatefulSet / RC, as upstream does.
 */
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { Selector, selectorFromLabelSelector } from '../../api/labels.js';
import type { Requirement } from '../../api/labels.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { MAX_NODE_SCORE, SKIP, status } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, Snapshot, Status } from '../types.js';
import { tolerated } from './helpers.js';
import { matchesRequiredNodeAffinity } from './node-affinity.js';

export const ERR_SPREAD = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** The selector system-default spreading uses for a pod (helper.DefaultSelector), or undefined for none. */
export type DefaultSelectorFunc = (pod: Pod) => Selector | undefined;

const pair = (k: string, v: string) => `${k}\u0000${v}`;

export function constraintsOf(pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const labels = pod.metadata?.labels ?? {};
  return (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c: TopologySpreadConstraint) => c.whenUnsatisfiable === when)
    .map((c) => {
      let selector = c.labelSelector ? selectorFromLabelSelector(c.labelSelector) : Selector.nothing();
      // matchLabelKeys: AND the pod's own values for these keys into the selector.
      const extra: Requirement[] = (c.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]] }));
      if (extra.length) selector = new Selector([...selector.requirements, ...extra]);
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector,
        minDomains: c.minDomains ?? 1,
        honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
        honorTaints: c.nodeTaintsPolicy === 'Honor',
      };
    });
}

function includes(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !matchesRequiredNodeAffinity(pod, node)) return false;
  if (c.honorTaints) for (const t of node.taints) if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(pod.pod.spec?.tolerations, t)) return false;
  return true;
}

const hasAllKeys = (node: NodeInfo, cs: readonly Constraint[]) => cs.every((c) => c.topologyKey in node.labels);

interface FilterState {
  constraints: Constraint[];
  counts: Map<string, number>;
  /** Per constraint: the smallest match count over its domains (0 when fewer than minDomains). */
  minMatch: number[];
}
interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>;
  weights: number[];
  ignored: Set<string>;
}
const FILTER_KEY = 'PodTopologySpread/filter';
const SCORE_KEY = 'PodTopologySpread/score';

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'PodTopologySpread';
  constructor(private readonly defaultSelector: DefaultSelectorFunc = () => undefined) {}
  events(): ClusterEvent[] {
    return ['PodAdd', 'PodUpdate', 'PodDelete', 'NodeAdd', 'NodeLabelChange', 'NodeUpdate'];
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null {
    const constraints = constraintsOf(pod.pod, 'DoNotSchedule');
    if (!constraints.length) return SKIP;
    const counts = new Map<string, number>();
    const domains = constraints.map(() => new Set<string>());
    for (const n of snapshot.list()) {
      if (!hasAllKeys(n, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!includes(c, pod, n)) return;
        const k = pair(c.topologyKey, n.labels[c.topologyKey]);
        domains[i].add(k);
        counts.set(k, (counts.get(k) ?? 0) + n.countMatching(c.selector, pod.namespace));
      });
    }
    const minMatch = constraints.map((c, i) => {
      if (domains[i].size < c.minDomains) return 0;
      let min = Infinity;
      for (const k of domains[i]) min = Math.min(min, counts.get(k) ?? 0);
      return min === Infinity ? 0 : min;
    });
    state.write(FILTER_KEY, { constraints, counts, minMatch } satisfies FilterState);
    return null;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const s = state.read<FilterState>(FILTER_KEY);
    if (!s) return null;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = node.labels[c.topologyKey];
      if (v === undefined) return status('UnschedulableAndUnresolvable', ERR_SPREAD_MISSING_LABEL);
      const self = c.selector.matches(pod.labels) ? 1 : 0;
      const skew = (s.counts.get(pair(c.topologyKey, v)) ?? 0) + self - s.minMatch[i];
      if (skew > c.maxSkew) return status('Unschedulable', ERR_SPREAD);
    }
    return null;
  }

  /** The pod's ScheduleAnyway constraints, or the system defaults when it declares none at all. */
  private scoringConstraints(pod: PodInfo): { constraints: Constraint[]; requireAll: boolean } {
    if (pod.pod.spec?.topologySpreadConstraints?.length) return { constraints: constraintsOf(pod.pod, 'ScheduleAnyway'), requireAll: true };
    const selector = this.defaultSelector(pod.pod);
    if (!selector || selector.isEmpty()) return { constraints: [], requireAll: false };
    const base = { selector, minDomains: 1, honorNodeAffinity: true, honorTaints: false };
    return {
      constraints: [
        { ...base, topologyKey: LABEL_HOSTNAME, maxSkew: 3 },
        { ...base, topologyKey: LABEL_ZONE, maxSkew: 5 },
      ],
      requireAll: false,
    };
  }

  preScore(state: CycleState, pod: PodInfo, feasible: readonly NodeInfo[], snapshot: Snapshot): Status | null {
    const { constraints, requireAll } = this.scoringConstraints(pod);
    if (!constraints.length) return SKIP;
    const counts = new Map<string, number>();
    const ignored = new Set<string>();
    const sizes = constraints.map(() => 0);
    for (const n of feasible) {
      if (requireAll && !hasAllKeys(n, constraints)) {
        ignored.add(n.name);
        continue;
      }
      constraints.forEach((c, i) => {
        // Per-node (hostname) counts are taken in Score.
        if (c.topologyKey === LABEL_HOSTNAME) return;
        const v = n.labels[c.topologyKey];
        if (v === undefined) return;
        const k = pair(c.topologyKey, v);
        if (!counts.has(k)) {
          counts.set(k, 0);
          sizes[i]++;
        }
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : sizes[i]) + 2));
    if (counts.size) {
      for (const n of snapshot.list()) {
        if (requireAll && !hasAllKeys(n, constraints)) continue;
        for (const c of constraints) {
          if (c.topologyKey === LABEL_HOSTNAME) continue;
          const v = n.labels[c.topologyKey];
          if (v === undefined) continue;
          const k = pair(c.topologyKey, v);
          const cur = counts.get(k);
          if (cur === undefined || !includes(c, pod, n)) continue;
          counts.set(k, cur + n.countMatching(c.selector, pod.namespace));
        }
      }
    }
    state.write(SCORE_KEY, { constraints, counts, weights, ignored } satisfies ScoreState);
    return null;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const s = state.read<ScoreState>(SCORE_KEY);
    if (!s || s.ignored.has(node.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = node.labels[c.topologyKey];
      if (v === undefined) continue;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? node.countMatching(c.selector, pod.namespace) : (s.counts.get(pair(c.topologyKey, v)) ?? 0);
      score += cnt * s.weights[i] + (c.maxSkew - 1);
    }
    return Math.round(score);
  }

  normalizeScore(state: CycleState, _p: PodInfo, nodes: readonly NodeInfo[], scores: Float64Array): void {
    const s = state.read<ScoreState>(SCORE_KEY);
    if (!s) return;
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i].name)) continue;
      min = Math.min(min, scores[i]);
      max = Math.max(max, scores[i]);
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i].name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.floor((MAX_NODE_SCORE * (max + min - scores[i])) / max);
    }
  }
}
