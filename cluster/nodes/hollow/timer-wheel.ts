/**
 * Coalesced timers for many hollow nodes: instead of one setTimeout per node heartbeat
 * and per pod transition (10,000s of them), callbacks are dropped into buckets of
 * `resolutionMs` and a single timer fires for the earliest non-empty bucket. Same idea
 * as the kernel's timer wheel; kwok gets the same effect from its delay queue.
 */

export interface TimerWheelOptions {
  /** Bucket width; callbacks run at most this late. Default 50 ms. */
  resolutionMs?: number;
  now?: () => number;
}

export class TimerWheel {
  private readonly buckets = new Map<number, Array<() => void>>();
  private readonly resolution: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  /** The bucket the armed timer is for. */
  private armedFor = Infinity;
  private stopped = false;
  private size = 0;

  constructor(opts: TimerWheelOptions = {}) {
    this.resolution = Math.max(1, opts.resolutionMs ?? 50);
    this.now = opts.now ?? Date.now;
  }

  /** Callbacks waiting to run. */
  get pending(): number {
    return this.size;
  }

  /** Runs `fn` after `delayMs` (rounded up to the bucket). Errors thrown by `fn` are the caller's to catch. */
  after(delayMs: number, fn: () => void): void {
    this.at(this.now() + Math.max(0, delayMs), fn);
  }

  at(timeMs: number, fn: () => void): void {
    if (this.stopped) return;
    const bucket = Math.ceil(timeMs / this.resolution);
    let list = this.buckets.get(bucket);
    if (!list) this.buckets.set(bucket, (list = []));
    list.push(fn);
    this.size++;
    if (bucket < this.armedFor) this.arm(bucket);
  }

  /** Drops every pending callback; later `after()` calls are ignored. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.buckets.clear();
    this.size = 0;
  }

  private arm(bucket: number): void {
    clearTimeout(this.timer);
    this.armedFor = bucket;
    this.timer = setTimeout(() => this.fire(), Math.max(0, bucket * this.resolution - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const due = Math.floor(this.now() / this.resolution);
    const ready = [...this.buckets.keys()].filter((b) => b <= due).sort((a, b) => a - b);
    for (const b of ready) {
      const list = this.buckets.get(b)!;
      this.buckets.delete(b);
      this.size -= list.length;
      for (const fn of list) fn();
    }
    if (this.stopped || this.buckets.size === 0) return;
    let next = Infinity;
    for (const b of this.buckets.keys()) if (b < next) next = b;
    if (next < this.armedFor) this.arm(next);
  }
}
