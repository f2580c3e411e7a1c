/**
 * The API server's watch cache (kube-apiserver's "cacher", in small): one store watch
 * over /registry/, every event decoded once and fanned out to all API watchers whose
 * key prefix matches. A ring of recent events lets a client resume from a recent
 * resourceVersion without touching the store; older resourceVersions fall back to a
 * direct store watch, which answers CompactedError (→ 410 Gone) once history is gone.
 */
import type { Store, Watch, WatchEvent } from '../../store/types.js';
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

export interface Subscription {
  cancel(): void;
}

const RING_SIZE = 20_000;

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

  constructor(
    private readonly store: Store,
    private readonly decode: (key: string, value: Uint8Array, modRevision: number) => KubeObject,
  ) {}

  async start(): Promise<void> {
    const rev = await this.store.currentRevision();
    this.ringFloor = rev;
    this.lastRevision = rev;
    this.storeWatch = await this.store.watch(
      { prefix: '/registry/', startRevision: rev + 1 },
      {
        onEvents: (events) => this.dispatch(events.map((e) => this.decodeEvent(e))),
        onError: (err) => {
          for (const s of this.subscribers) s.onError(err);
          this.subscribers.clear();
        },
      },
    );
  }

  async stop(): Promise<void> {
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
    const prevObject = e.prevKv ? this.decode(key, e.prevKv.value, e.prevKv.modRevision) : undefined;
    if (e.type === 'DELETE') {
      const last = e.prevKv ? this.decode(key, e.prevKv.value, e.kv.modRevision) : ({ metadata: { resourceVersion: String(e.kv.modRevision) } } as KubeObject);
      return { type: 'DELETE', key, revision: e.kv.modRevision, object: last, prevObject };
    }
    return { type: 'PUT', key, revision: e.kv.modRevision, object: this.decode(key, e.kv.value, e.kv.modRevision), prevObject };
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
