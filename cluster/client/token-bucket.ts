/**
 * A token bucket (golang.org/x/time/rate.Limiter, as client-go's flowcontrol and the
 * workqueue's BucketRateLimiter use): `qps` tokens per second, at most `burst` saved up.
 * `reserve()` takes a token now and says how long the caller must wait before using it,
 * so waiting callers are served in order without polling.
 */

export interface TokenBucketOptions {
  qps: number;
  burst: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  constructor(readonly opts: TokenBucketOptions) {
    if (!(opts.qps > 0) || !(opts.burst >= 1)) throw new Error(`TokenBucket: qps must be > 0 and burst >= 1 (got ${opts.qps}/${opts.burst})`);
    this.now = opts.now ?? Date.now;
    this.tokens = opts.burst;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    if (t > this.last) {
      this.tokens = Math.min(this.opts.burst, this.tokens + ((t - this.last) / 1000) * this.opts.qps);
      this.last = t;
    }
  }

  /** Takes one token (possibly going into debt) and returns the delay in ms before it may be used. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.opts.qps) * 1000);
  }

  /** Takes a token only if one is available now. */
  tryAccept(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Resolves when the caller may proceed. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await sleep(delay, signal);
  }
}

/** setTimeout as a promise; rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
