/** Job conditions as pkg/controller/job keeps them: one per type, lastTransitionTime moves only when the status flips. */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';

export type JobConditionType = 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';

export function findCondition(conds: readonly JobCondition[] | undefined, type: JobConditionType): JobCondition | undefined {
  return conds?.find((c) => c.type === type);
}

export function hasTrueCondition(conds: readonly JobCondition[] | undefined, type: JobConditionType): boolean {
  return findCondition(conds, type)?.status === 'True';
}

/** A finished Job has Complete or Failed set to True (IsJobFinished). */
export function isJobFinished(job: Job): boolean {
  return hasTrueCondition(job.status?.conditions, 'Complete') || hasTrueCondition(job.status?.conditions, 'Failed');
}

/** The Complete/Failed condition of a finished Job. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** Sets a condition in a copied list; returns the new list (unchanged entries are kept as is). */
export function setCondition(conds: readonly JobCondition[] | undefined, type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: string): JobCondition[] {
  const list = [...(conds ?? [])];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === status && c.reason === reason && c.message === message) return list;
    list[i] = { ...c, status, reason, message, lastProbeTime: now, lastTransitionTime: c.status === status ? c.lastTransitionTime : now };
    return list;
  }
  list.push({ type, status, reason, message, lastProbeTime: now, lastTransitionTime: now });
  return list;
}
