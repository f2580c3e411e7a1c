import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Indexer } from '../../client/index.js';
import { computeBudgetStatus, countHealthyPods, DELETION_TIMEOUT_MS, expectedPods, failSafeStatus, needsControllerScale, pruneDisruptedPods } from './budget.js';
import { getExpectedScale } from './expected-scale.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function pod(name: string, ready: boolean, extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'web' }, ...extra },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

test('needsControllerScale: maxUnavailable and percentage minAvailable need it, integer minAvailable does not', () => {
  assert.equal(needsControllerScale({ maxUnavailable: 1 }), true);
  assert.equal(needsControllerScale({ minAvailable: '50%' }), true);
  assert.equal(needsControllerScale({ minAvailable: 2 }), false);
});

test('expectedPods: integer minAvailable counts existing pods; percentages round up (as upstream, for both fields)', () => {
  assert.deepEqual(expectedPods({ minAvailable: 2 }, 3), { expectedCount: 3, desiredHealthy: 2 });
  assert.deepEqual(expectedPods({ minAvailable: '50%' }, 3, 5), { expectedCount: 5, desiredHealthy: 3 }); // ceil(2.5)
  assert.deepEqual(expectedPods({ maxUnavailable: '50%' }, 3, 5), { expectedCount: 5, desiredHealthy: 2 }); // 5 - ceil(2.5)
  assert.deepEqual(expectedPods({ maxUnavailable: 1 }, 3, 3), { expectedCount: 3, desiredHealthy: 2 });
  assert.deepEqual(expectedPods({ maxUnavailable: 10 }, 3, 3), { expectedCount: 3, desiredHealthy: 0 });
  assert.throws(() => expectedPods({ maxUnavailable: 1 }, 3));
});

test('countHealthyPods skips unready, deleting and recently disrupted pods', () => {
  const pods = [pod('a', true), pod('b', false), pod('c', true, { deletionTimestamp: iso(T0) }), pod('d', true), pod('e', true)];
  assert.equal(countHealthyPods(pods, { d: iso(T0 - 1000), e: iso(T0 - DELETION_TIMEOUT_MS - 1000) }, T0), 2); // a and e
});

test('pruneDisruptedPods drops gone, deleting and expired entries and reports the next expiry', () => {
  const pods = [pod('a', true), pod('b', true, { deletionTimestamp: iso(T0) }), pod('c', true)];
  const r = pruneDisruptedPods(pods, { a: iso(T0 - 30_000), b: iso(T0), c: iso(T0 - DELETION_TIMEOUT_MS - 1000), gone: iso(T0) }, T0);
  assert.deepEqual(r.disruptedPods, { a: iso(T0 - 30_000) });
  assert.equal(r.recheckAt, T0 - 30_000 + DELETION_TIMEOUT_MS);
  assert.deepEqual(r.overdue, ['c']);
});

test('computeBudgetStatus: disruptionsAllowed, condition reasons, observedGeneration', () => {
  const pods = [pod('a', true), pod('b', true), pod('c', false)];
  const r = computeBudgetStatus({ spec: { minAvailable: 1 }, status: undefined, generation: 4, pods, now: T0 });
  assert.equal(r.status.currentHealthy, 2);
  assert.equal(r.status.desiredHealthy, 1);
  assert.equal(r.status.expectedPods, 3);
  assert.equal(r.status.disruptionsAllowed, 1);
  assert.equal(r.status.observedGeneration, 4);
  assert.equal(r.status.conditions?.[0].reason, 'SufficientPods');
  assert.equal(r.status.conditions?.[0].status, 'True');

  const r2 = computeBudgetStatus({ spec: { maxUnavailable: 1 }, status: r.status, generation: 4, pods, controllerScale: 3, now: T0 + 5000 });
  assert.equal(r2.status.disruptionsAllowed, 0);
  assert.equal(r2.status.conditions?.[0].reason, 'InsufficientPods');
  assert.equal(r2.status.conditions?.[0].lastTransitionTime, iso(T0 + 5000));

  const none = computeBudgetStatus({ spec: { maxUnavailable: 1 }, status: undefined, generation: 1, pods: [], controllerScale: 0, now: T0 });
  assert.equal(none.status.disruptionsAllowed, 0);

  const safe = failSafeStatus(r.status, new Error('boom'), T0);
  assert.equal(safe.disruptionsAllowed, 0);
  assert.equal(safe.conditions?.[0].reason, 'SyncFailed');
  assert.equal(safe.conditions?.[0].message, 'boom');
});

test('getExpectedScale resolves pods to ReplicaSet, Deployment, StatefulSet and the scale subresource, once per controller', async () => {
  const owned = (name: string, kind: string, apiVersion: string, uid: string): Pod => ({
    metadata: { name, namespace: 'ns', ownerReferences: [{ apiVersion, kind, name: `${kind.toLowerCase()}-x`, uid, controller: true }] },
  });
  const replicaSets = new Indexer<import('kubernetes-types/apps/v1.js').ReplicaSet>();
  replicaSets.set({ metadata: { name: 'replicaset-x', namespace: 'ns', uid: 'rs1' }, spec: { replicas: 2, selector: {}, template: {} } });
  replicaSets.set({
    metadata: { name: 'replicaset-y', namespace: 'ns', uid: 'rs2', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
    spec: { replicas: 9, selector: {} },
  });
  const deployments = new Indexer<import('kubernetes-types/apps/v1.js').Deployment>();
  deployments.set({ metadata: { name: 'web', namespace: 'ns', uid: 'd1' }, spec: { replicas: 4, selector: {}, template: {} } });
  const statefulSets = new Indexer<import('kubernetes-types/apps/v1.js').StatefulSet>();
  statefulSets.set({ metadata: { name: 'statefulset-x', namespace: 'ns', uid: 'ss1' }, spec: { replicas: 3, selector: {}, template: {}, serviceName: '' } });
  const scaleCalls: string[] = [];
  const pods: Pod[] = [
    owned('p1', 'ReplicaSet', 'apps/v1', 'rs1'),
    owned('p2', 'ReplicaSet', 'apps/v1', 'rs1'),
    { metadata: { name: 'p3', namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'replicaset-y', uid: 'rs2', controller: true }] } },
    owned('p4', 'StatefulSet', 'apps/v1', 'ss1'),
    owned('p5', 'Thing', 'example.com/v1', 't1'),
    { metadata: { name: 'p6', namespace: 'ns' } },
  ];
  const r = await getExpectedScale(pods, 'ns', { replicaSets, deployments, statefulSets, replicationControllers: new Indexer() }, async (ref) => {
    scaleCalls.push(ref.kind);
    return { uid: ref.uid, replicas: 5 };
  });
  assert.equal(r.expectedCount, 2 + 4 + 3 + 5);
  assert.deepEqual(r.unmanagedPods, ['p6']);
  assert.deepEqual(scaleCalls, ['Thing']);
  await assert.rejects(getExpectedScale([owned('q', 'ReplicaSet', 'apps/v1', 'nope')], 'ns', { replicaSets, deployments, statefulSets, replicationControllers: new Indexer() }, async () => undefined), /found no controllers for pod "q"/);
});
