/**
 * Scheduling decisions recorded for people: per attempt, each evaluated node's filter
 * verdict and the plugin scores of the best scored nodes. The last N are kept in memory
 * (decisionFor) and a compact form goes on the pod as the annotation
 * `scheduler.kubarium.io/decision` (in the write the scheduler makes anyway).
 */
import type { Diagnosis } from './fit-error.js';
import type { NodeInfo } from './node-info.js';
import type { ScoreResult } from './framework.js';
import type { Status } from './types.js';

export const DECISION_ANNOTATION = 'scheduler.kubarium.io/decision';
const ANNOTATION_FILTERED_NODES = 100;
const TOP_SCORES = 10;
const MEMORY_PASSED_NODES = 1000;

export interface NodeScore {
  node: string;
  total: number;
  plugins: Record<string, number>;
}

export interface Decision {
  at: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  node?: string;
  nominatedNode?: string;
  message?: string;
  /** Nodes the filters ran on, and how many passed. */
  evaluated: number;
  feasible: number;
  /** Nodes that passed every filter (up to 1000, memory only). */
  passed?: string[];
  /** Rejected node → "<Plugin>: <reason>". */
  filtered: Record<string, string>;
  /** Per "<Plugin>: <reason>", how many rejected nodes are not listed in `filtered`. */
  filteredMore?: Record<string, number>;
  /** The best scored nodes, highest first; each plugin's normalized score (before weights). */
  scores: NodeScore[];
}

export const verdict = (s: Status): string => `${s.plugin ?? 'unknown'}: ${s.reasons.join(', ')}`;

export interface DecisionInput {
  result: Decision['result'];
  node?: string;
  nominatedNode?: string;
  message?: string;
  evaluated: number;
  feasible: readonly NodeInfo[];
  diagnosis?: Diagnosis;
  scores?: ScoreResult;
  now?: number;
}

export function buildDecision(i: DecisionInput): Decision {
  const filtered: Record<string, string> = {};
  for (const [node, s] of i.diagnosis?.statuses ?? []) filtered[node] = verdict(s);
  const d: Decision = {
    at: new Date(i.now ?? Date.now()).toISOString(),
    result: i.result,
    evaluated: i.evaluated,
    feasible: i.feasible.length,
    filtered,
    scores: topScores(i.feasible, i.scores),
  };
  if (i.node) d.node = i.node;
  if (i.nominatedNode) d.nominatedNode = i.nominatedNode;
  if (i.message) d.message = i.message;
  if (i.feasible.length) d.passed = i.feasible.slice(0, MEMORY_PASSED_NODES).map((n) => n.name);
  return d;
}

/** The TOP_SCORES highest totals (a partial selection: O(n·10), no full sort). */
function topScores(nodes: readonly NodeInfo[], r?: ScoreResult): NodeScore[] {
  if (!r) return nodes.length === 1 ? [{ node: nodes[0].name, total: 0, plugins: {} }] : [];
  const idx: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (idx.length < TOP_SCORES) idx.push(i);
    else if (r.totals[i] > r.totals[idx[idx.length - 1]]) idx[idx.length - 1] = i;
    else continue;
    idx.sort((a, b) => r.totals[b] - r.totals[a]);
  }
  return idx.map((i) => {
    const plugins: Record<string, number> = {};
    for (const p of r.plugins) plugins[p.plugin] = p.scores[i];
    return { node: nodes[i].name, total: r.totals[i], plugins };
  });
}

/** The annotation's compact JSON: at most 100 rejected nodes listed, the rest counted per reason. */
export function decisionAnnotation(d: Decision): string {
  const filtered: Record<string, string> = {};
  const more: Record<string, number> = {};
  let n = 0;
  for (const [node, v] of Object.entries(d.filtered)) {
    if (n++ < ANNOTATION_FILTERED_NODES) filtered[node] = v;
    else more[v] = (more[v] ?? 0) + 1;
  }
  const out: Record<string, unknown> = { at: d.at, result: d.result };
  if (d.node) out.node = d.node;
  if (d.nominatedNode) out.nominatedNode = d.nominatedNode;
  out.evaluated = d.evaluated;
  out.feasible = d.feasible;
  out.filtered = filtered;
  if (Object.keys(more).length) out.filteredMore = more;
  out.scores = d.scores;
  return JSON.stringify(out);
}

/** The last `capacity` decisions, one per pod (the newest), oldest evicted first. */
export class DecisionLog {
  private readonly entries = new Map<string, Decision>();
  constructor(private readonly capacity = 500) {}
  record(namespace: string, name: string, d: Decision): void {
    const key = `${namespace}/${name}`;
    this.entries.delete(key);
    this.entries.set(key, d);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
  get(namespace: string, name: string): Decision | undefined {
    return this.entries.get(`${namespace}/${name}`);
  }
  get size(): number {
    return this.entries.size;
  }
}
