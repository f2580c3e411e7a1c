import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIGMAPS } from '../../client/index.js';
import { classifyOwners, decide } from './classify.js';
import { DependencyGraph, nodeOf } from './graph.js';

const ref = (uid: string, block = false) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, blockOwnerDeletion: block });

test('graph keeps reverse edges through updates and removals', () => {
  const g = new DependencyGraph();
  g.upsert(nodeOf(CONFIGMAPS, { metadata: { name: 'd', namespace: 'n', uid: 'd1', ownerReferences: [ref('o1', true), ref('o2')] } })!);
  assert.deepEqual(g.dependents('o1').map((n) => n.uid), ['d1']);
  assert.deepEqual(g.blockingDependents('o1').map((n) => n.uid), ['d1']);
  assert.deepEqual(g.blockingDependents('o2'), []);
  g.upsert(nodeOf(CONFIGMAPS, { metadata: { name: 'd', namespace: 'n', uid: 'd1', ownerReferences: [ref('o2')] } })!);
  assert.deepEqual(g.dependents('o1'), []);
  g.remove('d1');
  assert.deepEqual(g.dependents('o2'), []);
});

test('decide follows attemptToDeleteItem', () => {
  const owners = [ref('a', true), ref('b', true), ref('c', true)];
  const none = { hasDependents: false, finalizers: [] };
  assert.deepEqual(decide(classifyOwners([], () => 'solid'), none), { kind: 'none' });
  assert.deepEqual(decide(classifyOwners(owners, () => 'solid'), none), { kind: 'none' });
  const mixed = classifyOwners(owners, (o) => (o.uid === 'a' ? 'solid' : o.uid === 'b' ? 'dangling' : 'waiting'));
  assert.deepEqual(decide(mixed, none), { kind: 'patchOwners', remove: ['b'], unblock: ['c'] });
  assert.deepEqual(decide(classifyOwners(owners, () => 'dangling'), none), { kind: 'delete', propagationPolicy: 'Background' });
  assert.deepEqual(decide(classifyOwners(owners, () => 'waiting'), { hasDependents: true, finalizers: [] }), { kind: 'delete', propagationPolicy: 'Foreground' });
  assert.deepEqual(decide(classifyOwners(owners, () => 'waiting'), none), { kind: 'delete', propagationPolicy: 'Background' });
  assert.deepEqual(decide(classifyOwners(owners, () => 'dangling'), { hasDependents: true, finalizers: ['orphan'] }), { kind: 'delete', propagationPolicy: 'Orphan' });
});
