import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff, goDuration } from './backoff.js';

test('crash-loop back-off: 10 s doubling to 5 min, measured from the finish', () => {
  let now = 0;
  const b = new Backoff(() => now);
  const key = 'uid/app';
  assert.equal(b.isInBackOffSince(key, now), false, 'the first failure restarts at once');
  b.next(key, now);
  assert.equal(b.get(key), 10_000);
  now = 5_000;
  assert.equal(b.isInBackOffSince(key, 4_000), true);
  now = 14_001;
  assert.equal(b.isInBackOffSince(key, 4_000), false);
  const seen: number[] = [];
  for (let i = 0; i < 7; i++) {
    b.next(key, now);
    seen.push(b.get(key));
  }
  assert.deepEqual(seen, [20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  assert.equal(b.remaining(key, now), 300_000);
});

test('an entry quiet for twice the cap starts over', () => {
  let now = 0;
  const b = new Backoff(() => now);
  b.next('k', 0);
  b.next('k', 1);
  assert.equal(b.get('k'), 20_000);
  now = 700_000;
  b.next('k', now);
  assert.equal(b.get('k'), 10_000);
});

test('image pull back-off counts from the last failure', () => {
  let now = 0;
  const b = new Backoff(() => now);
  assert.equal(b.isInBackOffSinceUpdate('img'), false);
  b.next('img');
  now = 9_999;
  assert.equal(b.isInBackOffSinceUpdate('img'), true);
  now = 10_000;
  assert.equal(b.isInBackOffSinceUpdate('img'), false);
  b.forgetPrefix('im');
  assert.equal(b.get('img'), 0);
});

test('goDuration prints like Go', () => {
  assert.equal(goDuration(10_000), '10s');
  assert.equal(goDuration(80_000), '1m20s');
  assert.equal(goDuration(300_000), '5m0s');
  assert.equal(goDuration(3_600_000), '1h0m0s');
});
