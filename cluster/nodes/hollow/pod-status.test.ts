import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { pendingStatus, runningStatus, runsToCompletion, terminatedStatus } from './pod-status.js';
import type { PodRuntime } from './pod-status.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const pod = (extra: Partial<Pod['spec']> = {}, status?: Pod['status']): Pod => ({
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { nodeName: 'hollow-node-0', containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }], ...extra },
  status,
});
const rt: PodRuntime = {
  hostIP: '198.18.0.1',
  podIP: '10.244.0.5',
  startTimeMs: T0,
  startedAtMs: T0 + 1000,
  containerIDs: { app: 'hollow://aa', side: 'hollow://bb', 'init:setup': 'hollow://cc' },
  restartCount: 0,
};
const cond = (s: { conditions?: { type: string; status: string; reason?: string; lastTransitionTime?: string }[] }, type: string) => s.conditions!.find((c) => c.type === type)!;

describe('hollow pod status', () => {
  it('Pending: containers waiting in ContainerCreating, not ready, hostIP and startTime set', () => {
    const s = pendingStatus(pod(), rt, T0);
    assert.equal(s.phase, 'Pending');
    assert.equal(s.hostIP, '198.18.0.1');
    assert.equal(s.startTime, '2026-01-01T00:00:00Z');
    assert.equal(s.podIP, undefined);
    assert.deepEqual(s.containerStatuses!.map((c) => c.state), [{ waiting: { reason: 'ContainerCreating' } }, { waiting: { reason: 'ContainerCreating' } }]);
    assert.equal(cond(s, 'Ready').status, 'False');
    assert.equal(cond(s, 'Ready').reason, 'ContainersNotReady');
    assert.equal(cond(s, 'PodScheduled').status, 'True');
  });

  it('Running: five conditions in kubelet order, all True; containers running with hollow ids and IPs', () => {
    const s = runningStatus(pod(), rt, T0 + 1000);
    assert.equal(s.phase, 'Running');
    assert.deepEqual(s.conditions!.map((c) => [c.type, c.status]), [
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    assert.ok(s.conditions!.every((c) => c.reason === undefined && c.message === undefined));
    assert.equal(s.podIP, '10.244.0.5');
    assert.deepEqual(s.podIPs, [{ ip: '10.244.0.5' }]);
    assert.deepEqual(s.hostIPs, [{ ip: '198.18.0.1' }]);
    const app = s.containerStatuses![0];
    assert.equal(app.ready, true);
    assert.equal(app.started, true);
    assert.equal(app.restartCount, 0);
    assert.equal(app.image, 'nginx:1.27');
    assert.equal(app.imageID, 'hollow://nginx:1.27');
    assert.equal(app.containerID, 'hollow://aa');
    assert.deepEqual(app.state, { running: { startedAt: '2026-01-01T00:00:01Z' } });
  });

  it('keeps the scheduler-set PodScheduled condition and other components\' conditions', () => {
    const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-12-31T23:59:00Z' };
    const gate = { type: 'example.com/gate', status: 'True' };
    const s = runningStatus(pod({}, { conditions: [scheduled, gate] }), rt, T0);
    assert.deepEqual(cond(s, 'PodScheduled'), scheduled);
    assert.deepEqual(cond(s, 'example.com/gate'), gate);
  });

  it('keeps lastTransitionTime of conditions whose status did not change', () => {
    const first = runningStatus(pod(), rt, T0);
    const again = runningStatus(pod({}, first), rt, T0 + 60_000);
    assert.equal(cond(again, 'Ready').lastTransitionTime, '2026-01-01T00:00:00Z' as string);
  });

  it('reports init containers as completed once the pod runs', () => {
    const s = runningStatus(pod({ initContainers: [{ name: 'setup', image: 'alpine' }] }), rt, T0);
    assert.equal(s.initContainerStatuses![0].state!.terminated!.reason, 'Completed');
    assert.equal(s.initContainerStatuses![0].containerID, 'hollow://cc');
  });

  it('Succeeded on exit 0 and Failed on exit 1, with terminated containers', () => {
    const ok = terminatedStatus(pod({ restartPolicy: 'Never' }), rt, { exitCode: 0, finishedAtMs: T0 + 5000 });
    assert.equal(ok.phase, 'Succeeded');
    assert.deepEqual(ok.containerStatuses![0].state, {
      terminated: { exitCode: 0, reason: 'Completed', startedAt: '2026-01-01T00:00:01Z', finishedAt: '2026-01-01T00:00:05Z', containerID: 'hollow://aa' },
    });
    assert.equal(ok.containerStatuses![0].ready, false);
    assert.equal(cond(ok, 'Ready').reason, 'PodCompleted');
    const bad = terminatedStatus(pod({ restartPolicy: 'Never' }), rt, { exitCode: 1, finishedAtMs: T0 + 5000 });
    assert.equal(bad.phase, 'Failed');
    assert.equal(bad.containerStatuses![1].state!.terminated!.reason, 'Error');
    assert.equal(bad.containerStatuses![1].state!.terminated!.exitCode, 1);
  });

  it('shows the previous run in lastState after a restart', () => {
    const s = runningStatus(pod(), { ...rt, restartCount: 1, lastTermination: { exitCode: 1, reason: 'Error', startedAtMs: T0, finishedAtMs: T0 + 500 } }, T0 + 1000);
    assert.equal(s.containerStatuses![0].restartCount, 1);
    assert.equal(s.containerStatuses![0].lastState!.terminated!.exitCode, 1);
  });

  it('only Never and OnFailure pods run to completion', () => {
    assert.equal(runsToCompletion(pod()), false);
    assert.equal(runsToCompletion(pod({ restartPolicy: 'Always' })), false);
    assert.equal(runsToCompletion(pod({ restartPolicy: 'Never' })), true);
    assert.equal(runsToCompletion(pod({ restartPolicy: 'OnFailure' })), true);
  });
});
