/**
 * The API server's watch cache (kube-apiserver's "cacher", in small): one store watch
 * over /registry/, every event decoded once and fanned out to all API watchers whose
 * key prefix matches. A ring of recent events lets a client resume from a recent
 * resourceVersion without touching the store; older resourceVersions fall back to a
 * direct store watch, which answers CompactedError (→ 410 Gone) once history is gone.
 */
import { CompactedError, type Store, type Watch, type WatchEvent } from '../../store/types.js';
import type { KubeObject } from './object.js';

export interface ObjectEvent {
  type: 'PUT' | 'DELETE';
  key: string;
  revision: number;
  /** The object after the change; for DELETE the last state, with resourceVersion = the delete's revision. Shared: clone before mutating. */
  object: KubeObject;
  /** The object before the change (undefined on create). Shared: clone before mutating. */
  prevObject: KubeObject | undefined;
}

export type EventSink = (events: ObjectEvent[]) => void;

/** Turns store values into objects (read-path defaults applied); `current` ones may be kept as the newest state of their key. */
export interface EventDecoder {
  decode(key: string, value: Uint8Array, modRevision: number, current: boolean): KubeObject;
  /** The key was deleted: forget any kept state. */
  forget(key: string): void;
}

export interface Subscription {
  cancel(): void;
}

/**
 * Recent events kept for resuming watches. Each holds decoded objects, so this bounds
 * memory (upstream's watch cache is also a bounded window); older resumes go to the store.
 */
const RING_SIZE = 2_000;

interface Subscriber {
  prefix: string;
  after: number;
  sink: EventSink;
  onError: (err: Error) => void;
}

export class WatchHub {
  private readonly ring: ObjectEvent[] = [];
  /** Events with revision > startRevision are all in the ring (until it wraps). */
  private ringFloor = 0;
  private lastRevision = 0;
  private readonly subscribers = new Set<Subscriber>();
  private storeWatch: Watch | undefined;
  private stopped = false;
  /** Consistent reads waiting for the hub to reach a revision (see waitFor). */
  private waiters: Array<{ revision: number; resolve: (reached: boolean) => void }> = [];

  constructor(
    private readonly store: Store,
    private readonly decoder: EventDecoder,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    const rev = await this.store.currentRevision();
    this.ringFloor = rev;
    this.lastRevision = rev;
    await this.openStoreWatch();
  }

  /**
   * One store watch from the last revision seen. If it fails, it is reopened from there
   * (subscribers notice nothing); only when that history is gone (compacted) do the
   * subscribers get the error — they answer 410 and their clients relist.
   */
  private async openStoreWatch(): Promise<void> {
    if (this.stopped) return;
    this.storeWatch = await this.store.watch(
      { prefix: '/registry/', startRevision: this.lastRevision + 1 },
      {
        onEvents: (events) => this.dispatch(events.map((e) => this.decodeEvent(e))),
        onError: (err) => {
          if (this.stopped) return;
          this.log(`watch hub: store watch ended (${err.message}); reopening from revision ${this.lastRevision + 1}`);
          if (err instanceof CompactedError) {
            for (const s of this.subscribers) s.onError(err);
            this.subscribers.clear();
            this.ring.length = 0;
            void this.store.currentRevision().then((rev) => {
              this.ringFloor = rev;
              this.lastRevision = rev;
              return this.reopen();
            });
            return;
          }
          void this.reopen();
        },
      },
    );
  }

  private async reopen(attempt = 0): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)));
    try {
      await this.openStoreWatch();
    } catch (err) {
      this.log(`watch hub: reopening the store watch failed: ${(err as Error).message}`);
      if (!this.stopped) void this.reopen(attempt + 1);
    }
  }

  /** Resolves true once the hub has dispatched `revision` (false after `timeoutMs`). */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.lastRevision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = {
        revision,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
    await this.storeWatch?.cancel();
    this.subscribers.clear();
  }

  /** The newest revision this hub has seen (or the store revision at start). */
  get revision(): number {
    return this.lastRevision;
  }

  /**
   * Delivers every event under `prefix` with revision > `after`, then live ones.
   * `prefix` must end with '/' or be a full key.
   */
  async subscribe(prefix: string, after: number, sink: EventSink, onError: (err: Error) => void): Promise<Subscription> {
    if (after < this.ringFloor) return this.directWatch(prefix, after, sink, onError);
    const sub: Subscriber = { prefix, after, sink, onError };
    const backlog: ObjectEvent[] = [];
    if (after < this.lastRevision) {
      for (const e of this.ring) if (e.revision > after && e.key.startsWith(prefix)) backlog.push(e);
    }
    this.subscribers.add(sub);
    if (backlog.length) {
      sub.after = backlog[backlog.length - 1].revision;
      queueMicrotask(() => {
        if (this.subscribers.has(sub)) sink(backlog);
      });
    }
    return { cancel: () => void this.subscribers.delete(sub) };
  }

  private async directWatch(prefix: string, after: number, sink: EventSink, onError: (err: Error) => void): Promise<Subscription> {
    let cancelled = false;
    const w = await this.store.watch(
      { prefix, startRevision: after + 1 },
      {
        onEvents: (events) => {
          if (!cancelled) sink(events.map((e) => this.decodeEvent(e)));
        },
        onError: (err) => {
          if (!cancelled) onError(err);
        },
      },
    );
    return {
      cancel: () => {
        cancelled = true;
        void w.cancel();
      },
    };
  }

  private decodeEvent(e: WatchEvent): ObjectEvent {
    const key = e.kv.key;
    const d = this.decoder;
    const prevObject = e.prevKv ? d.decode(key, e.prevKv.value, e.prevKv.modRevision, false) : undefined;
    if (e.type === 'DELETE') {
      d.forget(key);
      const last = e.prevKv ? d.decode(key, e.prevKv.value, e.kv.modRevision, false) : ({ metadata: { resourceVersion: String(e.kv.modRevision) } } as KubeObject);
      return { type: 'DELETE', key, revision: e.kv.modRevision, object: last, prevObject };
    }
    return { type: 'PUT', key, revision: e.kv.modRevision, object: d.decode(key, e.kv.value, e.kv.modRevision, true), prevObject };
  }

  private dispatch(events: ObjectEvent[]): void {
    if (!events.length) return;
    for (const e of events) {
      this.ring.push(e);
      if (e.revision > this.lastRevision) this.lastRevision = e.revision;
    }
    if (this.ring.length > RING_SIZE) {
      const drop = this.ring.length - RING_SIZE;
      this.ringFloor = this.ring[drop - 1].revision;
      this.ring.splice(0, drop);
    }
    if (this.waiters.length) {
      const due = this.waiters.filter((w) => w.revision <= this.lastRevision);
      if (due.length) {
        this.waiters = this.waiters.filter((w) => w.revision > this.lastRevision);
        for (const w of due) w.resolve(true);
      }
    }
    for (const sub of this.subscribers) {
      let batch: ObjectEvent[] | undefined;
      for (const e of events) {
        if (e.revision > sub.after && e.key.startsWith(sub.prefix)) (batch ??= []).push(e);
      }
      if (batch) {
        sub.after = batch[batch.length - 1].revision;
        try {
          sub.sink(batch);
        } catch (err) {
          this.subscribers.delete(sub);
          sub.onError(err as Error);
        }
      }
    }
  }
}
