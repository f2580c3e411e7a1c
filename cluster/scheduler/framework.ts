/**
 * The framework runtime (pkg/scheduler/framework/runtime): holds a profile's plugins
 * per extension point and runs them in order — PreFilter (a Skip there drops the
 * plugin's Filter for this pod), Filter (first failure wins, tagged with the plugin),
 * PreScore/Score/NormalizeScore (weighted sum), PostFilter (until one nominates a
 * node), Reserve/Unreserve, Permit and Bind.
 */
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { isUnschedulable } from './types.js';
import type {
  BindPlugin,
  CycleState,
  FilterPlugin,
  Plugin,
  PermitPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreFilterPlugin,
  PreScorePlugin,
  ReservePlugin,
  ScorePlugin,
  Snapshot,
  Status,
} from './types.js';

const has = <K extends string>(p: Plugin, m: K): boolean => typeof (p as unknown as Record<K, unknown>)[m] === 'function';

export interface PluginScores {
  plugin: string;
  weight: number;
  /** Normalized (0..100, before weighting), one per scored node. */
  scores: Float64Array;
}

export interface ScoreResult {
  totals: Float64Array;
  plugins: PluginScores[];
}

export class Framework {
  readonly preFilterPlugins: PreFilterPlugin[];
  readonly filterPlugins: FilterPlugin[];
  readonly postFilterPlugins: PostFilterPlugin[];
  readonly preScorePlugins: PreScorePlugin[];
  readonly scorePlugins: ScorePlugin[];
  readonly reservePlugins: ReservePlugin[];
  readonly permitPlugins: PermitPlugin[];
  readonly bindPlugins: BindPlugin[];

  constructor(
    readonly plugins: readonly Plugin[],
    readonly weights: Readonly<Record<string, number>> = {},
  ) {
    this.preFilterPlugins = plugins.filter((p) => has(p, 'preFilter')) as PreFilterPlugin[];
    this.filterPlugins = plugins.filter((p) => has(p, 'filter')) as FilterPlugin[];
    this.postFilterPlugins = plugins.filter((p) => has(p, 'postFilter')) as PostFilterPlugin[];
    this.preScorePlugins = plugins.filter((p) => has(p, 'preScore')) as PreScorePlugin[];
    this.scorePlugins = plugins.filter((p) => has(p, 'score')) as ScorePlugin[];
    this.reservePlugins = plugins.filter((p) => has(p, 'reserve')) as ReservePlugin[];
    this.permitPlugins = plugins.filter((p) => has(p, 'permit')) as PermitPlugin[];
    this.bindPlugins = plugins.filter((p) => has(p, 'bind')) as BindPlugin[];
  }

  weightOf(name: string): number {
    return this.weights[name] ?? 1;
  }

  /** Runs every PreFilter; the first failure fails the cycle (for all nodes). */
  runPreFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null {
    for (const p of this.preFilterPlugins) {
      const s = p.preFilter(state, pod, snapshot);
      if (!s) continue;
      if (s.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      return { ...s, plugin: p.name };
    }
    return null;
  }

  /** The Filter plugins to run for this cycle (those whose PreFilter did not Skip). */
  activeFilters(state: CycleState): FilterPlugin[] {
    return state.skipFilter.size ? this.filterPlugins.filter((p) => !state.skipFilter.has(p.name)) : this.filterPlugins;
  }

  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo, filters = this.activeFilters(state)): Status | null {
    for (const p of filters) {
      const s = p.filter(state, pod, node);
      if (s) return { ...s, plugin: p.name };
    }
    return null;
  }

  /**
   * Filters with the node's nominated pods of equal or higher priority counted as if
   * running there (addNominatedPods), so a preemptor's freed room is not taken.
   */
  runFiltersWithNominated(state: CycleState, pod: PodInfo, node: NodeInfo, nominated: readonly PodInfo[], filters = this.activeFilters(state)): Status | null {
    const add = nominated.filter((p) => p.key !== pod.key && p.priority >= pod.priority && !node.pods.has(p.key));
    if (!add.length) return this.runFilters(state, pod, node, filters);
    for (const p of add) node.addPod(p);
    try {
      return this.runFilters(state, pod, node, filters);
    } finally {
      for (const p of add) node.removePod(p.key);
    }
  }

  runPreScore(state: CycleState, pod: PodInfo, feasible: readonly NodeInfo[], snapshot: Snapshot): Status | null {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, feasible, snapshot);
      if (!s) continue;
      if (s.code === 'Skip') {
        state.skipScore.add(p.name);
        continue;
      }
      return { ...s, plugin: p.name };
    }
    return null;
  }

  /** Scores every node with every (non-skipped) Score plugin, normalizes, and sums with weights. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): ScoreResult {
    const totals = new Float64Array(nodes.length);
    const out: PluginScores[] = [];
    for (const p of this.scorePlugins) {
      if (state.skipScore.has(p.name)) continue;
      const scores = new Float64Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) scores[i] = p.score(state, pod, nodes[i]);
      p.normalizeScore?.(state, pod, nodes, scores);
      const w = this.weightOf(p.name);
      for (let i = 0; i < nodes.length; i++) totals[i] += scores[i] * w;
      out.push({ plugin: p.name, weight: w, scores });
    }
    return { totals, plugins: out };
  }

  async runPostFilter(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    let last: PostFilterResult = { status: { code: 'Unschedulable', reasons: [] } };
    for (const p of this.postFilterPlugins) {
      const r = await p.postFilter(state, pod, statuses);
      if (!r.status || !isUnschedulable(r.status)) return r;
      last = { ...r, status: { ...r.status, plugin: p.name } };
    }
    return last;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (let i = 0; i < this.reservePlugins.length; i++) {
      const s = this.reservePlugins[i].reserve(state, pod, nodeName);
      if (s) {
        this.runUnreserve(state, pod, nodeName);
        return { ...s, plugin: this.reservePlugins[i].name };
      }
    }
    return null;
  }

  /** Unreserve runs in reverse order, for every Reserve plugin (as upstream does). */
  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) this.reservePlugins[i].unreserve(state, pod, nodeName);
  }

  runPermit(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const p of this.permitPlugins) {
      const s = p.permit(state, pod, nodeName);
      if (s && s.code !== 'Skip') return { ...s, plugin: p.name };
    }
    return null;
  }

  /** The first Bind plugin that does not Skip binds. */
  async runBind(state: CycleState, pod: PodInfo, nodeName: string, annotations?: Record<string, string>): Promise<Status | null> {
    for (const p of this.bindPlugins) {
      const s = await p.bind(state, pod, nodeName, annotations);
      if (s?.code === 'Skip') continue;
      return s ? { ...s, plugin: p.name } : null;
    }
    return { code: 'Error', reasons: ['no bind plugin bound the pod'] };
  }
}
