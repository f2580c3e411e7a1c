/**
 * The "0/N nodes are available: ..." message (framework.FitError.Error): one count per
 * distinct reason across nodes, "<count> <reason>" sorted as strings, then the
 * PostFilter (preemption) message. A PreFilter failure is reported once, not per node.
 */
import type { Status } from './types.js';

export interface Diagnosis {
  /** Every rejected node's status. */
  statuses: Map<string, Status>;
  /** Set when a PreFilter plugin failed the whole cycle. */
  preFilterStatus?: Status;
  /** Plugins that rejected the pod somewhere (for requeueing on relevant events). */
  unschedulablePlugins: Set<string>;
  postFilterMessage?: string;
}

export const newDiagnosis = (): Diagnosis => ({ statuses: new Map(), unschedulablePlugins: new Set() });

/** "<n> <reason>" for each distinct reason, sorted as strings (sortReasonsHistogram). */
export function reasonHistogram(statuses: Iterable<Status>, extra?: { reasons: string[]; count: number }): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (extra) for (const r of extra.reasons) counts.set(r, (counts.get(r) ?? 0) + extra.count);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}

/** With no node at all upstream fails the cycle before filtering and preemption (ErrNoNodesAvailable). */
const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE;
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterStatus) {
    msg += ` ${d.preFilterStatus.reasons.join(', ')}.`;
  } else {
    const hist = reasonHistogram(d.statuses.values());
    if (hist.length) msg += ` ${hist.join(', ')}.`;
  }
  if (d.postFilterMessage) msg += ` ${d.postFilterMessage}`;
  return msg;
}

export class FitError extends Error {
  constructor(
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super(fitErrorMessage(numAllNodes, diagnosis));
    this.name = 'FitError';
  }
  /** The message again after PostFilter added its part. */
  refresh(): string {
    this.message = fitErrorMessage(this.numAllNodes, this.diagnosis);
    return this.message;
  }
}
