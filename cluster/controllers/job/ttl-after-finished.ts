/**
 * The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job
 * with spec.ttlSecondsAfterFinished is deleted (background propagation, uid
 * precondition) once that many seconds have passed since its Complete/Failed
 * condition's lastTransitionTime; before that the key is re-queued for the moment it expires.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import { StatusError } from '../../api/status.js';
import { JOBS, RateLimitingQueue, metaNamespaceKey, runController, splitMetaNamespaceKey, type KubeObject, type SharedInformer } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { finishedCondition } from './conditions.js';

export interface TTLAfterFinishedOptions {
  workers?: number;
  now?: () => number;
}

/** Milliseconds until a Job's TTL runs out (≤ 0: expired), or undefined if it has none or is not finished. */
export function timeLeftMs(job: Job, nowMs: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
  const done = finishedCondition(job);
  if (!done) return undefined;
  const finishedAt = Date.parse(done.lastTransitionTime ?? job.status?.completionTime ?? '');
  if (!Number.isFinite(finishedAt)) return undefined;
  return finishedAt + ttl * 1000 - nowMs;
}

export function startTTLAfterFinishedController(ctx: ControllerContext, opts: TTLAfterFinishedOptions = {}): RunningController {
  const name = 'ttl-after-finished-controller';
  const now = opts.now ?? Date.now;
  const queue = new RateLimitingQueue<string>();
  const jobs = ctx.informers.informerFor<Job>(JOBS);
  const enqueue = (job: Job) => {
    if (timeLeftMs(job, now()) !== undefined) queue.add(metaNamespaceKey(job));
  };
  jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });

  async function reconcile(key: string): Promise<void> {
    const cached = jobs.indexer.get(key);
    if (!cached) return;
    const left = timeLeftMs(cached, now());
    if (left === undefined) return;
    if (left > 0) {
      queue.addAfter(key, left);
      return;
    }
    // Check the live object: its TTL may have been changed since the cache saw it.
    const { namespace, name: jobName } = splitMetaNamespaceKey(key);
    let fresh: Job;
    try {
      fresh = await ctx.client.get<Job>(JOBS, jobName, { namespace });
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return;
      throw err;
    }
    const freshLeft = timeLeftMs(fresh, now());
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return queue.addAfter(key, freshLeft);
    try {
      await ctx.client.delete(JOBS, jobName, { namespace, propagationPolicy: 'Background', preconditions: { uid: fresh.metadata?.uid } });
    } catch (err) {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  const controller = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [jobs as SharedInformer<KubeObject>], log: ctx.log });
  return { name, health: controller.health, stop: controller.stop };
}
