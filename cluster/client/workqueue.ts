/**
 * client-go's workqueue: a FIFO of keys with `dirty` and `processing` sets so that
 * (1) a key queued many times is processed once, (2) no two workers ever hold the same
 * key, and (3) a key re-added while being processed is queued again only when `done()`
 * is called. On top: delayed adds (`addAfter`) and per-item rate limiting
 * (`addRateLimited`: exponential 5 ms → 1000 s per item, max'ed with a 10 qps / 100
 * burst overall bucket — DefaultControllerRateLimiter).
 */
import { TokenBucket } from './token-bucket.js';

export interface RateLimiter<T> {
  /** How long to wait before re-adding `item` (and record one more failure). */
  when(item: T): number;
  /** Clear the failure history of `item` (after it succeeded). */
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** base·2^failures, capped (workqueue.ItemExponentialFailureRateLimiter). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();
  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1000 * 1000,
  ) {}

  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall token bucket across all items (workqueue.BucketRateLimiter). */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;
  constructor(qps = 10, burst = 100, now?: () => number) {
    this.bucket = new TokenBucket({ qps, burst, now });
  }
  when(_item: T): number {
    return this.bucket.reserve();
  }
  forget(_item: T): void {}
  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest delay of several limiters (workqueue.MaxOfRateLimiter). */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];
  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }
  when(item: T): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(item)));
  }
  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: T): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(item)));
  }
}

export function defaultControllerRateLimiter<T>(): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialFailureRateLimiter<T>(5, 1000 * 1000), new BucketRateLimiter<T>(10, 100));
}

export interface QueueMetrics {
  /** Keys waiting to be picked up. */
  depth: number;
  /** Keys held by workers right now. */
  processing: number;
  /** Keys waiting for a delay (addAfter / addRateLimited). */
  waiting: number;
  adds: number;
  retries: number;
}

export class RateLimitingQueue<T> {
  private queue: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly waiting = new Map<T, { readyAt: number; timer: NodeJS.Timeout }>();
  private readonly getters: Array<(item: T | undefined) => void> = [];
  private shuttingDown = false;
  private drained?: () => void;
  private adds = 0;
  private retries = 0;

  constructor(private readonly rateLimiter: RateLimiter<T> = defaultControllerRateLimiter<T>()) {}

  /** Queues `item` unless already queued; if a worker holds it, it is re-queued at `done()`. */
  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.adds++;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.queue.push(item);
    this.handOut();
  }

  /** Number of queued keys (not counting processing or delayed ones), like workqueue.Len. */
  len(): number {
    return this.queue.length - this.head;
  }

  /**
   * The next key; the caller owns it until `done(key)`. Resolves `undefined` once the
   * queue is shut down and empty (workers should then return).
   */
  get(): Promise<T | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks `item` processed; if it was re-added meanwhile it goes back into the queue now. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.queue.push(item);
      this.handOut();
    }
    if (this.drained && this.processing.size === 0) this.drained();
  }

  /** Adds `item` after `delayMs`; of several pending delays for one item the earliest wins. */
  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(item);
    const readyAt = Date.now() + delayMs;
    const pending = this.waiting.get(item);
    if (pending) {
      if (pending.readyAt <= readyAt) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { readyAt, timer });
  }

  /** Re-adds after the rate limiter's delay (a failure: backoff grows per item). */
  addRateLimited(item: T): void {
    this.retries++;
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Clears the item's failure history (after success). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Stops accepting adds and drops delayed ones; `get()` still hands out what is queued, then `undefined`. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  /** shutDown, then wait until workers have called `done()` for every key they hold. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => (this.drained = resolve));
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  metrics(): QueueMetrics {
    return { depth: this.len(), processing: this.processing.size, waiting: this.waiting.size, adds: this.adds, retries: this.retries };
  }

  private take(): T {
    const item = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.processing.add(item);
    this.dirty.delete(item);
    return item;
  }

  private handOut(): void {
    while (this.getters.length > 0 && this.len() > 0) this.getters.shift()!(this.take());
  }
}
