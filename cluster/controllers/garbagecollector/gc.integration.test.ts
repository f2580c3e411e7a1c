/** The garbage collector against the real API server: background, foreground, orphan, never-existing owners, custom resources. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { CONFIGMAPS, CUSTOMRESOURCEDEFINITIONS } from '../../client/index.js';
import type { GVR, KubeObject } from '../../client/index.js';
import { eventually, getOrUndefined, QUIET, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';
import { startGarbageCollector } from './controller.js';

let h: Harness;
const GADGETS: GVR = { group: 'example.com', version: 'v1', resource: 'gadgets', kind: 'Gadget', namespaced: true };

before(async () => {
  h = await startHarness(QUIET);
  await h.start(['generic-garbage-collector', (ctx) => startGarbageCollector(ctx, { discoveryPeriodMs: 1000 })]);
});
after(async () => {
  await h?.stop();
});

const refTo = (o: KubeObject, block = false): OwnerReference => ({ apiVersion: o.apiVersion ?? 'v1', kind: o.kind ?? 'ConfigMap', name: o.metadata!.name!, uid: o.metadata!.uid!, blockOwnerDeletion: block });
const cm = (name: string, owners: OwnerReference[] = [], finalizers?: string[]) =>
  h.client.create<ConfigMap>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ownerReferences: owners, finalizers } });
const getCm = (name: string) => getOrUndefined(h.client.get<ConfigMap>(CONFIGMAPS, name, { namespace: 'default' }));
const gone = (name: string) => eventually(async () => !(await getCm(name)), `${name} deleted`);

test('dependents of a deleted owner are deleted (background)', async () => {
  const owner = await cm('bg-owner');
  await cm('bg-dep', [refTo({ ...owner, kind: 'ConfigMap', apiVersion: 'v1' })]);
  await h.client.delete(CONFIGMAPS, 'bg-owner', { namespace: 'default' });
  await gone('bg-dep');
});

test('an owner reference to an object that never existed (uid mismatch) is dangling; a live owner keeps its dependent', async () => {
  const real = await cm('real-owner');
  await cm('fake-dep', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'real-owner', uid: '00000000-0000-0000-0000-000000000001' }]);
  await cm('true-dep', [refTo({ ...real, kind: 'ConfigMap', apiVersion: 'v1' })]);
  await cm('mixed-dep', [refTo({ ...real, kind: 'ConfigMap', apiVersion: 'v1' }), { apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '00000000-0000-0000-0000-000000000002' }]);
  await gone('fake-dep');
  const mixed = await eventually(async () => {
    const m = await getCm('mixed-dep');
    return m?.metadata?.ownerReferences?.length === 1 && m;
  }, 'dangling reference removed from mixed-dep');
  assert.equal(mixed.metadata!.ownerReferences![0].uid, real.metadata!.uid);
  assert.ok(await getCm('true-dep'));
});

test('foreground deletion deletes blocking dependents first, then the owner', async () => {
  const owner = await cm('fg-owner');
  await cm('fg-dep', [refTo({ ...owner, kind: 'ConfigMap', apiVersion: 'v1' }, true)], ['test.kubarium.io/hold']);
  await h.client.delete(CONFIGMAPS, 'fg-owner', { namespace: 'default', propagationPolicy: 'Foreground' });
  await eventually(async () => !!(await getCm('fg-dep'))?.metadata?.deletionTimestamp, 'dependent being deleted');
  const held = await getCm('fg-owner');
  assert.ok(held?.metadata?.finalizers?.includes('foregroundDeletion'), 'owner waits for its blocking dependent');
  await h.client.patch(CONFIGMAPS, 'fg-dep', { metadata: { finalizers: null } }, { namespace: 'default' });
  await gone('fg-dep');
  await gone('fg-owner');
});

test('orphan deletion removes the owner reference from dependents, then the owner', async () => {
  const owner = await cm('or-owner');
  await cm('or-dep', [refTo({ ...owner, kind: 'ConfigMap', apiVersion: 'v1' })]);
  await h.client.delete(CONFIGMAPS, 'or-owner', { namespace: 'default', propagationPolicy: 'Orphan' });
  await gone('or-owner');
  const dep = await getCm('or-dep');
  assert.ok(dep, 'dependent kept');
  assert.deepEqual(dep.metadata?.ownerReferences ?? [], []);
});

test('custom resources own and are collected', async () => {
  await h.client.create(CUSTOMRESOURCEDEFINITIONS, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  } as KubeObject);
  await eventually(() => h.client.request('GET', '/apis/example.com/v1').then(() => true), 'CRD served');
  const g = await h.client.create<KubeObject>(GADGETS, { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'default' } });
  await cm('gadget-dep', [refTo(g)]);
  const child = await h.client.create<KubeObject>(GADGETS, { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g2', namespace: 'default', ownerReferences: [refTo(g)] } });
  assert.ok(child.metadata?.uid);
  await h.client.delete(GADGETS, 'g1', { namespace: 'default' });
  await gone('gadget-dep');
  await eventually(async () => !(await getOrUndefined(h.client.get(GADGETS, 'g2', { namespace: 'default' }))), 'child gadget deleted');
});
