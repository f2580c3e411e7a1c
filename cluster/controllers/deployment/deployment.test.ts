import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { planScale } from './proportional.js';
import { planNewReplicaSet, planOldReplicaSets } from './rolling.js';
import { rolloutStatus } from './status.js';
import { maxSurge, maxUnavailable, resolveFenceposts, setNewReplicaSetAnnotations, MAX_REPLICAS_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from './util.js';

const deploy = (replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', extra: Partial<Deployment['spec']> = {}): Deployment => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'd', generation: 1 },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }, progressDeadlineSeconds: 600, ...extra },
  status: {},
});

let seq = 0;
const rs = (name: string, replicas: number, available = replicas, annotations: Record<string, string> = {}): ReplicaSet => ({
  metadata: { name, uid: name, creationTimestamp: new Date(++seq * 1000).toISOString(), annotations },
  spec: { replicas, selector: {}, template: {} },
  status: { replicas, availableReplicas: available, readyReplicas: available },
});

test('fenceposts: surge rounds up, unavailable down; 0/0 becomes 0/1', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, 0, 3), { surge: 0, unavailable: 1 });
  assert.equal(maxSurge(deploy(10, '30%')), 3);
  assert.equal(maxUnavailable(deploy(2, 0, 5)), 2, 'capped at replicas');
  assert.equal(maxSurge({ ...deploy(10), spec: { ...deploy(10).spec!, strategy: { type: 'Recreate' } } }), 0);
});

test('rolling step: the new ReplicaSet grows up to replicas + maxSurge', () => {
  const d = deploy(4, 1, 1);
  const old = rs('old', 4);
  const fresh = rs('new', 0, 0);
  assert.equal(planNewReplicaSet(d, [old, fresh], fresh), 1);
  // At the surge limit: no growth.
  assert.equal(planNewReplicaSet(d, [old, { ...fresh, spec: { ...fresh.spec!, replicas: 1 } }], { ...fresh, spec: { ...fresh.spec!, replicas: 1 } }), undefined);
  // Never beyond replicas.
  const big = rs('big', 6);
  assert.equal(planNewReplicaSet(d, [big], big), 4);
});

test('rolling step: old ReplicaSets shrink only while availability stays ≥ replicas − maxUnavailable', () => {
  const d = deploy(4, 1, 1);
  const old = rs('old', 4);
  const fresh = rs('new', 1, 0);
  // total 5, minAvailable 3, new unavailable 1 → may scale down 1; available 4 > 3 → 1.
  assert.deepEqual(planOldReplicaSets(d, [old, fresh], [old], fresh).map((s) => [s.rs.metadata!.name, s.replicas]), [['old', 3]]);
  // Availability at the floor: nothing.
  const tight = rs('old2', 3, 3);
  assert.deepEqual(planOldReplicaSets(d, [tight, fresh], [tight], fresh), []);
  // Unhealthy old replicas go first, even without spare availability.
  const sick = rs('sick', 4, 2);
  const ready = rs('n2', 1, 1);
  const steps = planOldReplicaSets(d, [sick, ready], [sick], ready);
  assert.deepEqual(steps.map((s) => s.replicas), [2]);
});

test('rolling step: a status that lags a scale-down is not counted as available', () => {
  const d = deploy(4, 1, 1);
  const old = { ...rs('old', 3, 4) }; // spec already 3, status still says 4 available
  const fresh = rs('new', 2, 1);
  // Kept available: 3 + 1 = 4 → may remove 1 (to reach 3), not 2.
  assert.deepEqual(planOldReplicaSets(d, [old, fresh], [old], fresh).map((s) => s.replicas), [2]);
});

test('proportional scaling mid-rollout spreads the change by size, leftovers to the largest', () => {
  // 10 replicas, surge 3 → annotations say max 13; scaled to 20 (max 25 with 25% surge → 5).
  const d = deploy(20, 3, 2);
  d.status = { replicas: 13 };
  const old = rs('old', 8, 8, { [MAX_REPLICAS_ANNOTATION]: '13', [DESIRED_REPLICAS_ANNOTATION]: '10' });
  const fresh = rs('new', 5, 0, { [MAX_REPLICAS_ANNOTATION]: '13', [DESIRED_REPLICAS_ANNOTATION]: '10' });
  const steps = planScale(d, fresh, [old]);
  const sizes = Object.fromEntries(steps.map((s) => [s.rs.metadata!.name, s.replicas]));
  // allowed 23, toAdd 10: old 8*23/13=14.15→+6, new 5*23/13=8.8→+4.
  assert.deepEqual(sizes, { old: 14, new: 9 });
  assert.equal(sizes.old + sizes.new, 23);
  // One active ReplicaSet simply takes the full count.
  assert.deepEqual(planScale(deploy(7), rs('only', 3), [rs('idle', 0)]).map((s) => s.replicas), [7]);
});

test('revision annotations: the next revision, history kept when an old ReplicaSet comes back (rollback)', () => {
  const d = deploy(3);
  const fresh = rs('new', 0);
  setNewReplicaSetAnnotations(d, fresh, 1, false);
  assert.equal(fresh.metadata!.annotations![REVISION_ANNOTATION], '1');
  assert.equal(fresh.metadata!.annotations![DESIRED_REPLICAS_ANNOTATION], '3');
  assert.equal(fresh.metadata!.annotations![MAX_REPLICAS_ANNOTATION], '4');
  const back = rs('old', 0, 0, { [REVISION_ANNOTATION]: '1' });
  assert.ok(setNewReplicaSetAnnotations(d, back, 3, true));
  assert.equal(back.metadata!.annotations![REVISION_ANNOTATION], '3');
  assert.equal(back.metadata!.annotations![REVISION_HISTORY_ANNOTATION], '1');
  setNewReplicaSetAnnotations(d, back, 5, true);
  assert.equal(back.metadata!.annotations![REVISION_HISTORY_ANNOTATION], '1,3');
  assert.ok(!setNewReplicaSetAnnotations(d, back, 5, true), 'idempotent');
});

test('rollout status conditions: progressing, complete, timed out', () => {
  const now = Date.parse('2025-01-01T00:10:00Z');
  const d = deploy(2, 1, 1);
  const fresh = rs('new', 2, 1);
  d.status = { replicas: 2, updatedReplicas: 2, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', lastUpdateTime: '2025-01-01T00:09:00Z', lastTransitionTime: '2025-01-01T00:09:00Z' }] };
  let s = rolloutStatus([fresh], fresh, d, now);
  assert.equal(s.conditions!.find((c) => c.type === 'Progressing')!.reason, 'ReplicaSetUpdated');
  assert.equal(s.conditions!.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasAvailable');
  s = rolloutStatus([rs('new', 2, 2)], fresh, d, now);
  assert.equal(s.conditions!.find((c) => c.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');
  const stuck = deploy(2, '25%', 0, { progressDeadlineSeconds: 30 });
  stuck.status = { ...d.status, availableReplicas: 1, readyReplicas: 1 };
  s = rolloutStatus([fresh], fresh, stuck, now);
  const p = s.conditions!.find((c) => c.type === 'Progressing')!;
  assert.equal(p.reason, 'ProgressDeadlineExceeded');
  assert.equal(p.status, 'False');
  assert.equal(p.message, 'ReplicaSet "new" has timed out progressing.');
  assert.equal(s.conditions!.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasUnavailable');
});
