import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';
import { PatchError } from './errors.js';

test('RFC 7386 appendix A examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, want] of cases) {
    assert.deepEqual(applyMergePatch(doc as never, patch as never), want, JSON.stringify(patch));
  }
});

test('labels merge, annotation removal, list replace on a Deployment', () => {
  const dep = { metadata: { labels: { app: 'web' }, annotations: { note: 'x' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } } };
  const out = applyMergePatch(dep, { metadata: { labels: { tier: 'fe' }, annotations: { note: null } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } });
  assert.deepEqual(out, { metadata: { labels: { app: 'web', tier: 'fe' }, annotations: {} }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } });
  assert.equal(dep.metadata.annotations.note, 'x');
});

test('null or scalar patch is a 400 Invalid JSON Patch', () => {
  for (const p of [null, 3, 'x']) {
    assert.throws(() => applyMergePatch({}, p), (e: unknown) => e instanceof PatchError && e.status === 400 && e.message === 'Invalid JSON Patch');
  }
});
