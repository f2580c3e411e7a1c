import { test } from 'node:test';
import assert from 'node:assert/strict';
import { primeSharedJSON, sharedJSON, storedBytes, storedJSON, type KubeObject } from './object.js';

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'wéb-ü', namespace: 'default', resourceVersion: '7', labels: { app: 'ünïcode' }, skipped: undefined } as KubeObject['metadata'],
  spec: { containers: [{ name: 'c', image: 'busybox' }], skipped: undefined },
  status: { phase: 'Pending' },
});

test('the stored bytes are the object’s JSON without resourceVersion; the shared JSON adds it where JSON.stringify puts it', () => {
  const obj = pod();
  const layout = storedJSON(obj)!;
  const { resourceVersion: _rv, ...mdWithout } = obj.metadata!;
  assert.equal(storedBytes(layout).toString(), JSON.stringify({ ...obj, metadata: mdWithout }));
  // resourceVersion keeps its place among the metadata's members.
  assert.deepEqual(Object.keys(obj.metadata!), ['name', 'namespace', 'resourceVersion', 'labels', 'skipped']);
  obj.metadata!.resourceVersion = '8';
  primeSharedJSON(obj, layout, '8');
  assert.equal(sharedJSON(obj).toString(), JSON.stringify(obj));
  // The metadata's bytes are a view of the same JSON (multi-byte characters before and inside it).
  assert.equal(sharedJSON(obj.metadata as KubeObject).toString(), JSON.stringify(obj.metadata));
});

test('metadata with nothing but a resourceVersion, metadata first or last, resourceVersion added last', () => {
  const first: KubeObject = { metadata: {}, kind: 'X', data: { a: 'ä' } };
  const l1 = storedJSON(first)!;
  assert.equal(storedBytes(l1).toString(), JSON.stringify(first));
  first.metadata!.resourceVersion = '1';
  primeSharedJSON(first, l1, '1');
  assert.equal(sharedJSON(first).toString(), JSON.stringify(first));

  const last: KubeObject = { kind: 'X', metadata: { name: 'n', resourceVersion: '3' } };
  const l2 = storedJSON(last)!;
  assert.equal(storedBytes(l2).toString(), '{"kind":"X","metadata":{"name":"n"}}');
  primeSharedJSON(last, l2, '4');
  last.metadata!.resourceVersion = '4';
  assert.equal(sharedJSON(last).toString(), JSON.stringify(last));

  const created: KubeObject = { kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, spec: {} };
  const l3 = storedJSON(created)!;
  assert.equal(storedBytes(l3).toString(), JSON.stringify(created));
  created.metadata!.resourceVersion = '5';
  primeSharedJSON(created, l3, '5');
  assert.equal(sharedJSON(created).toString(), JSON.stringify(created));
  assert.equal(sharedJSON(created.metadata as KubeObject).toString(), JSON.stringify(created.metadata));
});

test('no metadata object: no layout', () => {
  assert.equal(storedJSON({ kind: 'X' }), undefined);
});
