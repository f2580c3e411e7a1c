/**
 * The Job controller's decisions as one pure function (the syncJob /
 * trackJobStatusAndRemoveFinalizers / manageJob logic of pkg/controller/job): given a
 * Job, the pods it controls and the time, what its status should be, which pods lose
 * their tracking finalizer, which active pods to delete and which to create.
 *
 * Terminated pods are counted in two steps so none is counted twice or lost: a pod that
 * still has the `batch.kubernetes.io/job-tracking` finalizer is first recorded in
 * status.uncountedTerminatedPods, then its finalizer is removed, and once it no longer
 * has it (or is gone) its uid moves to status.succeeded / status.failed.
 */
import type { Job, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodReady, isPodTerminal, metaTime } from '../history/index.js';
import { remainingBackoffMs, updateBackoffRecord, type BackoffRecord, type FinishedPod } from './backoff.js';
import { findCondition, hasTrueCondition, setCondition } from './conditions.js';
import {
  JOB_TRACKING_FINALIZER,
  MAX_POD_CREATE_DELETE_PER_SYNC,
  MESSAGE_BACKOFF_LIMIT_EXCEEDED,
  MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE_EXCEEDED,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
} from './constants.js';
import { formatIndexes, parseIndexes, podCompletionIndex } from './indexes.js';

export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface JobPlanInput {
  job: Job;
  /** Pods whose controller is this Job. */
  pods: readonly Pod[];
  nowMs: number;
  backoff: BackoffRecord;
  /** False while earlier creations/deletions are not yet observed: count and report, but create or delete nothing. */
  manage?: boolean;
}

export interface JobPlan {
  status: JobStatus;
  /** Pods whose tracking finalizer should go now (they are recorded in `status` first). */
  removeFinalizer: Pod[];
  /** Active pods to delete (their finalizer is removed first, so they are not counted as failed unless listed in status). */
  deletePods: Pod[];
  /** NonIndexed: how many pods to create. */
  createCount: number;
  /** Indexed: which completion indexes get a new pod. */
  createIndexes: number[];
  backoff: BackoffRecord;
  events: JobEvent[];
  /** Sync again after this long (deadline or backoff), if set. */
  requeueAfterMs?: number;
}

export const hasTrackingFinalizer = (pod: Pod) => !!pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER);

/** isPodFailed: Failed, or — unless only failed pods are replaced — deleted before succeeding (orphans count as failures). */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy) return false;
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

const isActive = (pod: Pod) => !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;

/** When a pod terminated: its last container's finishedAt, else its deletion time, else now. */
export function podFinishTime(pod: Pod, nowMs: number): number {
  let latest = 0;
  for (const cs of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const t = cs.state?.terminated?.finishedAt ? Date.parse(cs.state.terminated.finishedAt) : 0;
    if (t > latest) latest = t;
  }
  if (latest) return latest;
  if (pod.metadata?.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp);
  return nowMs;
}

/** Order in which to delete surplus active pods: unscheduled, pending, not ready, then newest first (controller.ActivePods). */
export function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod) => [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Running' ? 1 : 0, isPodReady(p) ? 1 : 0];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '');
}

export function planJob({ job, pods, nowMs, backoff, manage = true }: JobPlanInput): JobPlan {
  const spec = job.spec ?? { template: {} };
  const old = job.status ?? {};
  const now = metaTime(nowMs);
  const indexed = spec.completionMode === 'Indexed';
  const completions = spec.completions ?? undefined;
  const parallelism = spec.parallelism ?? 1;
  const backoffLimit = spec.backoffLimit ?? 6;
  const events: JobEvent[] = [];
  const plan: JobPlan = { status: {}, removeFinalizer: [], deletePods: [], createCount: 0, createIndexes: [], backoff, events };

  let conditions = old.conditions ? [...old.conditions] : undefined;
  let startTime = old.startTime;
  const suspended = !!spec.suspend;

  // Counting: uids already recorded but not yet in the counters.
  const uncountedSucceeded = new Set(old.uncountedTerminatedPods?.succeeded ?? []);
  const uncountedFailed = new Set(old.uncountedTerminatedPods?.failed ?? []);
  const withFinalizer = new Map(pods.filter(hasTrackingFinalizer).map((p) => [p.metadata?.uid ?? '', p]));
  let succeeded = old.succeeded ?? 0;
  let failed = old.failed ?? 0;
  // Move uids whose pod no longer holds the finalizer (or is gone) into the counters.
  for (const uid of [...uncountedSucceeded]) {
    if (withFinalizer.has(uid)) continue;
    uncountedSucceeded.delete(uid);
    succeeded++;
  }
  for (const uid of [...uncountedFailed]) {
    if (withFinalizer.has(uid)) continue;
    uncountedFailed.delete(uid);
    failed++;
  }

  const completed = indexed && completions !== undefined ? parseIndexes(old.completedIndexes, completions) : new Set<number>();
  const finishedNow: FinishedPod[] = [];
  // The target condition already decided (FailureTarget / SuccessCriteriaMet), if any.
  let target = findCondition(conditions, 'FailureTarget')?.status === 'True' ? 'FailureTarget' : hasTrueCondition(conditions, 'SuccessCriteriaMet') ? 'SuccessCriteriaMet' : undefined;

  const recordTerminated = (countActiveAsFailed: boolean) => {
    for (const pod of withFinalizer.values()) {
      const uid = pod.metadata?.uid ?? '';
      if (uncountedSucceeded.has(uid) || uncountedFailed.has(uid)) {
        plan.removeFinalizer.push(pod);
        continue;
      }
      if (pod.status?.phase === 'Succeeded') {
        if (indexed) {
          const ix = podCompletionIndex(pod);
          if (ix !== undefined && completions !== undefined && ix < completions && !completed.has(ix)) completed.add(ix);
        } else {
          uncountedSucceeded.add(uid);
        }
        finishedNow.push({ failed: false, finishedAt: podFinishTime(pod, nowMs) });
        plan.removeFinalizer.push(pod);
      } else if (isPodFailed(pod, job) || (countActiveAsFailed && !isPodTerminal(pod))) {
        uncountedFailed.add(uid);
        finishedNow.push({ failed: true, finishedAt: podFinishTime(pod, nowMs) });
        plan.removeFinalizer.push(pod);
      }
    }
  };
  recordTerminated(target !== undefined);
  plan.backoff = updateBackoffRecord(backoff, finishedNow);

  const succeededTotal = indexed ? completed.size : succeeded + uncountedSucceeded.size;
  const failedTotal = failed + uncountedFailed.size;
  const counted = new Set([...uncountedSucceeded, ...uncountedFailed]);
  const active = pods.filter((p) => isActive(p) && !counted.has(p.metadata?.uid ?? ''));
  const terminating = pods.filter((p) => !isPodTerminal(p) && p.metadata?.deletionTimestamp);

  // Suspension (and resumption) of a running Job.
  if (suspended) {
    if (!hasTrueCondition(conditions, 'Suspended') && target === undefined) {
      conditions = setCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
      events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
    }
  } else {
    if (hasTrueCondition(conditions, 'Suspended')) {
      conditions = setCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
      events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
      startTime = now; // the active deadline counts from the resumption
    }
    startTime ??= now;
  }

  // Has the Job met a terminal criterion?
  if (target === undefined && !suspended) {
    const startMs = startTime ? Date.parse(startTime) : nowMs;
    const deadline = spec.activeDeadlineSeconds;
    let complete = false;
    if (indexed) complete = completions !== undefined && succeededTotal >= completions;
    else if (completions !== undefined && completions !== null) complete = succeededTotal >= completions;
    else complete = succeededTotal > 0 && active.length === 0;
    if (failedTotal > backoffLimit) {
      conditions = setCondition(conditions, 'FailureTarget', 'True', REASON_BACKOFF_LIMIT_EXCEEDED, MESSAGE_BACKOFF_LIMIT_EXCEEDED, now);
      target = 'FailureTarget';
    } else if (deadline !== undefined && deadline !== null && nowMs - startMs >= deadline * 1000) {
      conditions = setCondition(conditions, 'FailureTarget', 'True', REASON_DEADLINE_EXCEEDED, MESSAGE_DEADLINE_EXCEEDED, now);
      target = 'FailureTarget';
    } else if (complete) {
      conditions = setCondition(conditions, 'SuccessCriteriaMet', 'True', REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, now);
      target = 'SuccessCriteriaMet';
    } else if (deadline !== undefined && deadline !== null) {
      plan.requeueAfterMs = startMs + deadline * 1000 - nowMs;
    }
    // Pods still running when the Job fails or completes count as failed (as upstream).
    if (target !== undefined) {
      plan.removeFinalizer = [];
      finishedNow.length = 0;
      recordTerminated(true);
    }
  }

  let completionTime = old.completionTime;
  if (target !== undefined) {
    // Stop every active pod; the terminal condition waits until none is left.
    plan.deletePods = pods.filter(isActive);
    // Like upstream, the terminal condition comes with the final counts: only once every pod is gone and counted.
    if (plan.deletePods.length === 0 && terminating.length === 0 && uncountedSucceeded.size === 0 && uncountedFailed.size === 0) {
      const t = findCondition(conditions, target as 'FailureTarget' | 'SuccessCriteriaMet')!;
      if (target === 'FailureTarget' && !hasTrueCondition(conditions, 'Failed')) {
        conditions = setCondition(conditions, 'Failed', 'True', t.reason ?? '', t.message ?? '', now);
        events.push({ type: 'Warning', reason: t.reason ?? 'Failed', message: t.message ?? '' });
      } else if (target === 'SuccessCriteriaMet' && !hasTrueCondition(conditions, 'Complete')) {
        conditions = setCondition(conditions, 'Complete', 'True', t.reason ?? '', t.message ?? '', now);
        completionTime = now;
        events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
      }
    }
  } else if (suspended) {
    plan.deletePods = [...active];
  } else {
    const replaceOnlyFailed = spec.podReplacementPolicy === 'Failed';
    const occupying = replaceOnlyFailed ? active.length + terminating.length : active.length;
    const wait = remainingBackoffMs(plan.backoff, nowMs);
    if (indexed && completions !== undefined) {
      // One pod per index: drop duplicates and out-of-range pods, create the missing lowest indexes.
      const byIndex = new Map<number, Pod[]>();
      for (const p of active) {
        const ix = podCompletionIndex(p);
        if (ix === undefined || ix >= completions || completed.has(ix)) {
          plan.deletePods.push(p);
          continue;
        }
        byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
      }
      for (const group of byIndex.values()) if (group.length > 1) plan.deletePods.push(...[...group].sort(deletionOrder).slice(0, group.length - 1));
      const busy = new Set(byIndex.keys());
      if (replaceOnlyFailed) for (const p of terminating) busy.add(podCompletionIndex(p) ?? -1);
      const room = Math.min(parallelism - byIndex.size - (replaceOnlyFailed ? terminating.length : 0), MAX_POD_CREATE_DELETE_PER_SYNC);
      for (let ix = 0; ix < completions && plan.createIndexes.length < room; ix++) if (!completed.has(ix) && !busy.has(ix)) plan.createIndexes.push(ix);
    } else {
      let want: number;
      if (completions === undefined || completions === null) want = succeededTotal > 0 ? 0 : parallelism;
      else want = Math.max(0, Math.min(parallelism, completions - succeededTotal));
      const diff = want - occupying;
      if (diff < 0) plan.deletePods = [...active].sort(deletionOrder).slice(0, Math.min(-diff, active.length));
      else plan.createCount = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    }
    if ((plan.createCount > 0 || plan.createIndexes.length > 0) && wait > 0) {
      plan.createCount = 0;
      plan.createIndexes = [];
      plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, wait);
    }
  }

  if (!manage) {
    plan.deletePods = [];
    plan.createCount = 0;
    plan.createIndexes = [];
  }
  const deleting = new Set(plan.deletePods.map((p) => p.metadata?.uid));
  const remainingActive = active.filter((p) => !deleting.has(p.metadata?.uid));
  plan.status = {
    ...old,
    active: remainingActive.length + plan.createCount + plan.createIndexes.length,
    ready: remainingActive.filter(isPodReady).length,
    terminating: terminating.length + plan.deletePods.length,
    succeeded: indexed ? succeededTotal : succeeded,
    failed,
    uncountedTerminatedPods: { succeeded: [...uncountedSucceeded], failed: [...uncountedFailed] },
    ...(startTime ? { startTime } : {}),
    ...(completionTime ? { completionTime } : {}),
    ...(conditions ? { conditions } : {}),
    ...(indexed ? { completedIndexes: formatIndexes(completed) } : {}),
  };
  if (!plan.status.uncountedTerminatedPods!.succeeded!.length) delete plan.status.uncountedTerminatedPods!.succeeded;
  if (!plan.status.uncountedTerminatedPods!.failed!.length) delete plan.status.uncountedTerminatedPods!.failed;
  return plan;
}
