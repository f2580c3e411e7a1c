import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet } from './cidr-set.js';

test('a /16 cut into /24s: allocate in order, occupy, release, exhaust', () => {
  const s = new CidrSet('10.244.0.0/16', 24);
  assert.equal(s.size, 256);
  assert.equal(s.allocateNext(), '10.244.0.0/24');
  assert.ok(s.occupy('10.244.1.0/24'));
  assert.equal(s.allocateNext(), '10.244.2.0/24');
  assert.equal(s.occupy('10.245.0.0/24'), false);
  s.release('10.244.0.0/24');
  const small = new CidrSet('10.0.0.0/23', 24);
  assert.deepEqual([small.allocateNext(), small.allocateNext(), small.allocateNext()], ['10.0.0.0/24', '10.0.1.0/24', undefined]);
});
