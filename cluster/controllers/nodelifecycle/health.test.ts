import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { desiredTaints, evictionTime, lastProbe, unknownConditions } from './health.js';
import { tolerates } from '../../api/taints.js';

const node = (ready?: string, extra: Partial<Node['spec']> = {}): Node => ({
  metadata: { name: 'n', creationTimestamp: '2020-01-01T00:00:00Z' },
  spec: { ...extra },
  status: { conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: '2020-01-01T00:00:10Z' }] : [] },
});

test('lastProbe takes the newest of creation, lease renewal and heartbeat', () => {
  assert.equal(lastProbe(node('True')), Date.parse('2020-01-01T00:00:10Z'));
  assert.equal(lastProbe(node('True'), '2020-01-01T00:01:00.123456Z'), Date.parse('2020-01-01T00:01:00.123Z'));
});

test('unknownConditions: Ready → Unknown NodeStatusUnknown; never posted → NodeStatusNeverUpdated', () => {
  const c = unknownConditions(node('True'), 'NOW')!;
  assert.deepEqual({ ...c[0], lastHeartbeatTime: undefined }, { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: 'NOW', lastHeartbeatTime: undefined });
  assert.equal(unknownConditions({ ...node('True'), status: { conditions: c } }, 'LATER'), undefined);
  assert.equal(unknownConditions(node(), 'NOW')![0].reason, 'NodeStatusNeverUpdated');
});

test('taints follow conditions and keep others; timeAdded only on NoExecute', () => {
  const unknown = desiredTaints({ ...node('Unknown'), spec: { taints: [{ key: 'x', effect: 'NoSchedule' }] } }, 'T');
  assert.deepEqual(unknown, [
    { key: 'x', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T' },
  ]);
  assert.deepEqual(desiredTaints({ ...node('True'), spec: { taints: unknown } }, 'T2'), [{ key: 'x', effect: 'NoSchedule' }]);
  assert.deepEqual(desiredTaints(node('False', { unschedulable: true }), 'T').map((t) => `${t.key}:${t.effect}`), [
    'node.kubernetes.io/not-ready:NoSchedule',
    'node.kubernetes.io/unschedulable:NoSchedule',
    'node.kubernetes.io/not-ready:NoExecute',
  ]);
});

test('toleration matching and eviction times', () => {
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: new Date(1000).toISOString() };
  assert.ok(tolerates({ operator: 'Exists' }, taint));
  assert.ok(tolerates({ key: taint.key, operator: 'Exists', effect: 'NoExecute' }, taint));
  assert.ok(!tolerates({ key: taint.key, operator: 'Exists', effect: 'NoSchedule' }, taint));
  assert.ok(!tolerates({ key: 'other', operator: 'Exists' }, taint));
  assert.equal(evictionTime([taint], []), 0);
  assert.equal(evictionTime([taint], [{ key: taint.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), 301_000);
  assert.equal(evictionTime([taint], [{ key: taint.key, operator: 'Exists' }]), undefined);
  assert.equal(evictionTime([{ key: 'k', effect: 'NoSchedule' }], []), undefined);
});
