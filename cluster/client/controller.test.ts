import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runController } from './controller.js';
import { ItemExponentialFailureRateLimiter, RateLimitingQueue } from './workqueue.js';
import type { Syncable } from './informer.js';
import { until } from './testing/until.js';

const quietLog = () => {};

test('reconciles keys, retries failures with backoff, forgets on success, reports health', async () => {
  const limiter = new ItemExponentialFailureRateLimiter<string>(1, 10);
  const queue = new RateLimitingQueue<string>(limiter);
  const calls: string[] = [];
  let flaky = 2;
  const c = runController({
    name: 'test',
    queue,
    workers: 3,
    log: quietLog,
    reconcile: async (key) => {
      calls.push(key);
      if (key === 'ns/flaky' && flaky-- > 0) throw new Error(`not yet (${flaky})`);
    },
  });
  queue.add('ns/a');
  queue.add('ns/flaky');
  await until(() => calls.filter((k) => k === 'ns/flaky').length === 3, 'flaky retried twice');
  await until(() => c.health().reconciles === 4, 'four reconciles');
  const h = c.health();
  assert.equal(h.failures, 2);
  assert.equal(h.lastError?.key, 'ns/flaky');
  assert.match(h.lastError?.message ?? '', /not yet/);
  assert.ok(h.lastSuccessAt);
  assert.equal(h.running, true);
  assert.equal(limiter.numRequeues('ns/flaky'), 0, 'forgotten after success');
  await c.stop();
  assert.equal(c.health().running, false);
});

test('one key is never reconciled concurrently, even with many workers', async () => {
  const queue = new RateLimitingQueue<string>();
  let active = 0;
  let maxActive = 0;
  let n = 0;
  const c = runController({
    name: 'serial',
    queue,
    workers: 8,
    log: quietLog,
    reconcile: async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setImmediate(r));
      if (++n < 20) queue.add('only');
      active--;
    },
  });
  queue.add('only');
  await until(() => n >= 20 && c.health().inFlight === 0 && queue.len() === 0, 'twenty passes');
  assert.equal(maxActive, 1);
  await c.stop();
});

test('workers wait for caches; maxRetries drops a key', async () => {
  let release!: () => void;
  const synced = new Promise<boolean>((r) => (release = () => r(true)));
  const cache: Syncable = { hasSynced: () => false, waitForSync: () => synced };
  const queue = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter<string>(1, 1));
  const calls: string[] = [];
  const c = runController({
    name: 'gated',
    queue,
    workers: 1,
    waitFor: [cache],
    maxRetries: 2,
    log: quietLog,
    reconcile: async (k) => {
      calls.push(k);
      throw new Error('always');
    },
  });
  queue.add('k');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [], 'nothing before sync');
  release();
  await until(() => c.health().dropped === 1, 'dropped');
  assert.equal(calls.length, 3);
  await c.stop();
});
