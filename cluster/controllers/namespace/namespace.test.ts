import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionConditions } from './conditions.js';
import { gracefulEstimate, groupResource } from './content-deleter.js';
import { resourcesFromList } from './discovery.js';

const clean = () => ({ discoveryFailures: new Map<string, string>(), deleteFailures: [], remaining: new Map<string, number>(), finalizers: new Map<string, number>() });

test('resourcesFromList drops subresources and splits the group version', () => {
  const rs = resourcesFromList({
    groupVersion: 'apps/v1',
    resources: [
      { name: 'deployments', namespaced: true, kind: 'Deployment', verbs: ['list', 'delete', 'deletecollection'] },
      { name: 'deployments/scale', namespaced: true, kind: 'Scale', verbs: ['get'] },
    ],
  });
  assert.equal(rs.length, 1);
  assert.deepEqual({ ...rs[0] }, { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list', 'delete', 'deletecollection'] });
  assert.equal(resourcesFromList({ groupVersion: 'v1', resources: [{ name: 'pods', namespaced: true, kind: 'Pod' }] })[0].group, '');
});

test('deletion conditions: all five, False with ok reasons when clean', () => {
  const cs = deletionConditions(undefined, clean(), 'T1');
  assert.equal(cs.length, 5);
  assert.ok(cs.every((c) => c.status === 'False' && c.lastTransitionTime === 'T1'));
  assert.equal(cs.find((c) => c.type === 'NamespaceContentRemaining')?.reason, 'ContentRemoved');
});

test('deletion conditions report remaining content and finalizers as upstream words them', () => {
  const o = clean();
  o.remaining.set('pods', 2);
  o.remaining.set('widgets.example.com', 1);
  o.finalizers.set('example.com/hold', 1);
  const first = deletionConditions(undefined, clean(), 'T1');
  const cs = deletionConditions(first, o, 'T2');
  const rem = cs.find((c) => c.type === 'NamespaceContentRemaining')!;
  assert.equal(rem.status, 'True');
  assert.equal(rem.reason, 'SomeResourcesRemain');
  assert.equal(rem.message, 'Some resources are remaining: pods has 2 resource instances, widgets.example.com has 1 resource instances');
  assert.equal(rem.lastTransitionTime, 'T2');
  const fin = cs.find((c) => c.type === 'NamespaceFinalizersRemaining')!;
  assert.equal(fin.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  assert.equal(cs.find((c) => c.type === 'NamespaceDeletionDiscoveryFailure')!.lastTransitionTime, 'T1');
});

test('groupResource and graceful estimates', () => {
  assert.equal(groupResource({ group: '', resource: 'pods' }), 'pods');
  assert.equal(groupResource({ group: 'apps', resource: 'deployments' }), 'deployments.apps');
  assert.equal(gracefulEstimate({ metadata: { deletionTimestamp: new Date(10_000).toISOString() } }, 0), 10);
  assert.equal(gracefulEstimate({ metadata: { deletionTimestamp: new Date(0).toISOString() } }, 5000), 0);
});
