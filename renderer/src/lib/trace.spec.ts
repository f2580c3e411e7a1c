/// <reference types="vite/client" />
/**
 * The trace correlation over recorded sequences: each fixture is what the explorer's bridge delivered (watches of
 * deployments, replicasets, pods and events in `default`, and the store feed), with arrival times, while the real
 * kubectl ran against `kubarium up --hollow-nodes 2` (managedFields' fieldsV1 and lease keys trimmed).
 */
import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../../../electron/preload/api';
import { buildTrace, placeSteps, writerOf, type Trace, type TraceInput } from './trace';

const fixtures = import.meta.glob<string>('./fixtures/trace-*.json', { eager: true, query: '?raw', import: 'default' });
const fixture = (name: string): unknown => JSON.parse(fixtures[`./fixtures/${name}.json`]);
const create = fixture('trace-create');
const scaleUp = fixture('trace-scale');
const scaleDown = fixture('trace-scaledown');

type Recording = ({ t: number; info: { revision: number } } | TraceInput)[];

/** The inputs and the revision the recording started at (the trace's baseline). */
function load(recording: unknown): { inputs: TraceInput[]; since: number } {
  const rec = recording as Recording;
  const info = rec.find((r): r is { t: number; info: { revision: number } } => 'info' in r);
  return { inputs: rec.filter((r): r is TraceInput => !('info' in r)), since: info?.info.revision ?? 0 };
}

const onLane = (trace: Trace, lane: string) => trace.steps.filter((s) => s.lane === lane);

describe('the trace of `kubectl create deployment api --replicas=2`', () => {
  const { inputs, since } = load(create);
  const trace = buildTrace({ kind: 'Deployment', namespace: 'default', name: 'api' }, inputs, since);

  it('starts with the client write accepted by the API server, at a store key and revision', () => {
    const first = trace.steps[0];
    expect(first).toMatchObject({ lane: 'client:kubectl-create', action: 'create', manager: 'kubectl-create', key: '/registry/deployments/default/api', path: ['kube-apiserver', 'store'], offset: 0 });
    expect(first.revision).toBeGreaterThan(since);
  });

  it('follows ownerReferences down to the ReplicaSet and both Pods, and nothing else', () => {
    expect(trace.objects.map((o) => o.kind)).toEqual(['Deployment', 'ReplicaSet', 'Pod', 'Pod']);
    expect(trace.steps.every((s) => s.object.name.startsWith('api'))).toBe(true);
  });

  it('puts each write on the lane of the controller that made it', () => {
    expect(onLane(trace, 'deployment-controller').map((s) => `${s.object.kind} ${s.action}`)).toContain('ReplicaSet create');
    expect(onLane(trace, 'deployment-controller').some((s) => s.action === 'ScalingReplicaSet')).toBe(true);
    const rs = onLane(trace, 'replicaset-controller');
    expect(rs.filter((s) => s.object.kind === 'Pod' && s.action === 'create')).toHaveLength(2);
    expect(rs.filter((s) => s.action === 'SuccessfulCreate')).toHaveLength(2);
  });

  it('has the scheduler bind each Pod (spec.nodeName set) and say so in a Scheduled event', () => {
    const binds = onLane(trace, 'kube-scheduler').filter((s) => s.action === 'bind');
    expect(binds.map((s) => s.summary).sort()).toEqual([expect.stringMatching(/bound to hollow-node-\d$/), expect.stringMatching(/bound to hollow-node-\d$/)]);
    expect(onLane(trace, 'kube-scheduler').filter((s) => s.action === 'Scheduled')).toHaveLength(2);
  });

  it('has the kubelet of each Pod’s node write its status, and the runtime pull, create and start its container', () => {
    const kubeletLanes = trace.lanes.filter((l) => l.kind === 'kubelet').map((l) => l.id);
    expect(kubeletLanes).toEqual(['kubelet@hollow-node-0', 'kubelet@hollow-node-1']);
    for (const node of ['hollow-node-0', 'hollow-node-1']) {
      expect(onLane(trace, `kubelet@${node}`).map((s) => s.summary)).toContainEqual(expect.stringMatching(/status: Running, Ready=True by kubelet/));
      expect(onLane(trace, `runtime@${node}`).map((s) => s.action)).toEqual(['Pulled', 'Created', 'Started']);
    }
  });

  it('orders lanes client → API server → store → controllers → scheduler → node lanes, and steps by time', () => {
    expect(trace.lanes.map((l) => l.id)).toEqual([
      'client:kubectl-create',
      'kube-apiserver',
      'store',
      'deployment-controller',
      'replicaset-controller',
      'kube-scheduler',
      'kubelet@hollow-node-0',
      'runtime@hollow-node-0',
      'kubelet@hollow-node-1',
      'runtime@hollow-node-1',
    ]);
    const offsets = trace.steps.map((s) => s.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('degrades to API watches and Events without the store feed: same steps, revisions from resourceVersion, no keys', () => {
    const degraded = buildTrace(trace.root, inputs.filter((i) => !('store' in i)), since);
    expect(degraded.storeFeed).toBe(false);
    expect(degraded.lanes.map((l) => l.id)).not.toContain('store');
    // The same steps; their times may shift a little (a write is seen first in whichever feed delivers it first).
    const summary = (t: Trace) => t.steps.map((s) => `${s.revision} ${s.lane} ${s.action}`).sort();
    expect(summary(degraded)).toEqual(summary(trace));
    expect(degraded.steps.every((s) => s.key === undefined && !s.path.includes('store'))).toBe(true);
  });

  it('matches store events to writes by revision whatever order they arrive in', () => {
    const late = [...inputs.filter((i) => !('store' in i)), ...inputs.filter((i) => 'store' in i).map((i) => ({ ...i, t: i.t + 60_000 }))];
    const shuffled = buildTrace(trace.root, late, since);
    expect(shuffled.steps.filter((s) => s.path.length).map((s) => s.key)).toEqual(trace.steps.filter((s) => s.path.length).map((s) => s.key));
  });
});

describe('the trace of `kubectl scale deployment web` 3 → 5', () => {
  const { inputs, since } = load(scaleUp);
  const trace = buildTrace({ kind: 'Deployment', namespace: 'default', name: 'web' }, inputs, since);

  it('leaves the state before the trace started out: only the two new Pods get created', () => {
    const created = trace.steps.filter((s) => s.action === 'create');
    expect(created.map((s) => s.object.kind)).toEqual(['Pod', 'Pod']);
    expect(trace.steps.every((s) => (s.revision ?? 0) > since)).toBe(true);
  });

  it('starts with the spec.replicas write, then the deployment controller scaling the ReplicaSet', () => {
    const [scale, rs] = trace.steps;
    expect(scale).toMatchObject({ action: 'update', key: '/registry/deployments/default/web' });
    expect(scale.summary).toContain('spec.replicas 3 → 5');
    // Recorded before the API server kept a managedFields entry for scale writes: a writer it cannot find is shown as unrecorded, not guessed.
    expect(scale.lane).toBe('client:?');
    expect(rs).toMatchObject({ lane: 'deployment-controller', action: 'update', manager: 'kube-controller-manager' });
    expect(rs.summary).toContain('ReplicaSet web-7995b8d97d spec.replicas 3 → 5');
  });

  it('ends with the ReplicaSet and Deployment reporting 5/5 ready', () => {
    expect(onLane(trace, 'replicaset-controller').at(-1)?.summary).toContain('5/5 ready');
    expect(onLane(trace, 'deployment-controller').at(-1)?.summary).toContain('5/5 ready');
  });
});

describe('the trace of `kubectl scale deployment web` 5 → 2', () => {
  const { inputs, since } = load(scaleDown);
  const trace = buildTrace({ kind: 'Deployment', namespace: 'default', name: 'web' }, inputs, since);

  it('shows the deletions: deletionTimestamp set, the kubelet stopping the pod, SuccessfulDelete, removal from the store', () => {
    const deletes = trace.steps.filter((s) => s.action === 'delete');
    expect(deletes.filter((s) => s.summary.includes('deletion requested'))).toHaveLength(3);
    expect(deletes.filter((s) => s.summary.includes('removed from the store')).map((s) => s.key)).toHaveLength(3);
    expect(deletes.every((s) => s.lane === 'kube-apiserver' && s.path.join() === 'store')).toBe(true);
    expect(onLane(trace, 'replicaset-controller').filter((s) => s.action === 'SuccessfulDelete')).toHaveLength(3);
    expect(onLane(trace, 'kubelet@hollow-node-0').filter((s) => s.summary.includes('Succeeded'))).toHaveLength(3);
  });
});

describe('writerOf', () => {
  const obj = (...entries: { manager: string; subresource?: string; time: string }[]): ApiObject => ({ metadata: { managedFields: entries.map((e) => ({ operation: 'Update', ...e })) } });

  it('is the entry a write added or re-stamped', () => {
    const before = obj({ manager: 'kubectl-create', time: '2026-01-01T10:00:00Z' });
    const after = obj({ manager: 'kubectl-create', time: '2026-01-01T10:00:00Z' }, { manager: 'kube-controller-manager', subresource: 'status', time: '2026-01-01T10:00:05Z' });
    expect(writerOf(before, after)?.manager).toBe('kube-controller-manager');
  });

  it('is, when nothing was re-stamped (a second write within the second), the entry stamped just then that owns the changed part', () => {
    const same = obj({ manager: 'kubectl-create', time: '2026-01-01T10:00:00Z' }, { manager: 'kubelet', subresource: 'status', time: '2026-01-01T10:00:05Z' });
    expect(writerOf(same, same, Date.parse('2026-01-01T10:00:05.400Z'), true)?.manager).toBe('kubelet');
    expect(writerOf(same, same, Date.parse('2026-01-01T10:00:05.400Z'), false)).toBeUndefined();
    expect(writerOf(same, same, Date.parse('2026-01-01T10:01:00Z'), true)).toBeUndefined();
  });
});

describe('placeSteps', () => {
  const { inputs, since } = load(create);
  const trace = buildTrace({ kind: 'Deployment', namespace: 'default', name: 'api' }, inputs, since);

  it('spreads steps by their millisecond offset, or evenly in order', () => {
    const byTime = placeSteps(trace, 'time');
    expect(byTime.get(trace.steps[0].id)?.x).toBe(0);
    expect(byTime.get(trace.steps.at(-1)!.id)?.x).toBe(1);
    const even = placeSteps(trace, 'sequence');
    expect(even.get(trace.steps[1].id)?.x).toBeCloseTo(1 / (trace.steps.length - 1));
  });

  it('stacks steps of one lane that fall on the same spot', () => {
    // Scaling down, the API server removes two Pods within the same millisecond.
    const down = load(scaleDown);
    const t = buildTrace({ kind: 'Deployment', namespace: 'default', name: 'web' }, down.inputs, down.since);
    const removed = t.steps.filter((s) => s.summary.includes('removed from the store')).slice(0, 2);
    expect(removed[0].offset).toBe(removed[1].offset);
    const placed = placeSteps(t, 'time');
    expect(removed.map((s) => placed.get(s.id)?.stack)).toEqual([0, 1]);
  });
});
