import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringInterner } from './string-interner.js';

test('string values of JSON trees are shared, contents unchanged; keys named for unique values are skipped', () => {
  const interner = new StringInterner();
  const mk = () => JSON.parse(JSON.stringify({ metadata: { uid: 'u-1', labels: { app: 'web' } }, spec: { containers: [{ image: 'registry/web:1' }], args: ['--x'] } })) as Record<string, unknown>;
  const a = mk();
  const b = mk();
  const before = JSON.stringify(b);
  interner.internTree(a);
  interner.internTree(b);
  assert.equal(JSON.stringify(b), before);
  // Identity of strings is not observable in JS; the table's size shows which values were looked up.
  assert.equal(interner.size, 3); // 'web', 'registry/web:1', '--x' (uid skipped)
});

test('the table starts over when full', () => {
  const interner = new StringInterner(2);
  for (const s of ['a', 'b', 'c']) interner.intern(s);
  assert.equal(interner.size, 1);
  assert.equal(interner.intern('c'), 'c');
});
