import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isStaticElf } from './busybox-root.js';

test('isStaticElf tells a static binary from a dynamic one', () => {
  assert.equal(isStaticElf(process.execPath), false); // node links libc dynamically
  if (existsSync('/bin/busybox')) assert.equal(typeof isStaticElf('/bin/busybox'), 'boolean');
  assert.equal(isStaticElf(fileURLToPath(import.meta.url)), false); // not ELF at all
});
