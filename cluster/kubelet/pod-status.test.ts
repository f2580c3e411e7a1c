import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computePodStatus, qosClass, terminatedReason } from './pod-status.js';
import type { PodStatusInput } from './pod-status.js';
import type { RuntimeContainer } from './runtime/types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const ref = { uid: 'u1', namespace: 'default', name: 'p' };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'kubarium/busybox:1' }], ...spec },
    status: { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-12-31T23:59:00Z' }] },
  };
}

function ctr(name: string, over: Partial<RuntimeContainer> = {}): RuntimeContainer {
  return { id: `${name}-id-${over.restartCount ?? 0}`, pod: ref, name, init: false, restartCount: 0, image: 'kubarium/busybox:1', imageRef: 'sha256:abc', state: 'running', createdAtMs: T0, startedAtMs: T0 + 1000, ...over };
}

const input = (over: Partial<PodStatusInput> = {}): PodStatusInput => ({
  hostIP: '172.18.0.2',
  sandbox: { ip: '10.244.1.5', ready: true },
  startTimeMs: T0,
  containers: [],
  nowMs: T0 + 5000,
  ...over,
});

const cond = (s: ReturnType<typeof computePodStatus>, type: string) => s.conditions?.find((c) => c.type === type);

describe('computePodStatus', () => {
  test('no containers yet: Pending, ContainerCreating, conditions in kubelet order', () => {
    const s = computePodStatus(pod(), input({ sandbox: undefined }));
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(s.conditions?.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
    assert.equal(cond(s, 'Initialized')?.status, 'True');
    assert.equal(cond(s, 'Ready')?.reason, 'ContainersNotReady');
    assert.equal(cond(s, 'Ready')?.message, 'containers with unready status: [app]');
    assert.equal(cond(s, 'PodScheduled')?.lastTransitionTime, '2025-12-31T23:59:00Z');
    assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(s.podIP, undefined);
    assert.equal(s.startTime, '2026-01-01T00:00:00Z');
    assert.equal(s.qosClass, 'BestEffort');
  });

  test('running: Running, ready, started, IPs and docker:// container id', () => {
    const s = computePodStatus(pod(), input({ containers: [ctr('app')] }));
    assert.equal(s.phase, 'Running');
    const cs = s.containerStatuses![0];
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.containerID, 'docker://app-id-0');
    assert.equal(cs.imageID, 'sha256:abc');
    assert.deepEqual(cs.state, { running: { startedAt: '2026-01-01T00:00:01Z' } });
    assert.equal(s.podIP, '10.244.1.5');
    assert.deepEqual(s.podIPs, [{ ip: '10.244.1.5' }]);
    assert.deepEqual(s.hostIPs, [{ ip: '172.18.0.2' }]);
    for (const t of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']) assert.equal(cond(s, t)?.status, 'True', t);
  });

  test('readiness probe without a result: running but not ready', () => {
    const p = pod({ containers: [{ name: 'app', image: 'x:1', readinessProbe: { exec: { command: ['true'] } } }] });
    const s = computePodStatus(p, input({ containers: [ctr('app')] }));
    assert.equal(s.phase, 'Running');
    assert.equal(s.containerStatuses![0].ready, false);
    assert.equal(cond(s, 'Ready')?.status, 'False');
    assert.equal(computePodStatus(p, input({ containers: [ctr('app')], readiness: { app: true } })).containerStatuses![0].ready, true);
  });

  test('Never, exit 0: Succeeded, Completed, PodCompleted', () => {
    const s = computePodStatus(pod({ restartPolicy: 'Never' }), input({ containers: [ctr('app', { state: 'exited', exitCode: 0, finishedAtMs: T0 + 2000 })] }));
    assert.equal(s.phase, 'Succeeded');
    assert.deepEqual(s.containerStatuses![0].state?.terminated, { exitCode: 0, reason: 'Completed', startedAt: '2026-01-01T00:00:01Z', finishedAt: '2026-01-01T00:00:02Z', containerID: 'docker://app-id-0' });
    assert.equal(cond(s, 'Ready')?.reason, 'PodCompleted');
    assert.equal(cond(s, 'ContainersReady')?.reason, 'PodCompleted');
  });

  test('Never, exit 1: Failed with Error; OnFailure exit 1 stays Running (restart pending)', () => {
    const exited = [ctr('app', { state: 'exited', exitCode: 1, finishedAtMs: T0 + 2000 })];
    const failed = computePodStatus(pod({ restartPolicy: 'Never' }), input({ containers: exited }));
    assert.equal(failed.phase, 'Failed');
    assert.equal(failed.containerStatuses![0].state?.terminated?.reason, 'Error');
    assert.equal(cond(failed, 'Ready')?.reason, 'PodFailed');
    assert.equal(computePodStatus(pod({ restartPolicy: 'OnFailure' }), input({ containers: exited })).phase, 'Running');
    assert.equal(computePodStatus(pod({ restartPolicy: 'Always' }), input({ containers: exited })).phase, 'Running');
  });

  test('OOMKilled and StartError reasons', () => {
    assert.equal(terminatedReason({ exitCode: 137, oomKilled: true }), 'OOMKilled');
    assert.equal(terminatedReason({ exitCode: 127, error: 'exec: "nope": executable file not found' }), 'StartError');
    assert.equal(terminatedReason({ exitCode: 143 }), 'Error');
  });

  test('CrashLoopBackOff: waiting with the last termination and the restart count', () => {
    const c = [
      ctr('app', { state: 'exited', exitCode: 2, restartCount: 3, finishedAtMs: T0 + 4000 }),
      ctr('app', { state: 'exited', exitCode: 2, restartCount: 2, finishedAtMs: T0 + 3000 }),
    ];
    const message = 'back-off 40s restarting failed container=app pod=p_default(u1)';
    const s = computePodStatus(pod(), input({ containers: c, waiting: { app: { reason: 'CrashLoopBackOff', message } } }));
    assert.equal(s.phase, 'Running');
    const cs = s.containerStatuses![0];
    assert.deepEqual(cs.state, { waiting: { reason: 'CrashLoopBackOff', message } });
    assert.equal(cs.restartCount, 3);
    assert.equal(cs.lastState?.terminated?.exitCode, 2);
    assert.equal(cs.lastState?.terminated?.containerID, 'docker://app-id-3');
    assert.equal(cs.ready, false);
  });

  test('restarted and running: lastState is the previous run', () => {
    const c = [ctr('app', { restartCount: 1 }), ctr('app', { state: 'exited', exitCode: 1, restartCount: 0, finishedAtMs: T0 + 500 })];
    const cs = computePodStatus(pod(), input({ containers: c })).containerStatuses![0];
    assert.equal(cs.restartCount, 1);
    assert.ok(cs.state?.running);
    assert.equal(cs.lastState?.terminated?.reason, 'Error');
  });

  test('ErrImagePull with no instance: Pending', () => {
    const s = computePodStatus(pod(), input({ waiting: { app: { reason: 'ErrImagePull', message: 'failed to pull image "nope:1"' } } }));
    assert.equal(s.phase, 'Pending');
    assert.equal(s.containerStatuses![0].state?.waiting?.reason, 'ErrImagePull');
    assert.equal(s.containerStatuses![0].lastState, undefined);
  });

  test('init containers: PodInitializing until they complete, Initialized after', () => {
    const p = pod({ initContainers: [{ name: 'init1', image: 'x:1' }, { name: 'init2', image: 'x:1' }] });
    const running = computePodStatus(p, input({ containers: [ctr('init1', { init: true, state: 'exited', exitCode: 0, finishedAtMs: T0 + 1500 }), ctr('init2', { init: true })] }));
    assert.equal(running.phase, 'Pending');
    assert.equal(cond(running, 'Initialized')?.status, 'False');
    assert.equal(cond(running, 'Initialized')?.message, 'containers with incomplete status: [init2]');
    assert.equal(running.initContainerStatuses![0].ready, true);
    assert.equal(running.initContainerStatuses![1].ready, false);
    assert.deepEqual(running.containerStatuses![0].state, { waiting: { reason: 'PodInitializing' } });

    const done = computePodStatus(p, input({ containers: [ctr('init1', { init: true, state: 'exited', exitCode: 0 }), ctr('init2', { init: true, state: 'exited', exitCode: 0 }), ctr('app')] }));
    assert.equal(done.phase, 'Running');
    assert.equal(cond(done, 'Initialized')?.status, 'True');
  });

  test('failed init container: Failed under Never, Pending (retrying) under Always', () => {
    const c = [ctr('init1', { init: true, state: 'exited', exitCode: 1 })];
    const p = (restartPolicy: string) => pod({ restartPolicy, initContainers: [{ name: 'init1', image: 'x:1' }] });
    assert.equal(computePodStatus(p('Never'), input({ containers: c })).phase, 'Failed');
    assert.equal(computePodStatus(p('Always'), input({ containers: c })).phase, 'Pending');
  });

  test('terminal (deleted) pod: Failed when a container was killed, Succeeded when all exited 0', () => {
    const killed = [ctr('app', { state: 'exited', exitCode: 143 })];
    assert.equal(computePodStatus(pod(), input({ containers: killed, terminal: true, sandbox: { ip: '10.244.1.5', ready: false } })).phase, 'Failed');
    const clean = [ctr('app', { state: 'exited', exitCode: 0 })];
    const s = computePodStatus(pod(), input({ containers: clean, terminal: true, sandbox: undefined }));
    assert.equal(s.phase, 'Succeeded');
    assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
  });

  test('lastTransitionTime kept while a condition holds', () => {
    const p = pod();
    const first = computePodStatus(p, input({ containers: [ctr('app')] }));
    const later = computePodStatus({ ...p, status: first }, input({ containers: [ctr('app')], nowMs: T0 + 60_000 }));
    assert.equal(cond(later, 'Ready')?.lastTransitionTime, cond(first, 'Ready')?.lastTransitionTime);
  });

  test('qosClass', () => {
    assert.equal(qosClass(pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] })), 'Guaranteed');
    assert.equal(qosClass(pod({ containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] })), 'Burstable');
  });
});
