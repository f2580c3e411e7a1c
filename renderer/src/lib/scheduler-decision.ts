/**
 * The scheduler's verdict for a pod, from the annotation `scheduler.kubarium.io/decision` the
 * scheduler writes with its binding or its Unschedulable status (cluster/scheduler/decisions.ts):
 * each rejected node with the filter plugin that rejected it, and each plugin's score for the
 * best scored nodes.
 */
import type { ApiObject } from '../../../electron/preload/api';

export const DECISION_ANNOTATION = 'scheduler.kubarium.io/decision';

export interface SchedulerDecision {
  at: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  node?: string;
  nominatedNode?: string;
  message?: string;
  evaluated: number;
  feasible: number;
  /** Rejected node → "<Plugin>: <reason>". */
  filtered: Record<string, string>;
  /** Per "<Plugin>: <reason>", rejected nodes not listed in `filtered`. */
  filteredMore?: Record<string, number>;
  /** Highest total first; each plugin's normalized score. */
  scores: { node: string; total: number; plugins: Record<string, number> }[];
}

/** One row of the verdict table: a node, whether it passed the filters, and its scores when it was among the best. */
export interface NodeVerdict {
  node: string;
  passed: boolean;
  chosen: boolean;
  /** The rejecting plugin and its reason, for a filtered node. */
  plugin?: string;
  reason?: string;
  total?: number;
  scores?: Record<string, number>;
}

export function decisionOf(pod: ApiObject): SchedulerDecision | null {
  const raw = pod.metadata?.annotations?.[DECISION_ANNOTATION];
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as SchedulerDecision;
    return typeof d === 'object' && d && typeof d.result === 'string' ? { ...d, filtered: d.filtered ?? {}, scores: d.scores ?? [] } : null;
  } catch {
    return null;
  }
}

/** Scored nodes first (highest total first), then the rejected ones by name. */
export function nodeVerdicts(d: SchedulerDecision): NodeVerdict[] {
  const rows: NodeVerdict[] = d.scores.map((s) => ({ node: s.node, passed: true, chosen: s.node === d.node, total: s.total, scores: s.plugins }));
  if (d.node && !rows.some((r) => r.node === d.node)) rows.unshift({ node: d.node, passed: true, chosen: true });
  for (const [node, verdict] of Object.entries(d.filtered).sort(([a], [b]) => a.localeCompare(b))) {
    const colon = verdict.indexOf(': ');
    rows.push({ node, passed: false, chosen: false, plugin: colon >= 0 ? verdict.slice(0, colon) : verdict, reason: colon >= 0 ? verdict.slice(colon + 2) : '' });
  }
  return rows;
}

/** Every plugin that scored some node, in a stable order. */
export function scorePlugins(d: SchedulerDecision): string[] {
  return [...new Set(d.scores.flatMap((s) => Object.keys(s.plugins)))].sort();
}
