/**
 * The worker half of a client-go controller (sample-controller's Run/runWorker/
 * processNextWorkItem): wait for caches, then N workers take keys from the queue and
 * call a level-triggered `reconcile(key)`. Success → forget (reset backoff); error →
 * addRateLimited (retry with backoff); always done(key). Health counters feed /metrics.
 */
import type { Syncable } from './informer.js';
import type { RateLimitingQueue } from './workqueue.js';

export interface ControllerOptions {
  name: string;
  queue: RateLimitingQueue<string>;
  workers: number;
  /** Make the world match the desired state of `key` (`namespace/name`); throw to retry. */
  reconcile: (key: string) => Promise<void>;
  /** Informers whose caches must be synced before workers start (WaitForCacheSync). */
  waitFor?: readonly Syncable[];
  /** Drop a key after this many consecutive failures (default: retry forever). */
  maxRetries?: number;
  log?: (line: string) => void;
}

export interface ControllerHealth {
  name: string;
  /** Caches synced and workers running. */
  running: boolean;
  workers: number;
  queueDepth: number;
  /** Keys being reconciled right now. */
  inFlight: number;
  reconciles: number;
  failures: number;
  /** Keys dropped after maxRetries. */
  dropped: number;
  lastError?: { key: string; message: string; at: string };
  lastSuccessAt?: string;
}

export interface Controller {
  health(): ControllerHealth;
  /** Stops taking keys, waits for in-flight reconciles to finish. */
  stop(): Promise<void>;
  /** Settles when all workers have exited. */
  readonly done: Promise<void>;
}

export function runController(opts: ControllerOptions): Controller {
  const { name, queue, workers, reconcile } = opts;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const abort = new AbortController();
  const h: ControllerHealth = { name, running: false, workers, queueDepth: 0, inFlight: 0, reconciles: 0, failures: 0, dropped: 0 };

  async function processNext(): Promise<boolean> {
    const key = await queue.get();
    if (key === undefined) return false;
    if (abort.signal.aborted) {
      queue.done(key);
      return false;
    }
    h.inFlight++;
    try {
      await reconcile(key);
      h.reconciles++;
      h.lastSuccessAt = new Date().toISOString();
      queue.forget(key);
    } catch (err) {
      h.reconciles++;
      h.failures++;
      const message = err instanceof Error ? err.message : String(err);
      h.lastError = { key, message, at: new Date().toISOString() };
      if (opts.maxRetries !== undefined && queue.numRequeues(key) >= opts.maxRetries) {
        h.dropped++;
        queue.forget(key);
        log(`${name}: dropping ${key} after ${opts.maxRetries} retries: ${message}`);
      } else {
        log(`${name}: reconcile ${key} failed (will retry): ${message}`);
        queue.addRateLimited(key);
      }
    } finally {
      h.inFlight--;
      queue.done(key);
    }
    return true;
  }

  async function worker(): Promise<void> {
    while (await processNext());
  }

  const done = (async () => {
    if (opts.waitFor?.length) {
      const results = await Promise.all(opts.waitFor.map((s) => s.waitForSync(abort.signal)));
      if (!results.every(Boolean)) return;
    }
    if (abort.signal.aborted) return;
    h.running = true;
    await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  })().finally(() => {
    h.running = false;
  });

  return {
    health: () => ({ ...h, queueDepth: queue.len(), lastError: h.lastError && { ...h.lastError } }),
    async stop() {
      abort.abort();
      queue.shutDown();
      await done;
    },
    done,
  };
}
