import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pod as benchPod } from '../../../bench/api/fixtures.js';
import { builtinFieldTypes } from './builtin-schema.js';
import { createdFields } from './created-fields.js';
import { FieldSet } from './fieldpath.js';
import type { JsonObject, JsonValue } from './json.js';
import { updatedManagedFields } from './managed-fields.js';
import { TypedWalker } from './typed.js';

const now = new Date('2026-01-02T03:04:05Z');

/** The general path: the diff against `zero` into a FieldSet, less `except`, encoded. */
function generalPath(obj: JsonObject, walker: TypedWalker, zero: JsonObject, except: FieldSet): JsonObject | undefined {
  const set = walker.diff(undefined, obj, zero).changed.difference(except);
  return set.isEmpty() ? undefined : set.toFieldsV1();
}

const objects: JsonObject[] = [
  benchPod('ns', 'web-1', 1) as unknown as JsonObject,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: {} },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: {},
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }, { containerPort: 443, protocol: 'TCP' }] }] } },
    },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', finalizers: ['a', 'b'] }, spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }], selector: { app: 'x' }, clusterIP: null } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd', uid: 'u', creationTimestamp: 't', generation: 3 }, data: { a: '1', 'b.c': '2' }, binaryData: {} },
  // More children than the insertion sort takes, in reverse order.
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'many', labels: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`l${20 - i}`, 'x'])) }, data: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${40 - i}`, String(i)])) },
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { list: [1, 2, { a: 1 }], nested: { deep: { x: true } }, empty: {} }, status: {} },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', env: [{ name: 'X', value: undefined as unknown as JsonValue }] }], skipped: undefined as unknown as JsonValue } },
];

const zero: JsonObject = { metadata: {}, spec: { template: { metadata: {}, spec: {} }, strategy: {} }, status: {} };
const except = FieldSet.fromPaths([['f:apiVersion'], ['f:kind'], ['f:metadata'], ['f:metadata', 'f:name'], ['f:metadata', 'f:uid']]);

test('a create’s fields in one walk are the general path’s tree, key order included', () => {
  for (const obj of objects) {
    const walker = new TypedWalker(builtinFieldTypes(String(obj.apiVersion), String(obj.kind)));
    for (const [z, ex] of [[zero, except], [{}, new FieldSet()], [zero, new FieldSet()]] as const) {
      assert.equal(JSON.stringify(createdFields(obj, walker, z, ex)), JSON.stringify(generalPath(obj, walker, z, ex)), `${String(obj.kind)} ${JSON.stringify(z)}`);
    }
  }
});

test('a list with two items of one element is left to the general path', () => {
  const obj: JsonObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 80 }] } };
  assert.equal(createdFields(obj, new TypedWalker(builtinFieldTypes('v1', 'Service')), zero, except), null);
  const [entry] = updatedManagedFields({ before: undefined, after: obj, manager: 'm', apiVersion: 'v1', now });
  assert.deepEqual(entry.fieldsV1, { 'f:spec': { 'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } } });
});

test('updatedManagedFields on a create gives the same entry with and without a foreign owner in the body', () => {
  for (const obj of objects) {
    const plain = updatedManagedFields({ before: undefined, after: structuredClone(obj), manager: 'creator', apiVersion: 'v1', now });
    const foreign = structuredClone(obj);
    // Another manager's entry for a field the object lacks sends the create down the general path.
    (foreign.metadata as JsonObject).managedFields = [{ manager: 'other', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:zzz': {} } } } }];
    const general = updatedManagedFields({ before: undefined, after: foreign, manager: 'creator', apiVersion: 'v1', now });
    assert.deepEqual(plain, general.filter((e) => e.manager === 'creator'), String(obj.kind));
  }
});

test('random objects agree with the general path', () => {
  const keys = ['a', 'b', 'metadata', 'spec', 'ports', 'containers', 'name', 'finalizers'];
  const rnd = (d: number): JsonValue => {
    const r = Math.random();
    if (d > 3 || r < 0.3) return [1, 'x', null, true, 0][Math.floor(Math.random() * 5)];
    if (r < 0.5) return Array.from({ length: Math.floor(Math.random() * 3) }, () => rnd(d + 1));
    const o: JsonObject = {};
    for (let i = 0; i < Math.floor(Math.random() * 4); i++) o[keys[Math.floor(Math.random() * keys.length)]] = rnd(d + 1);
    return o;
  };
  const walker = new TypedWalker(builtinFieldTypes('v1', 'Pod'));
  for (let i = 0; i < 3000; i++) {
    const obj = rnd(0);
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) continue;
    const fast = createdFields(obj, walker, zero, except);
    if (fast === null) continue;
    assert.equal(JSON.stringify(fast), JSON.stringify(generalPath(obj, walker, zero, except)), JSON.stringify(obj));
  }
});
