import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { planJob } from './accounting.js';
import { backoffDelayMs, remainingBackoffMs, updateBackoffRecord } from './backoff.js';
import { JOB_COMPLETION_INDEX_ANNOTATION, JOB_TRACKING_FINALIZER } from './constants.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { newJobPod } from './pod-template.js';

const NOW = Date.parse('2024-05-01T10:00:00Z');
const fresh = { failuresAfterLastSuccess: 0 };

function job(spec: Partial<NonNullable<Job['spec']>> = {}, status: Job['status'] = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'job-uid' },
    spec: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
    status: { startTime: '2024-05-01T09:59:00Z', ...status },
  };
}

let n = 0;
function pod(phase: string, opts: { finalizer?: boolean; index?: number; deleted?: boolean; ready?: boolean } = {}): Pod {
  n++;
  return {
    metadata: {
      name: `p${n}`,
      uid: `uid-${n}`,
      creationTimestamp: `2024-05-01T09:59:${String(n % 60).padStart(2, '0')}Z`,
      finalizers: opts.finalizer === false ? [] : [JOB_TRACKING_FINALIZER],
      ...(opts.index !== undefined ? { annotations: { [JOB_COMPLETION_INDEX_ANNOTATION]: String(opts.index) } } : {}),
      ...(opts.deleted ? { deletionTimestamp: '2024-05-01T09:59:59Z' } : {}),
    },
    status: { phase, ...(opts.ready ? { conditions: [{ type: 'Ready', status: 'True' }] } : {}) },
  };
}

describe('planJob', () => {
  it('starts a new Job: startTime and parallelism pods', () => {
    const p = planJob({ job: job({ completions: 5, parallelism: 2 }, { startTime: undefined }), pods: [], nowMs: NOW, backoff: fresh });
    assert.equal(p.createCount, 2);
    assert.equal(p.status.startTime, '2024-05-01T10:00:00Z');
    assert.equal(p.status.active, 2);
  });

  it('records finished pods as uncounted first, then counts them once their finalizer is gone', () => {
    const done = pod('Succeeded');
    const p1 = planJob({ job: job({ completions: 2, parallelism: 2 }), pods: [done, pod('Running', { ready: true })], nowMs: NOW, backoff: fresh });
    assert.deepEqual(p1.status.uncountedTerminatedPods?.succeeded, [done.metadata!.uid]);
    assert.equal(p1.status.succeeded ?? 0, 0);
    assert.deepEqual(p1.removeFinalizer, [done]);
    assert.equal(p1.status.ready, 1);
    assert.equal(p1.createCount, 0, 'one more completion needed, one pod running');
    // Next pass: the finalizer is gone.
    const released = { ...done, metadata: { ...done.metadata, finalizers: [] } };
    const p2 = planJob({ job: job({ completions: 2, parallelism: 2 }, p1.status), pods: [released, pod('Running')], nowMs: NOW, backoff: fresh });
    assert.equal(p2.status.succeeded, 1);
    assert.equal(p2.status.uncountedTerminatedPods?.succeeded, undefined);
    assert.equal(p2.removeFinalizer.length, 0);
  });

  it('completes with SuccessCriteriaMet then Complete and completionTime', () => {
    const p = planJob({ job: job({}, { succeeded: 1 }), pods: [], nowMs: NOW, backoff: fresh });
    const types = p.status.conditions?.map((c) => `${c.type}:${c.reason}`);
    assert.deepEqual(types, ['SuccessCriteriaMet:CompletionsReached', 'Complete:CompletionsReached']);
    assert.equal(p.status.completionTime, '2024-05-01T10:00:00Z');
    assert.deepEqual(p.events.map((e) => e.reason), ['Completed']);
  });

  it('fails past backoffLimit: FailureTarget, active pods stopped and counted, then Failed', () => {
    const running = pod('Running');
    const p = planJob({ job: job({ backoffLimit: 1 }, { failed: 1 }), pods: [pod('Failed'), running], nowMs: NOW, backoff: fresh });
    assert.equal(p.status.conditions?.find((c) => c.type === 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.deepEqual(p.deletePods, [running]);
    assert.equal(p.status.uncountedTerminatedPods?.failed?.length, 2);
    assert.equal(p.status.conditions?.some((c) => c.type === 'Failed'), false, 'Failed waits for pods to stop');
    const after = planJob({ job: job({ backoffLimit: 1 }, p.status), pods: [], nowMs: NOW, backoff: fresh });
    const failedCond = after.status.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failedCond?.reason, 'BackoffLimitExceeded');
    assert.equal(failedCond?.message, 'Job has reached the specified backoff limit');
    assert.equal(after.status.failed, 3);
    assert.deepEqual(after.events.map((e) => `${e.type} ${e.reason}`), ['Warning BackoffLimitExceeded']);
  });

  it('fails on activeDeadlineSeconds and requeues for the deadline before it', () => {
    const early = planJob({ job: job({ activeDeadlineSeconds: 120 }), pods: [pod('Running')], nowMs: NOW, backoff: fresh });
    assert.equal(early.requeueAfterMs, 60_000);
    const late = planJob({ job: job({ activeDeadlineSeconds: 30 }), pods: [], nowMs: NOW, backoff: fresh });
    assert.equal(late.status.conditions?.find((c) => c.type === 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(late.createCount, 0);
  });

  it('waits out the pod-failure backoff before creating a replacement', () => {
    const failed = pod('Failed');
    const p = planJob({ job: job({ completions: 1 }), pods: [failed], nowMs: NOW, backoff: fresh });
    assert.equal(p.createCount, 0);
    assert.equal(p.backoff.failuresAfterLastSuccess, 1);
    assert.ok(p.requeueAfterMs! > 9_000 && p.requeueAfterMs! <= 10_000);
    assert.equal(planJob({ job: job({ completions: 1 }, p.status), pods: [failed], nowMs: NOW + 10_001, backoff: p.backoff }).createCount, 1);
  });

  it('suspends: deletes active pods without counting them; resuming resets startTime', () => {
    const running = pod('Running');
    const s = planJob({ job: job({ suspend: true }), pods: [running], nowMs: NOW, backoff: fresh });
    assert.deepEqual(s.deletePods, [running]);
    assert.equal(s.status.uncountedTerminatedPods?.failed, undefined);
    assert.equal(s.status.conditions?.find((c) => c.type === 'Suspended')?.status, 'True');
    const r = planJob({ job: job({ suspend: false }, s.status), pods: [], nowMs: NOW + 5000, backoff: fresh });
    assert.equal(r.status.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
    assert.equal(r.status.startTime, '2024-05-01T10:00:05Z');
    assert.equal(r.createCount, 1);
  });

  it('Indexed: creates the lowest missing indexes and tracks completedIndexes', () => {
    const spec = { completionMode: 'Indexed', completions: 5, parallelism: 2 } as const;
    const p = planJob({ job: job(spec), pods: [pod('Succeeded', { index: 0 }), pod('Running', { index: 2 })], nowMs: NOW, backoff: fresh });
    assert.equal(p.status.completedIndexes, '0');
    assert.equal(p.status.succeeded, 1);
    assert.deepEqual(p.createIndexes, [1]);
    const dup = [pod('Running', { index: 3 }), pod('Running', { index: 3 })];
    const q = planJob({ job: job(spec, { completedIndexes: '0-2' }), pods: dup, nowMs: NOW, backoff: fresh });
    assert.equal(q.deletePods.length, 1, 'one of two pods for index 3 goes');
    assert.deepEqual(q.createIndexes, [4]);
  });

  it('work queue (no completions): done once one pod succeeded and none is active', () => {
    const p = planJob({ job: job({ completions: undefined, parallelism: 3 }, { succeeded: 1 }), pods: [pod('Running')], nowMs: NOW, backoff: fresh });
    assert.equal(p.createCount, 0);
    assert.ok(!p.status.conditions?.some((c) => c.type === 'SuccessCriteriaMet'));
    const q = planJob({ job: job({ completions: undefined, parallelism: 3 }, { succeeded: 1 }), pods: [], nowMs: NOW, backoff: fresh });
    assert.equal(q.status.conditions?.some((c) => c.type === 'Complete'), true);
  });

  it('scales down surplus pods, unscheduled and not-ready first', () => {
    const ready = { ...pod('Running', { ready: true }), spec: { nodeName: 'n1', containers: [] } };
    const pending = pod('Pending');
    const p = planJob({ job: job({ completions: 10, parallelism: 1 }), pods: [ready, pending], nowMs: NOW, backoff: fresh });
    assert.deepEqual(p.deletePods, [pending]);
  });

  it('counts deleted unfinished pods that still hold the finalizer as failed', () => {
    const p = planJob({ job: job({ completions: 1 }), pods: [pod('Running', { deleted: true })], nowMs: NOW, backoff: fresh });
    assert.equal(p.status.uncountedTerminatedPods?.failed?.length, 1);
  });
});

describe('job helpers', () => {
  it('formats and parses completed indexes', () => {
    assert.equal(formatIndexes([5, 1, 3, 4, 7]), '1,3-5,7');
    assert.deepEqual([...parseIndexes('1,3-5,7', 6)].sort(), [1, 3, 4, 5]);
  });

  it('backoff doubles from 10 s to 6 minutes; a success resets it', () => {
    assert.deepEqual([1, 2, 3, 6, 7, 20].map(backoffDelayMs), [10_000, 20_000, 40_000, 320_000, 360_000, 360_000]);
    const r = updateBackoffRecord(fresh, [{ failed: true, finishedAt: 1000 }, { failed: true, finishedAt: 2000 }]);
    assert.equal(remainingBackoffMs(r, 2000), 20_000);
    assert.equal(updateBackoffRecord(r, [{ failed: false, finishedAt: 3000 }]).failuresAfterLastSuccess, 0);
  });

  it('builds indexed pods with name prefix, index annotation/label, env and hostname', () => {
    const p = newJobPod(job({ completionMode: 'Indexed', completions: 3 }), 2);
    assert.equal(p.metadata?.generateName, 'pi-2-');
    assert.equal(p.metadata?.annotations?.[JOB_COMPLETION_INDEX_ANNOTATION], '2');
    assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(p.spec?.containers[0].env?.[0].name, 'JOB_COMPLETION_INDEX');
    assert.equal(p.spec?.hostname, 'pi-2');
    assert.deepEqual(p.metadata?.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.deepEqual(p.metadata?.ownerReferences?.[0], { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true, blockOwnerDeletion: true });
  });
});
