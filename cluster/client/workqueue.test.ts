import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, RateLimitingQueue } from './workqueue.js';
import type { RateLimiter } from './workqueue.js';

test('a key added many times is queued once', async () => {
  const q = new RateLimitingQueue<string>();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
  q.shutDown();
});

test('a key re-added while processing waits for done(), so two workers never hold it', async () => {
  const q = new RateLimitingQueue<string>();
  q.add('k');
  const first = await q.get();
  assert.equal(first, 'k');
  q.add('k');
  q.add('k');
  assert.equal(q.len(), 0, 'deferred while processing');
  const second = q.get();
  let got: string | undefined;
  void second.then((v) => (got = v));
  await new Promise((r) => setImmediate(r));
  assert.equal(got, undefined, 'no second worker gets k yet');
  q.done('k');
  assert.equal(await second, 'k');
  q.done('k');
  assert.equal(q.len(), 0);
  q.shutDown();
});

test('many workers, many adds: each key processed by one worker at a time', async () => {
  const q = new RateLimitingQueue<string>();
  const holding = new Set<string>();
  let processed = 0;
  const worker = async () => {
    for (;;) {
      const k = await q.get();
      if (k === undefined) return;
      assert.ok(!holding.has(k), `${k} held twice`);
      holding.add(k);
      await new Promise((r) => setImmediate(r));
      if (processed++ < 40) q.add(k); // re-add during processing
      holding.delete(k);
      q.done(k);
    }
  };
  const workers = Array.from({ length: 5 }, worker);
  for (let i = 0; i < 50; i++) q.add(`k${i % 3}`);
  while (processed < 40 || q.len() > 0 || q.metrics().processing > 0) await new Promise((r) => setImmediate(r));
  assert.ok(processed >= 41);
  await q.shutDownWithDrain();
  await Promise.all(workers);
});

test('get() waits for an add; shutDown wakes waiters with undefined but hands out queued keys first', async () => {
  const q = new RateLimitingQueue<string>();
  const waiting = q.get();
  q.add('x');
  assert.equal(await waiting, 'x');
  q.add('y');
  q.shutDown();
  q.add('z'); // ignored
  assert.equal(await q.get(), 'y');
  assert.equal(await q.get(), undefined);
  assert.equal(q.isShuttingDown(), true);
});

test('per-item exponential backoff: 5 ms doubling up to 1000 s, reset by forget', () => {
  const l = new ItemExponentialFailureRateLimiter<string>();
  const delays = Array.from({ length: 5 }, () => l.when('a'));
  assert.deepEqual(delays, [5, 10, 20, 40, 80]);
  assert.equal(l.when('b'), 5, 'per item');
  for (let i = 0; i < 40; i++) l.when('a');
  assert.equal(l.when('a'), 1_000_000);
  assert.equal(l.numRequeues('a'), 46);
  l.forget('a');
  assert.equal(l.when('a'), 5);
});

test('overall bucket and max-of', () => {
  let now = 0;
  const bucket = new BucketRateLimiter<string>(10, 2, () => now);
  const max = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter<string>(5, 1000), bucket);
  assert.equal(max.when('a'), 5);
  assert.equal(max.when('b'), 5);
  assert.equal(max.when('c'), 100, 'bucket empty: 100 ms at 10 qps beats 5 ms');
  now = 10_000;
  assert.equal(max.when('a'), 10);
});

test('addRateLimited re-adds after the limiter delay; addAfter keeps the earliest', async () => {
  const asked: string[] = [];
  const limiter: RateLimiter<string> = { when: (i) => (asked.push(i), 1), forget: () => {}, numRequeues: () => 0 };
  const q = new RateLimitingQueue<string>(limiter);
  q.addRateLimited('r');
  assert.equal(q.len(), 0);
  assert.equal(q.metrics().waiting, 1);
  assert.equal(await q.get(), 'r');
  q.done('r');
  assert.deepEqual(asked, ['r']);
  q.addAfter('d', 60_000);
  q.addAfter('d', 1);
  assert.equal(q.metrics().waiting, 1);
  assert.equal(await q.get(), 'd');
  q.done('d');
  q.addAfter('never', 60_000);
  q.shutDown(); // clears the pending timer, so the test ends promptly
  assert.equal(q.metrics().waiting, 0);
  assert.equal(q.metrics().retries, 1);
});
