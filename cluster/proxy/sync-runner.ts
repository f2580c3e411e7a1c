/**
 * kube-proxy's BoundedFrequencyRunner: changes ask for a sync, but syncs run at most
 * once per `minIntervalMs` (--iptables-min-sync-period, 1 s by default) so a burst of
 * endpoint updates costs one iptables-restore; a full resync runs at least every
 * `maxIntervalMs` (--iptables-sync-period, 30 s) to repair rules someone else changed;
 * a failed sync is retried after `retryMs`.
 */
export interface SyncRunnerOptions {
  minIntervalMs: number;
  maxIntervalMs: number;
  retryMs?: number;
  log?: (line: string) => void;
}

export type SyncFn = (full: boolean) => Promise<void>;

export class BoundedFrequencyRunner {
  private lastStart = -Infinity;
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private fullTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private pending = false;
  private fullPending = true;
  private stopped = false;
  /** Completed syncs, for tests and metrics. */
  syncCount = 0;

  constructor(
    private readonly fn: SyncFn,
    private readonly opts: SyncRunnerOptions,
  ) {}

  /** Asks for a sync as soon as the minimum interval allows. */
  run(): void {
    if (this.stopped) return;
    this.pending = true;
    if (!this.running) this.schedule(Math.max(0, this.lastStart + this.opts.minIntervalMs - Date.now()));
  }

  /** Asks for a full resync (also re-reads state the sync cached). */
  runFull(): void {
    this.fullPending = true;
    this.run();
  }

  /** Resolves when no sync is running or waiting (tests). */
  async idle(): Promise<void> {
    while (!this.stopped && (this.running || this.timer || this.pending)) await (this.running ?? new Promise((r) => setTimeout(r, 5)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.fullTimer);
    this.timer = this.fullTimer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const full = this.fullPending;
    this.pending = this.fullPending = false;
    this.lastStart = Date.now();
    let ok = true;
    try {
      await this.fn(full);
      this.syncCount++;
    } catch (err) {
      ok = false;
      this.opts.log?.(`sync failed (retrying in ${this.opts.retryMs ?? this.opts.minIntervalMs} ms): ${(err as Error).message}`);
      this.pending = true;
      this.fullPending ||= full;
    }
    if (this.stopped) return;
    if (full && ok) {
      clearTimeout(this.fullTimer);
      this.fullTimer = setTimeout(() => this.runFull(), this.opts.maxIntervalMs);
      this.fullTimer.unref?.();
    }
    if (this.pending) {
      const wait = ok ? Math.max(0, this.lastStart + this.opts.minIntervalMs - Date.now()) : (this.opts.retryMs ?? this.opts.minIntervalMs);
      // The new timer fires after this tick's promise settles (timers follow microtasks).
      this.schedule(wait);
    }
  }
}
