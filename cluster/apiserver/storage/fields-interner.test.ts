import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldsInterner } from './fields-interner.js';
import type { KubeObject } from './object.js';

const pod = (ip: string): KubeObject => JSON.parse(
  JSON.stringify({
    metadata: {
      name: 'p',
      managedFields: [
        { manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } }, 'f:nodeName': {} } } },
        { manager: 'kubelet', operation: 'Update', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:podIPs': { [`k:{"ip":"${ip}"}`]: { '.': {}, 'f:ip': {} } }, 'f:phase': {} } } },
      ],
    },
  }),
) as KubeObject;

type Entry = { fieldsV1: Record<string, Record<string, unknown>> };
const entries = (o: KubeObject) => o.metadata!.managedFields as unknown as Entry[];

test('identical fieldsV1 subtrees of different objects become one frozen instance; values stay equal', () => {
  const interner = new FieldsInterner();
  const a = pod('10.0.0.1');
  const b = pod('10.0.0.2');
  const before = JSON.stringify(b);
  interner.internManagedFields(a);
  interner.internManagedFields(b);
  assert.equal(JSON.stringify(b), before);
  // The spec manager's tree is the same in both; the status trees differ (the IP key), but share their equal parts.
  assert.equal(entries(a)[0].fieldsV1, entries(b)[0].fieldsV1);
  assert.notEqual(entries(a)[1].fieldsV1, entries(b)[1].fieldsV1);
  assert.equal(entries(a)[1].fieldsV1['f:status']['f:phase'], entries(b)[1].fieldsV1['f:status']['f:phase']);
  const podIPsA = entries(a)[1].fieldsV1['f:status']['f:podIPs'] as Record<string, unknown>;
  const podIPsB = entries(b)[1].fieldsV1['f:status']['f:podIPs'] as Record<string, unknown>;
  assert.equal(podIPsA['k:{"ip":"10.0.0.1"}'], podIPsB['k:{"ip":"10.0.0.2"}']);
  // Shared trees cannot be changed by accident.
  assert.ok(Object.isFrozen(entries(a)[0].fieldsV1));
  assert.throws(() => {
    (entries(a)[0].fieldsV1 as Record<string, unknown>)['f:x'] = {};
  }, TypeError);
});

test('a tree built around canonical subtrees interns to the same instance as a fresh copy', () => {
  const interner = new FieldsInterner();
  const a = pod('10.0.0.1');
  interner.internManagedFields(a);
  // As a write that keeps the spec manager's subtrees: a new root around the canonical children.
  const kept = entries(a)[0].fieldsV1;
  const b = pod('10.0.0.1');
  entries(b)[0].fieldsV1 = { ...kept };
  interner.internManagedFields(b);
  assert.equal(entries(b)[0].fieldsV1, kept);
  const c = pod('10.0.0.1');
  interner.internManagedFields(c);
  assert.equal(entries(c)[0].fieldsV1, kept);
  assert.equal(entries(c)[1].fieldsV1, entries(a)[1].fieldsV1);
});

test('trees that are not plain nested objects are left as they are', () => {
  const interner = new FieldsInterner();
  const o = { metadata: { managedFields: [{ fieldsV1: { 'f:a': 1, 'f:b': {} } }, { fieldsV1: JSON.parse('{"__proto__":{}}') as unknown }, 'junk'] } } as unknown as KubeObject;
  const before = JSON.stringify(o);
  interner.internManagedFields(o);
  assert.equal(JSON.stringify(o), before);
  const mf = o.metadata!.managedFields as unknown as Array<{ fieldsV1: object }>;
  assert.ok(!Object.isFrozen(mf[0].fieldsV1));
  assert.ok(Object.hasOwn(mf[1].fieldsV1, '__proto__'));
});
