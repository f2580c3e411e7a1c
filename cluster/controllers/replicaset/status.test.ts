import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { calculateStatus, statusChanged } from './status.js';

const rs: ReplicaSet = {
  metadata: { name: 'rs', generation: 4 },
  spec: { replicas: 3, minReadySeconds: 10, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'web' } } } },
};
const pod = (labels: Record<string, string>, readySince?: number): Pod => ({
  metadata: { labels },
  status: { phase: 'Running', conditions: readySince === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(readySince).toISOString() }] },
});

test('status counts replicas, fully labeled, ready and available (minReadySeconds) pods', () => {
  const now = 100_000;
  const s = calculateStatus(rs, [pod({ app: 'a', tier: 'web' }, 0), pod({ app: 'a' }, 95_000), pod({ app: 'a', tier: 'web' })], undefined, now);
  assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
  assert.ok(statusChanged(rs, s));
  assert.ok(!statusChanged({ ...rs, status: s }, s));
});

test('ReplicaFailure is set while creating fails and cleared afterwards', () => {
  const failed = calculateStatus(rs, [], { diff: -3, message: 'pods "x" is forbidden: exceeded quota' }, 0);
  assert.equal(failed.conditions![0].type, 'ReplicaFailure');
  assert.equal(failed.conditions![0].reason, 'FailedCreate');
  const healed = calculateStatus({ ...rs, status: failed }, [], undefined, 0);
  assert.equal(healed.conditions, undefined);
});
