/**
 * Completion indexes of Indexed Jobs: the `status.completedIndexes` text form
 * ("1,3-5,7", pkg/controller/job/indexed_job_utils.go) and a pod's index from its
 * `batch.kubernetes.io/job-completion-index` annotation.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { JOB_COMPLETION_INDEX_ANNOTATION } from './constants.js';

/** Parses "1,3-5" into a sorted set of indexes below `completions` (malformed parts are skipped, as upstream). */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    if (!part) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to && i < completions; i++) out.add(i);
  }
  return out;
}

/** Formats indexes as ascending intervals: [1,3,4,5] → "1,3-5". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The pod's completion index, or undefined when absent or invalid. */
export function podCompletionIndex(pod: Pod): number | undefined {
  const v = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}
