import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { printTable } from './builtin.js';
import type { Table } from './table.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const PODS = { group: '', resource: 'pods' };
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

function pod(name: string, extra: Partial<Pod> & { deletionTimestamp?: string } = {}): Pod {
  const { deletionTimestamp, ...rest } = extra;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '42', creationTimestamp: ago(3 * 60 * MIN), deletionTimestamp },
    spec: { nodeName: 'kubarium-worker', containers: [{ name: 'app', image: 'nginx:1.27' }] },
    ...rest,
  };
}

function row(p: Pod): Table['rows'][number]['cells'] {
  const t = printTable(PODS, [p], { includeObject: 'None', withColumns: true, now: NOW });
  return t.rows[0].cells;
}

const running = (name = 'web'): Pod =>
  pod(name, {
    spec: { nodeName: 'kubarium-worker', containers: [{ name: 'app', image: 'nginx' }, { name: 'sidecar', image: 'envoy' }] },
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }],
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      containerStatuses: [
        { name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: ago(MIN) } } },
        { name: 'sidecar', image: 'envoy', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: ago(MIN) } } },
      ],
    },
  });

test('pod column definitions match kube-apiserver', () => {
  const t = printTable(PODS, [], { includeObject: 'Metadata', withColumns: true, now: NOW });
  assert.deepEqual(
    t.columnDefinitions?.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ],
  );
  assert.deepEqual(t.rows, []);
});

test('running pod: READY 2/2, Running, wide IP and node', () => {
  assert.deepEqual(row(running()), ['web', '2/2', 'Running', '0', '3h', '10.244.1.7', 'kubarium-worker', '<none>', '<none>']);
});

test('crash-looping container shows CrashLoopBackOff and "(5m ago)" restarts', () => {
  const p = pod('crash', {
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'app',
          image: 'busybox',
          imageID: '',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } },
        },
      ],
    },
  });
  const cells = row(p);
  assert.equal(cells[1], '0/1');
  assert.equal(cells[2], 'CrashLoopBackOff');
  assert.equal(cells[3], '5 (5m ago)');
  assert.equal(cells[5], '<none>'); // no pod IP yet
});

test('init containers: progress, waiting reason and failure', () => {
  const base = (initStatuses: NonNullable<Pod['status']>['initContainerStatuses']): Pod =>
    pod('init', {
      spec: {
        initContainers: [
          { name: 'migrate', image: 'migrate' },
          { name: 'seed', image: 'seed' },
        ],
        containers: [{ name: 'app', image: 'app' }],
      },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'Initialized', status: 'False' }],
        initContainerStatuses: initStatuses,
        containerStatuses: [{ name: 'app', image: 'app', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    });
  const running0 = base([
    { name: 'migrate', image: 'migrate', imageID: '', ready: false, restartCount: 0, state: { running: { startedAt: ago(MIN) } } },
    { name: 'seed', image: 'seed', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
  ]);
  assert.equal(row(running0)[2], 'Init:0/2');
  assert.equal(row(running0)[1], '0/1');

  const second = base([
    { name: 'migrate', image: 'migrate', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    { name: 'seed', image: 'seed', imageID: '', ready: false, restartCount: 0, state: { running: { startedAt: ago(MIN) } } },
  ]);
  assert.equal(row(second)[2], 'Init:1/2');

  const looping = base([
    {
      name: 'migrate',
      image: 'migrate',
      imageID: '',
      ready: false,
      restartCount: 3,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 2, finishedAt: ago(90_000) } },
    },
    { name: 'seed', image: 'seed', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
  ]);
  assert.deepEqual(row(looping).slice(1, 4), ['0/1', 'Init:CrashLoopBackOff', '3 (90s ago)']);

  const failed = base([
    { name: 'migrate', image: 'migrate', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } },
    { name: 'seed', image: 'seed', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
  ]);
  assert.equal(row(failed)[2], 'Init:ExitCode:3');
  const signalled = base([{ name: 'migrate', image: 'migrate', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }]);
  assert.equal(row(signalled)[2], 'Init:Signal:9');
});

test('started sidecar init container counts toward READY', () => {
  const p = pod('sidecar', {
    spec: { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'app' }] },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      initContainerStatuses: [{ name: 'proxy', image: 'envoy', imageID: '', ready: true, started: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * MIN) } } }],
      containerStatuses: [{ name: 'app', image: 'app', imageID: '', ready: true, restartCount: 0, state: { running: {} } }],
    },
  });
  assert.deepEqual(row(p).slice(1, 4), ['2/2', 'Running', '1 (10m ago)']);
});

test('terminating, completed, errored, pending and gated pods', () => {
  const terminating = running('old');
  terminating.metadata = { ...terminating.metadata, deletionTimestamp: ago(MIN) };
  assert.equal(row(terminating)[2], 'Terminating');

  const completed = pod('job-x', {
    status: {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    },
  });
  const t = printTable(PODS, [completed], { includeObject: 'None', withColumns: false, now: NOW });
  assert.deepEqual(t.rows[0].cells.slice(1, 4), ['0/1', 'Completed', '0']);
  assert.deepEqual(t.rows[0].conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  // A finished pod being deleted keeps its terminal status.
  completed.metadata = { ...completed.metadata, deletionTimestamp: ago(MIN) };
  assert.equal(row(completed)[2], 'Completed');

  const errored = pod('err', {
    status: { phase: 'Failed', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
  });
  assert.equal(row(errored)[2], 'Error');
  const oom = pod('exit', { status: { phase: 'Failed', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 42 } } }] } });
  assert.equal(row(oom)[2], 'ExitCode:42');

  const creating = pod('new', {
    status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
  });
  assert.equal(row(creating)[2], 'ContainerCreating');

  const pending = pod('unscheduled', { spec: { containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Pending' } });
  assert.deepEqual(row(pending), ['unscheduled', '0/1', 'Pending', '0', '3h', '<none>', '<none>', '<none>', '<none>']);

  const gated = pod('gated', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
  assert.equal(row(gated)[2], 'SchedulingGated');

  const evicted = pod('evicted', { status: { phase: 'Failed', reason: 'Evicted' } });
  assert.equal(row(evicted)[2], 'Evicted');

  const lost = running('lost');
  lost.metadata = { ...lost.metadata, deletionTimestamp: ago(MIN) };
  lost.status!.reason = 'NodeLost';
  assert.equal(row(lost)[2], 'Unknown');
});

test('one container completed while another still runs: Running or NotReady', () => {
  const mk = (ready: boolean): Pod =>
    pod('mixed', {
      spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        containerStatuses: [
          { name: 'a', image: 'a', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'b', image: 'b', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
        ],
      },
    });
  assert.deepEqual(row(mk(true)).slice(1, 3), ['1/2', 'Running']);
  assert.deepEqual(row(mk(false)).slice(1, 3), ['1/2', 'NotReady']);
});

test('readiness gates and nominated node in the wide columns', () => {
  const p = running('gates');
  p.spec!.readinessGates = [{ conditionType: 'example.com/lb-ready' }, { conditionType: 'example.com/warm' }];
  p.status!.conditions!.push({ type: 'example.com/lb-ready', status: 'True' });
  p.status!.nominatedNodeName = 'node-b';
  assert.deepEqual(row(p).slice(5), ['10.244.1.7', 'kubarium-worker', 'node-b', '1/2']);
});
