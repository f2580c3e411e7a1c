import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';

test('burst is free, then tokens cost 1/qps each, and refill over time', () => {
  let now = 0;
  const b = new TokenBucket({ qps: 10, burst: 3, now: () => now });
  assert.deepEqual([b.reserve(), b.reserve(), b.reserve()], [0, 0, 0]);
  assert.equal(b.reserve(), 100); // 4th token: 100 ms at 10 qps
  assert.equal(b.reserve(), 200); // queued behind the 4th
  assert.equal(b.tryAccept(), false);
  now = 250; // +2.5 tokens pays the 2 owed: 0.5 left
  assert.equal(b.tryAccept(), false);
  assert.equal(b.reserve(), 50);
  now = 10_000; // refill is capped at burst
  assert.equal(b.tryAccept(), true);
  assert.deepEqual([b.reserve(), b.reserve(), b.reserve()], [0, 0, 100]);
});

test('rejects nonsense settings', () => {
  assert.throws(() => new TokenBucket({ qps: 0, burst: 1 }));
  assert.throws(() => new TokenBucket({ qps: 1, burst: 0 }));
});
