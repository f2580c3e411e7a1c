/**
 * In-process fan-out of committed changes (kine's broadcaster, without the poll loop:
 * the only writer is this process, so the write path publishes right after COMMIT).
 * Each watch has its own queue, drained on the next turn of the event loop (setImmediate):
 * a handler never runs inside the write transaction, a slow handler delays only its own
 * watch, and requests that arrived meanwhile (a GET under a burst of writes) are read between
 * a batch's answers and its events instead of waiting for both.
 */
import type { Watch, WatchEvent, WatchHandlers } from '../types.js';

export class LocalWatch implements Watch {
  private pending: WatchEvent[] = [];
  private failure: Error | undefined;
  private scheduled = false;
  private cancelled = false;

  constructor(
    private readonly prefix: string,
    /** Lowest revision this watch wants; live events below it are skipped. */
    private readonly fromRevision: number,
    private readonly handlers: WatchHandlers,
    private readonly onCancel: (w: LocalWatch) => void,
  ) {}

  /** Offers committed events (revision order); keeps the ones under the prefix. */
  offer(events: readonly WatchEvent[]): void {
    for (const e of events) {
      if (e.kv.modRevision >= this.fromRevision && e.kv.key.startsWith(this.prefix)) this.pending.push(e);
    }
    if (this.pending.length > 0) this.schedule();
  }

  /** Queues replayed history; must be called before any offer(). */
  replay(events: WatchEvent[]): void {
    this.pending.push(...events);
    if (this.pending.length > 0) this.schedule();
  }

  fail(err: Error): void {
    this.failure = err;
    this.schedule();
  }

  async cancel(): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    this.pending = [];
    this.onCancel(this);
  }

  private schedule(): void {
    if (this.scheduled || this.cancelled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.cancelled) return;
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        this.handlers.onEvents(batch);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (this.failure && !this.cancelled) {
      const err = this.failure;
      void this.cancel();
      this.handlers.onError(err);
    }
  }
}

export class Broadcaster {
  private readonly watches = new Set<LocalWatch>();

  add(prefix: string, fromRevision: number, handlers: WatchHandlers): LocalWatch {
    const w = new LocalWatch(prefix, fromRevision, handlers, (x) => this.watches.delete(x));
    this.watches.add(w);
    return w;
  }

  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    for (const w of this.watches) w.offer(events);
  }

  closeAll(): void {
    for (const w of [...this.watches]) void w.cancel();
  }
}
