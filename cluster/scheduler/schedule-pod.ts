/**
 * One pod's placement decision (schedule_one.go schedulePod): PreFilter; try the
 * nominated node first; run Filters over nodes from a rotating start index until
 * enough feasible ones are found (percentageOfNodesToScore); PreScore/Score; pick the
 * highest total, breaking ties round-robin.
 */
import { FitError, newDiagnosis } from './fit-error.js';
import type { Diagnosis } from './fit-error.js';
import type { Framework, ScoreResult } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { CycleState } from './types.js';
import type { Snapshot } from './types.js';

/** Nodes below which every node is evaluated (minFeasibleNodesToFind). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** Adaptive lower bound, percent (minFeasibleNodesPercentageToFind). */
export const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/**
 * How many feasible nodes are enough (numFeasibleNodesToFind): all below 100 nodes;
 * with no configured percentage, 50% minus one point per 125 nodes, at least 5%; and
 * never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage?: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.floor(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  const n = Math.floor((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export interface ScheduleResult {
  node: string;
  /** Nodes the filters ran on. */
  evaluated: number;
  feasible: readonly NodeInfo[];
  diagnosis: Diagnosis;
  /** Undefined when only one node was feasible (scoring is skipped then). */
  scores?: ScoreResult;
  state: CycleState;
}

export interface ScheduleOptions {
  percentageOfNodesToScore?: number;
  /** Pods nominated to a node (by preemption), counted there during Filter. */
  nominatedPods?: (nodeName: string) => readonly PodInfo[];
}

export class PodScheduler {
  private nextStartNodeIndex = 0;
  private tieCounter = 0;

  constructor(
    readonly framework: Framework,
    readonly snapshot: Snapshot,
    private readonly opts: ScheduleOptions = {},
  ) {}

  /** Picks a node or throws FitError (with the per-node diagnosis). */
  schedule(pod: PodInfo, state = new CycleState()): ScheduleResult {
    const fw = this.framework;
    const nodes = this.snapshot.list();
    const diagnosis = newDiagnosis();
    if (!nodes.length) throw new FitError(0, diagnosis);
    const pre = fw.runPreFilter(state, pod, this.snapshot);
    if (pre) {
      diagnosis.preFilterStatus = pre;
      if (pre.plugin) diagnosis.unschedulablePlugins.add(pre.plugin);
      for (const n of nodes) diagnosis.statuses.set(n.name, pre);
      if (pre.code === 'Error') throw new Error(`${pre.plugin}: ${pre.reasons.join(', ')}`);
      throw new FitError(nodes.length, diagnosis);
    }
    const filters = fw.activeFilters(state);
    const nominated = this.opts.nominatedPods;
    const check = (n: NodeInfo) => (nominated ? fw.runFiltersWithNominated(state, pod, n, nominated(n.name), filters) : fw.runFilters(state, pod, n, filters));

    // A node nominated by an earlier preemption is tried first (evaluateNominatedNode).
    const nominatedNode = pod.pod.status?.nominatedNodeName;
    if (nominatedNode) {
      const n = this.snapshot.get(nominatedNode);
      if (n && !check(n)) return { node: n.name, evaluated: 1, feasible: [n], diagnosis, state };
    }

    const want = numFeasibleNodesToFind(nodes.length, this.opts.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const start = this.nextStartNodeIndex % nodes.length;
    let processed = 0;
    for (; processed < nodes.length && feasible.length < want; processed++) {
      const n = nodes[(start + processed) % nodes.length];
      const s = check(n);
      if (!s) feasible.push(n);
      else {
        diagnosis.statuses.set(n.name, s);
        if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
        if (s.code === 'Error') throw new Error(`${s.plugin}: ${s.reasons.join(', ')}`);
      }
    }
    this.nextStartNodeIndex = (start + processed) % nodes.length;
    if (!feasible.length) throw new FitError(nodes.length, diagnosis);
    if (feasible.length === 1) return { node: feasible[0].name, evaluated: processed, feasible, diagnosis, state };

    const ps = fw.runPreScore(state, pod, feasible, this.snapshot);
    if (ps) throw new Error(`${ps.plugin}: ${ps.reasons.join(', ')}`);
    const scores = fw.runScore(state, pod, feasible);
    return { node: feasible[this.selectHost(scores.totals)].name, evaluated: processed, feasible, diagnosis, scores, state };
  }

  /** Index of the highest total; among equal totals, the next in round-robin order. */
  private selectHost(totals: Float64Array): number {
    let max = -Infinity;
    let ties = 0;
    for (const t of totals) {
      if (t > max) {
        max = t;
        ties = 1;
      } else if (t === max) ties++;
    }
    let pick = this.tieCounter++ % ties;
    for (let i = 0; i < totals.length; i++) if (totals[i] === max && pick-- === 0) return i;
    return 0;
  }
}
