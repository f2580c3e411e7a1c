/**
 * The Job controller (pkg/controller/job/job_controller.go): watches Jobs and their
 * pods, and for each Job key makes the pods and status match planJob's decisions —
 * record terminated pods in status, drop their tracking finalizers, delete surplus
 * pods, create missing ones (with pod-failure backoff), set conditions.
 */
import type { Job, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import {
  JOBS,
  PODS,
  RateLimitingQueue,
  metaNamespaceKey,
  runController,
  splitMetaNamespaceKey,
  type KubeObject,
  type SharedInformer,
} from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { ControllerExpectations } from '../shared/index.js';
import { sameStatus, CONTROLLER_UID_INDEX, controllerOf, controllerUidIndexFunc } from '../history/index.js';
import type { BackoffRecord } from './backoff.js';
import { isJobFinished } from './conditions.js';
import { JOB_TRACKING_FINALIZER } from './constants.js';
import { hasTrackingFinalizer, planJob } from './accounting.js';
import { newJobPod } from './pod-template.js';

export interface JobControllerOptions {
  workers?: number;
  /** Injectable clock (ms since epoch). */
  now?: () => number;
}

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;

/**
 * Removes the tracking finalizer as upstream's job controller does (removeTrackingFinalizerPatch):
 * a strategic-merge patch deleting just that entry, so no resourceVersion precondition, no
 * conflict to retry and no GET (its role may not get pods); a pod already gone is fine.
 */
export async function removeTrackingFinalizer(ctx: ControllerContext, pod: Pod): Promise<void> {
  const patch = { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
  try {
    await ctx.client.patch<Pod>(PODS, pod.metadata!.name!, patch, { namespace: pod.metadata?.namespace, type: 'strategic' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export function startJobController(ctx: ControllerContext, opts: JobControllerOptions = {}): RunningController {
  const name = 'job-controller';
  const now = opts.now ?? Date.now;
  const recorder = ctx.recorder(name);
  const queue = new RateLimitingQueue<string>();
  const jobs = ctx.informers.informerFor<Job>(JOBS);
  const pods = ctx.informers.informerFor<Pod>(PODS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUidIndexFunc } });
  const backoffs = new Map<string, BackoffRecord>();
  // Creations/deletions asked for but not yet seen in the pod cache: no new ones until they are (upstream's expectations).
  const expectations = new ControllerExpectations();

  const enqueue = (obj: KubeObject) => queue.add(metaNamespaceKey(obj));
  const ownerKey = (pod: Pod) => {
    const ref = controllerOf(pod.metadata);
    return ref?.kind === 'Job' ? `${pod.metadata?.namespace}/${ref.name}` : undefined;
  };
  const enqueueOwner = (pod: Pod) => {
    const k = ownerKey(pod);
    if (k) queue.add(k);
  };
  jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  pods.addEventHandler({
    onAdd: (pod) => {
      const k = ownerKey(pod);
      if (k) expectations.creationObserved(k);
      enqueueOwner(pod);
    },
    onUpdate: (o, n) => {
      const k = ownerKey(n);
      if (k && n.metadata?.deletionTimestamp && !o.metadata?.deletionTimestamp) expectations.deletionObserved(k, metaNamespaceKey(n));
      enqueueOwner(o);
      enqueueOwner(n);
    },
    onDelete: (pod) => {
      const k = ownerKey(pod);
      if (k) expectations.deletionObserved(k, metaNamespaceKey(pod));
      enqueueOwner(pod);
    },
  });

  const ownedPods = (job: Job) => (job.metadata?.uid ? pods.indexer.byIndex(CONTROLLER_UID_INDEX, job.metadata.uid) : []);

  /** Pods of a Job that no longer exists keep no tracking finalizer (orphan cleanup, as upstream). */
  async function releaseOrphans(namespace: string, jobName: string): Promise<void> {
    const orphans = pods.indexer.listInNamespace(namespace).filter((p) => {
      const ref = controllerOf(p.metadata);
      return ref?.kind === 'Job' && ref.name === jobName && hasTrackingFinalizer(p);
    });
    await Promise.all(orphans.map((p) => removeTrackingFinalizer(ctx, p)));
  }

  async function reconcile(key: string): Promise<void> {
    const { namespace = '', name: jobName } = splitMetaNamespaceKey(key);
    const job = jobs.indexer.get(key);
    if (!job) {
      backoffs.delete(key);
      expectations.delete(key);
      await releaseOrphans(namespace, jobName);
      return;
    }
    const children = ownedPods(job);
    if (isJobFinished(job) || job.metadata?.deletionTimestamp) {
      await Promise.all(children.filter(hasTrackingFinalizer).map((p) => removeTrackingFinalizer(ctx, p)));
      return;
    }
    const nowMs = now();
    const plan = planJob({ job, pods: children, nowMs, backoff: backoffs.get(key) ?? { failuresAfterLastSuccess: 0 }, manage: expectations.satisfied(key) });

    // 1. Record what was counted before touching any pod (so nothing is counted twice).
    let current: Job = job;
    const statusChanged = !sameStatus(plan.status, job.status);
    if (statusChanged) current = await ctx.client.updateStatus<Job>(JOBS, { ...job, status: plan.status as JobStatus });
    backoffs.set(key, plan.backoff);
    for (const e of plan.events) recorder.event(current, e.type, e.reason, e.message);

    // 2. Release counted pods, then stop surplus ones (finalizer first, so a deletion is not a failure).
    await Promise.all(plan.removeFinalizer.map((p) => removeTrackingFinalizer(ctx, p)));
    if (plan.deletePods.length) expectations.expectDeletions(key, plan.deletePods.map(metaNamespaceKey));
    await Promise.all(
      plan.deletePods.map(async (p) => {
        if (hasTrackingFinalizer(p)) await removeTrackingFinalizer(ctx, p);
        try {
          await ctx.client.delete(PODS, p.metadata!.name!, { namespace });
          recorder.event(current, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
        } catch (err) {
          expectations.deletionObserved(key, metaNamespaceKey(p));
          if (!isNotFound(err)) throw err;
        }
      }),
    );

    // 3. Create missing pods.
    const toCreate: Pod[] = [];
    // One kind of expectation at a time: creations wait for the next sync after deletions.
    if (!plan.deletePods.length) {
      for (let i = 0; i < plan.createCount; i++) toCreate.push(newJobPod(current));
      for (const ix of plan.createIndexes) toCreate.push(newJobPod(current, ix));
      if (toCreate.length) expectations.expectCreations(key, toCreate.length);
    } else if (plan.createCount || plan.createIndexes.length) queue.add(key);
    const created = await Promise.allSettled(toCreate.map((p) => ctx.client.create<Pod>(PODS, p, { namespace })));
    let firstError: unknown;
    for (const r of created) {
      if (r.status === 'fulfilled') recorder.event(current, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata?.name}`);
      else {
        expectations.creationObserved(key);
        firstError ??= r.reason;
        recorder.event(current, 'Warning', 'FailedCreate', `Error creating: ${(r.reason as Error).message}`);
      }
    }
    if (firstError) throw firstError;
    if (plan.removeFinalizer.length) queue.add(key);
    if (plan.requeueAfterMs !== undefined) queue.addAfter(key, Math.max(1, plan.requeueAfterMs) + 10);
  }

  const controller = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [jobs as SharedInformer<KubeObject>, pods as SharedInformer<KubeObject>], log: ctx.log });
  return { name, health: controller.health, stop: controller.stop };
}
