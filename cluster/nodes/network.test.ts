import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstHost } from './network.js';

test('firstHost is the network address plus one', () => {
  assert.equal(firstHost('172.18.0.0/16'), '172.18.0.1');
  assert.equal(firstHost('10.244.3.0/24'), '10.244.3.1');
  assert.equal(firstHost('192.168.50.77/20'), '192.168.48.1');
  assert.equal(firstHost('10.0.0.8/31'), '10.0.0.9');
});
