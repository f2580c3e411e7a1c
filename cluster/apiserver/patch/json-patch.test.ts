import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { PatchError } from './errors.js';
import type { JsonValue } from './json.js';

const doc = { metadata: { name: 'web', annotations: { 'a/b': 'x', 'c~d': 'y' } }, spec: { replicas: 2, list: [1, 2, 3] } };

function failsWith(patch: JsonValue, message: string, status = 422): void {
  assert.throws(
    () => applyJsonPatch(doc, patch),
    (e: unknown) => e instanceof PatchError && e.message === message && e.status === status,
  );
}

test('add, remove, replace, move, copy, test in order', () => {
  const out = applyJsonPatch(doc, [
    { op: 'test', path: '/spec/replicas', value: 2 },
    { op: 'replace', path: '/spec/replicas', value: 5 },
    { op: 'add', path: '/spec/list/1', value: 9 },
    { op: 'add', path: '/spec/list/-', value: 4 },
    { op: 'remove', path: '/spec/list/0' },
    { op: 'copy', from: '/spec/replicas', path: '/spec/copied' },
    { op: 'move', from: '/spec/copied', path: '/metadata/moved' },
  ]);
  assert.deepEqual(out, {
    metadata: { name: 'web', annotations: { 'a/b': 'x', 'c~d': 'y' }, moved: 5 },
    spec: { replicas: 5, list: [9, 2, 3, 4] },
  });
  assert.equal(doc.spec.replicas, 2, 'input untouched');
});

test('JSON pointer escaping ~1 and ~0', () => {
  const out = applyJsonPatch(doc, [
    { op: 'replace', path: '/metadata/annotations/a~1b', value: 'X' },
    { op: 'remove', path: '/metadata/annotations/c~0d' },
  ]) as typeof doc;
  assert.deepEqual(out.metadata.annotations, { 'a/b': 'X' });
});

test('negative indices count from the end (evanphx v4)', () => {
  const out = applyJsonPatch(doc, [{ op: 'remove', path: '/spec/list/-1' }]) as typeof doc;
  assert.deepEqual(out.spec.list, [1, 2]);
});

test('failures carry upstream messages and 422', () => {
  failsWith([{ op: 'test', path: '/spec/replicas', value: 3 }], 'testing value /spec/replicas failed: test failed');
  failsWith([{ op: 'remove', path: '/spec/nope' }], "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value");
  failsWith([{ op: 'add', path: '/nope/x', value: 1 }], 'add operation does not apply: doc is missing path: "/nope/x": missing value');
  failsWith([{ op: 'add', path: '/spec/list/7', value: 1 }], "error in add for path: '/spec/list/7': Unable to access invalid index: 7: invalid index referenced");
  failsWith([{ op: 'replace', path: '/spec/list/5', value: 1 }], 'replace operation does not apply: doc is missing key: /spec/list/5: missing value');
  failsWith([{ op: 'move', from: '/x/y', path: '/a' }], 'move operation does not apply: doc is missing from path: /x/y: missing value');
  failsWith([{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate');
  failsWith([{ op: 'remove' }], 'remove operation failed to decode path: missing value');
  failsWith({ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch', 400);
});

test('a failed operation leaves no partial result', () => {
  assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/replicas', value: 7 }, { op: 'test', path: '/spec/replicas', value: 2 }]));
  assert.equal(doc.spec.replicas, 2);
});

test('replace of a missing object member adds it, like upstream', () => {
  const out = applyJsonPatch(doc, [{ op: 'replace', path: '/spec/paused', value: true }]) as { spec: { paused: boolean } };
  assert.equal(out.spec.paused, true);
});
