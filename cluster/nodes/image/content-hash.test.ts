import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hashDirectory, hashParts } from './content-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-hash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('hashParts counts boundaries', () => {
  assert.notEqual(hashParts(['ab', 'c']), hashParts(['a', 'bc']));
  assert.equal(hashParts(['x']), hashParts([Buffer.from('x')]));
});

test('hashDirectory changes with contents, names, modes and links', () => {
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'a.mjs'), 'one');
  const h1 = hashDirectory(dir);
  assert.equal(hashDirectory(dir), h1);
  writeFileSync(join(dir, 'sub', 'a.mjs'), 'two');
  const h2 = hashDirectory(dir);
  assert.notEqual(h2, h1);
  chmodSync(join(dir, 'sub', 'a.mjs'), 0o755);
  const h3 = hashDirectory(dir);
  assert.notEqual(h3, h2);
  symlinkSync('sub/a.mjs', join(dir, 'link'));
  assert.notEqual(hashDirectory(dir), h3);
});
