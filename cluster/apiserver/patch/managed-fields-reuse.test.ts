// recordUpdate keeps the FieldsV1 trees of owners a write leaves alone (stored-fields.ts) and
// still records exactly what decoding and re-encoding every entry would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinFieldTypes } from './builtin-schema.js';
import { FieldSet } from './fieldpath.js';
import type { JsonObject } from './json.js';
import { recordUpdate, updatedManagedFields } from './managed-fields.js';
import { createdPod, runningPod } from './testdata/objects.js';

const types = builtinFieldTypes('v1', 'Pod');
const t0 = new Date('2025-01-02T03:04:05Z');
const t1 = new Date('2025-01-02T03:09:05Z');
const clone = (o: JsonObject): JsonObject => JSON.parse(JSON.stringify(o)) as JsonObject;
const entries = (o: JsonObject): JsonObject[] => (o.metadata as { managedFields: JsonObject[] }).managedFields;
const byManager = (list: JsonObject[]): Record<string, JsonObject> => Object.fromEntries(list.map((e) => [e.manager as string, e]));
const annotations = (o: JsonObject): JsonObject => (((o.metadata as JsonObject).annotations ??= {}) as JsonObject);

/** A Pod created by the ReplicaSet controller (with an annotation), then started by the kubelet (status). */
function storedPod(): JsonObject {
  const pod = createdPod();
  annotations(pod).team = 'a';
  const created = recordUpdate({ before: undefined, after: pod, manager: 'kube-controller-manager', apiVersion: 'v1', fieldTypes: types, now: t0 });
  return recordUpdate({ before: created, after: runningPod(created, true), manager: 'kubelet', apiVersion: 'v1', subresource: 'status', fieldTypes: types, now: t0 });
}

/** Deep-freezes what the watch cache shares (its managedFields trees are interned and frozen). */
function freezeTrees(o: JsonObject): JsonObject {
  const freeze = (v: JsonObject): JsonObject => {
    for (const k of Object.keys(v)) freeze(v[k] as JsonObject);
    return Object.freeze(v);
  };
  for (const e of entries(o)) freeze(e.fieldsV1 as JsonObject);
  return o;
}

const update = (before: JsonObject, after: JsonObject, manager = 'kube-controller-manager'): JsonObject[] =>
  updatedManagedFields({ before, after, manager, apiVersion: 'v1', fieldTypes: types, now: t1 });

/** The entry as a full decode and re-encode gives it. */
const reencoded = (e: JsonObject): string => JSON.stringify(FieldSet.fromFieldsV1(e.fieldsV1).toFieldsV1());

test('a value change by the owner keeps every tree and refreshes only the updater time', () => {
  const before = storedPod();
  const after = clone(before);
  annotations(after).team = 'b';
  const out = update(before, after);
  const [was, now] = [byManager(entries(after)), byManager(out)];
  assert.equal(now.kubelet.fieldsV1, was.kubelet.fieldsV1, 'other manager: same tree');
  assert.equal(now.kubelet.time, was.kubelet.time);
  assert.equal(now['kube-controller-manager'].fieldsV1, was['kube-controller-manager'].fieldsV1, 'updater: same set, same tree');
  assert.equal(now['kube-controller-manager'].time, '2025-01-02T03:09:05Z');
  assert.deepEqual(out.map((e) => e.manager), ['kubelet', 'kube-controller-manager'], 'ordered by time');
  // Same managedFields as recordUpdate's copy of the object.
  assert.equal(JSON.stringify(entries(recordUpdate({ before, after, manager: 'kube-controller-manager', apiVersion: 'v1', fieldTypes: types, now: t1 }))), JSON.stringify(out));
});

test('trees equal to the stored object’s frozen ones are shared with it', () => {
  const before = freezeTrees(clone(storedPod()));
  const after = clone(before);
  annotations(after).team = 'b';
  const out = byManager(update(before, after));
  const stored = byManager(entries(before));
  assert.equal(out.kubelet.fieldsV1, stored.kubelet.fieldsV1);
  assert.equal(out['kube-controller-manager'].fieldsV1, stored['kube-controller-manager'].fieldsV1);
  // Without managedFields in the body, the stored ones are used directly.
  delete (after.metadata as JsonObject).managedFields;
  assert.equal(byManager(update(before, after)).kubelet.fieldsV1, stored.kubelet.fieldsV1);
});

test('an added field is recorded for the updater; others keep their trees', () => {
  const before = storedPod();
  const after = clone(before);
  annotations(after).release = 'canary';
  const out = byManager(update(before, after));
  const mine = FieldSet.fromFieldsV1(out['kube-controller-manager'].fieldsV1);
  assert.equal(mine.has(['f:metadata', 'f:annotations', 'f:release']), true);
  assert.equal(mine.has(['f:metadata', 'f:annotations', 'f:team']), true);
  assert.equal(JSON.stringify(out['kube-controller-manager'].fieldsV1), reencoded(out['kube-controller-manager']));
  assert.equal(out.kubelet.fieldsV1, byManager(entries(after)).kubelet.fieldsV1);
});

test('a field changed by another manager moves to it', () => {
  const before = storedPod();
  const after = clone(before);
  annotations(after).team = 'c';
  (after.status as JsonObject).phase = 'Failed';
  const out = byManager(update(before, after, 'kubectl-edit'));
  const edit = FieldSet.fromFieldsV1(out['kubectl-edit'].fieldsV1);
  assert.deepEqual(edit.paths(), [
    ['f:metadata', 'f:annotations', 'f:team'],
    ['f:status', 'f:phase'],
  ]);
  assert.equal(FieldSet.fromFieldsV1(out.kubelet.fieldsV1).has(['f:status', 'f:phase']), false, 'kubelet lost phase');
  assert.equal(FieldSet.fromFieldsV1(out['kube-controller-manager'].fieldsV1).has(['f:metadata', 'f:annotations', 'f:team']), false);
  for (const e of Object.values(out)) assert.equal(JSON.stringify(e.fieldsV1), reencoded(e), `${e.manager as string}: encoded form`);
});

test('trees not in encoded form are re-encoded, empty ones dropped, as before', () => {
  const before = storedPod();
  const after = clone(before);
  const list = entries(after);
  const kcm = list.find((e) => e.manager === 'kube-controller-manager')!;
  // Keys out of order and a lone "." (written `{}`); a manager owning nothing.
  const reversed = Object.fromEntries(Object.entries(kcm.fieldsV1 as JsonObject).reverse()) as JsonObject;
  ((reversed['f:metadata'] as JsonObject)['f:annotations'] as JsonObject)['f:team'] = { '.': {} };
  kcm.fieldsV1 = reversed;
  list.push({ manager: 'nobody', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} });
  annotations(after).team = 'b';
  const out = update(before, after);
  assert.deepEqual(out.map((e) => e.manager), ['kubelet', 'kube-controller-manager']);
  const mine = byManager(out)['kube-controller-manager'];
  assert.notEqual(mine.fieldsV1, reversed);
  assert.equal(JSON.stringify(mine.fieldsV1), reencoded(mine));
  assert.deepEqual((((mine.fieldsV1 as JsonObject)['f:metadata'] as JsonObject)['f:annotations'] as JsonObject)['f:team'], {});
});
