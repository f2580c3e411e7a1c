/**
 * The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go): for each
 * CronJob, reconcile status.active with the Jobs it owns, then — unless suspended —
 * start the Job for the most recent unmet schedule (`<cronjob>-<minutes since epoch>`)
 * honouring startingDeadlineSeconds and concurrencyPolicy, prune finished Jobs beyond
 * the history limits, and requeue for the next schedule. The clock is injectable.
 */
import type { CronJob, CronJobStatus, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { CRONJOBS, JOBS, RateLimitingQueue, metaNamespaceKey, runController, type KubeObject, type SharedInformer } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { CONTROLLER_UID_INDEX, controllerOf, controllerRefTo, controllerUidIndexFunc, metaTime, sameStatus } from '../history/index.js';
import { CronParseError, formatRFC3339InZone, isValidTimeZone, localTimeZone, parseCron } from './cron.js';
import { jobNameFor, mostRecentScheduleTime, requeueDelayMs, TOO_MANY_MISSED } from './schedule.js';

export const CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobControllerOptions {
  workers?: number;
  /** Injectable clock (ms since epoch). */
  now?: () => number;
}

export interface CronJobController extends RunningController {
  /** Queue a CronJob (`namespace/name`) for a sync now — e.g. after a test advanced its fake clock. */
  enqueue(key: string): void;
}

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;

function jobFinishedType(job: Job): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

function jobReference(job: Job): ObjectReference {
  return { apiVersion: 'batch/v1', kind: 'Job', namespace: job.metadata?.namespace, name: job.metadata?.name, uid: job.metadata?.uid, resourceVersion: job.metadata?.resourceVersion };
}

/** getJobFromTemplate2: the Job for one scheduled time. */
export function jobFromTemplate(cj: CronJob, scheduledMs: number, timeZone: string): Job {
  const tpl = structuredClone(cj.spec?.jobTemplate ?? {});
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata?.name ?? '', scheduledMs),
      namespace: cj.metadata?.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), [CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION]: formatRFC3339InZone(scheduledMs, timeZone) },
      ownerReferences: [controllerRefTo({ ...cj, apiVersion: 'batch/v1', kind: 'CronJob' })],
    },
    spec: tpl.spec ?? { template: {} },
  };
}

/** Finished Jobs beyond the history limits, oldest first (cleanupFinishedJobs). */
export function jobsToPrune(jobs: readonly Job[], successfulLimit: number | undefined, failedLimit: number | undefined): Job[] {
  const byStart = (a: Job, b: Job) => (a.status?.startTime ?? '').localeCompare(b.status?.startTime ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  const out: Job[] = [];
  const prune = (type: 'Complete' | 'Failed', limit: number | undefined) => {
    if (limit === undefined || limit === null) return;
    const done = jobs.filter((j) => jobFinishedType(j) === type).sort(byStart);
    out.push(...done.slice(0, Math.max(0, done.length - limit)));
  };
  prune('Complete', successfulLimit);
  prune('Failed', failedLimit);
  return out;
}

export function startCronJobController(ctx: ControllerContext, opts: CronJobControllerOptions = {}): CronJobController {
  const name = 'cronjob-controller';
  const now = opts.now ?? Date.now;
  const recorder = ctx.recorder(name);
  const queue = new RateLimitingQueue<string>();
  const cronJobs = ctx.informers.informerFor<CronJob>(CRONJOBS);
  const jobs = ctx.informers.informerFor<Job>(JOBS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUidIndexFunc } });

  const enqueue = (obj: KubeObject) => queue.add(metaNamespaceKey(obj));
  const enqueueOwner = (job: Job) => {
    const ref = controllerOf(job.metadata);
    if (ref?.kind === 'CronJob') queue.add(`${job.metadata?.namespace}/${ref.name}`);
  };
  cronJobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  jobs.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_o, n) => enqueueOwner(n), onDelete: enqueueOwner });

  async function deleteJob(cj: CronJob, job: Pick<Job, 'metadata'>): Promise<void> {
    try {
      await ctx.client.delete(JOBS, job.metadata!.name!, { namespace: cj.metadata?.namespace, propagationPolicy: 'Background' });
      recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function reconcile(key: string): Promise<void> {
    const cj = cronJobs.indexer.get(key);
    if (!cj) return;
    const namespace = cj.metadata?.namespace ?? '';
    const nowMs = now();
    const children = cj.metadata?.uid ? jobs.indexer.byIndex(CONTROLLER_UID_INDEX, cj.metadata.uid) : [];
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    let active = [...(status.active ?? [])];
    const childUids = new Set(children.map((j) => j.metadata?.uid));

    // 1. status.active follows the Jobs this CronJob owns.
    for (const j of children) {
      const inActive = active.some((a) => a.uid === j.metadata?.uid);
      const finished = jobFinishedType(j);
      if (!inActive && !finished && !active.some((a) => a.name === j.metadata?.name)) {
        recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`);
      } else if (inActive && finished) {
        active = active.filter((a) => a.uid !== j.metadata?.uid);
        recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name}, condition: ${finished}`);
      }
      if (finished === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || j.status.completionTime > status.lastSuccessfulTime)) {
        status.lastSuccessfulTime = j.status.completionTime;
      }
    }
    for (const ref of [...active]) {
      if (childUids.has(ref.uid)) continue;
      try {
        const j = await ctx.client.get<Job>(JOBS, ref.name!, { namespace });
        if (j.metadata?.uid !== ref.uid) throw new StatusError(404, 'NotFound', 'replaced');
      } catch (err) {
        if (!isNotFound(err)) throw err;
        active = active.filter((a) => a.uid !== ref.uid);
        recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      }
    }
    status.active = active;

    const writeStatus = async () => {
      if (!status.active?.length) delete status.active;
      if (!sameStatus(status, cj.status)) await ctx.client.updateStatus<CronJob>(CRONJOBS, { ...cj, status });
    };
    const finish = async (requeueMs?: number) => {
      await writeStatus();
      await Promise.all(jobsToPrune(children, cj.spec?.successfulJobsHistoryLimit, cj.spec?.failedJobsHistoryLimit).map((j) => deleteJob(cj, j)));
      // Timers cannot wait longer than ~24.8 days; look again then (a sync is idempotent).
      if (requeueMs !== undefined) queue.addAfter(key, Math.min(requeueMs, 2 ** 31 - 1));
    };

    if (cj.metadata?.deletionTimestamp) return writeStatus();
    const timeZone = cj.spec?.timeZone ?? localTimeZone();
    if (!isValidTimeZone(timeZone)) {
      recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${timeZone}"`);
      return writeStatus();
    }
    let schedule;
    try {
      schedule = parseCron(cj.spec?.schedule ?? '');
    } catch (err) {
      if (!(err instanceof CronParseError)) throw err;
      recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule}" : ${err.message}`);
      return writeStatus();
    }
    if (cj.spec?.suspend) return finish();

    const earliestMs = Date.parse(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? '') || nowMs;
    const { scheduledMs, missed } = mostRecentScheduleTime(schedule, { earliestMs, startingDeadlineSeconds: cj.spec?.startingDeadlineSeconds }, nowMs, timeZone);
    if (missed > TOO_MANY_MISSED) {
      recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const next = requeueDelayMs(schedule, nowMs, timeZone);
    if (scheduledMs === undefined) return finish(next);

    const sds = cj.spec?.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && scheduledMs + sds * 1000 < nowMs) {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduledMs).toUTCString().replace('GMT', '+0000')}`);
      return finish(next);
    }
    const jobName = jobNameFor(cj.metadata?.name ?? '', scheduledMs);
    if (active.some((a) => a.name === jobName) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) >= scheduledMs)) return finish(next);

    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return finish(next);
    }
    if (policy === 'Replace') {
      for (const ref of active) await deleteJob(cj, { metadata: { name: ref.name } });
      status.active = active = [];
    }

    let created: Job;
    try {
      created = await ctx.client.create<Job>(JOBS, jobFromTemplate(cj, scheduledMs, timeZone), { namespace });
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) {
        recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      // Created by an earlier sync whose status write was lost: adopt it if it is ours.
      created = await ctx.client.get<Job>(JOBS, jobName, { namespace });
      if (controllerOf(created.metadata)?.uid !== cj.metadata?.uid) return finish(next);
    }
    if (!jobFinishedType(created)) status.active = [...active, jobReference(created)];
    status.lastScheduleTime = metaTime(scheduledMs);
    await finish(next);
  }

  const controller = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [cronJobs as SharedInformer<KubeObject>, jobs as SharedInformer<KubeObject>], log: ctx.log });
  return { name, health: controller.health, stop: controller.stop, enqueue: (key) => queue.add(key) };
}
