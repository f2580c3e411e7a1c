/**
 * Pod-failure backoff of the Job controller (pkg/controller/job/backoff_utils.go):
 * after n consecutive failures (since the last success) new pods wait
 * 10 s · 2^(n-1), capped at 6 minutes, counted from the last failure.
 */
import { MAX_POD_FAILURE_BACKOFF_MS, POD_FAILURE_BACKOFF_MS } from './constants.js';

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** ms since epoch of the last failure. */
  lastFailureAt?: number;
}

export interface FinishedPod {
  failed: boolean;
  finishedAt: number;
}

/** Folds newly counted pods (in finish order) into the record. */
export function updateBackoffRecord(record: BackoffRecord, finished: readonly FinishedPod[]): BackoffRecord {
  const next: BackoffRecord = { ...record };
  for (const p of [...finished].sort((a, b) => a.finishedAt - b.finishedAt)) {
    if (p.failed) {
      next.failuresAfterLastSuccess++;
      next.lastFailureAt = Math.max(next.lastFailureAt ?? 0, p.finishedAt);
    } else if (next.lastFailureAt === undefined || p.finishedAt >= next.lastFailureAt) {
      next.failuresAfterLastSuccess = 0;
      next.lastFailureAt = undefined;
    }
  }
  return next;
}

export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(MAX_POD_FAILURE_BACKOFF_MS, POD_FAILURE_BACKOFF_MS * 2 ** Math.min(failures - 1, 30));
}

/** How long new pods must still wait (0: create now). */
export function remainingBackoffMs(record: BackoffRecord, nowMs: number): number {
  if (!record.failuresAfterLastSuccess || record.lastFailureAt === undefined) return 0;
  return Math.max(0, record.lastFailureAt + backoffDelayMs(record.failuresAfterLastSuccess) - nowMs);
}
