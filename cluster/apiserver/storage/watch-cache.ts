/**
 * The current objects of one resource, kept up to date from the watch hub's live events:
 * kube-apiserver's watch cache (the "cacher") in small. Filled by one store read the first
 * time a list needs it, it then serves lists without touching the store or decoding
 * anything. A consistent list (no resourceVersion) first waits until the hub has seen the
 * store's current revision, as upstream's consistent reads from cache do (KEP-2340), so a
 * list never misses a write acknowledged before it was asked.
 *
 * Objects here are shared: never mutate them.
 */
import type { Store } from '../../store/types.js';
import type { KubeObject } from './object.js';
import type { ObjectEvent, Subscription, WatchHub } from './watch-hub.js';

/** How long a consistent read waits for the hub to catch up before reading the store instead. */
const CATCH_UP_TIMEOUT_MS = 3_000;

/** Index of the first key >= k (keys sorted by code unit, which is byte order for the ASCII keys Kubernetes allows). */
export function lowerBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface CacheSnapshot {
  /** The store revision the cache reflects. */
  revision: number;
  /** Keys of the range [prefix, prefix's end) from `start` on, in key order, with their objects. */
  keys: readonly string[];
  from: number;
  to: number;
  objects: ReadonlyMap<string, KubeObject>;
}

export class WatchCache {
  private readonly objects = new Map<string, KubeObject>();
  /** The keys of `objects`, sorted. */
  private readonly keys: string[] = [];
  private state: 'cold' | 'filling' | 'ready' = 'cold';
  private filling: Promise<void> | undefined;
  /** Bumped by reset(), so a fill that started before it does not finish after it. */
  private generation = 0;
  /** Keys deleted by live events while the fill read was in flight: the read's older copy must not return them. */
  private readonly deletedWhileFilling = new Set<string>();
  /** The hub subscription that keeps the cache current (delivered synchronously as the hub dispatches). */
  private subscription: Subscription | undefined;

  constructor(
    private readonly prefix: string,
    private readonly store: Store,
    private readonly hub: WatchHub,
    private readonly decode: (key: string, value: Uint8Array, modRevision: number) => KubeObject,
  ) {}

  get warm(): boolean {
    return this.state !== 'cold';
  }

  /** The kept object of `key` if it is the one at `modRevision` (lets other reads skip decoding). */
  /** The newest state of `key` the cache has seen, once it is filled (it may trail the store by a moment). */
  current(key: string): KubeObject | undefined {
    return this.state === 'ready' ? this.objects.get(key) : undefined;
  }

  peek(key: string, modRevision: number): KubeObject | undefined {
    const o = this.objects.get(key);
    return o && o.metadata!.resourceVersion === String(modRevision) ? o : undefined;
  }

  private apply(events: ObjectEvent[]): void {
    for (const e of events) {
      if (e.type === 'DELETE') this.delete(e.key);
      else this.put(e.key, e.object);
    }
  }

  private put(key: string, obj: KubeObject): void {
    if (!this.objects.has(key)) this.keys.splice(lowerBound(this.keys, key), 0, key);
    this.objects.set(key, obj);
  }

  private delete(key: string): void {
    if (this.state === 'filling') this.deletedWhileFilling.add(key);
    if (this.objects.delete(key)) {
      const i = lowerBound(this.keys, key);
      if (this.keys[i] === key) this.keys.splice(i, 1);
    }
  }

  /** Forgets everything (the hub lost events: compaction during a store-watch restart, or the resource went away). */
  reset(): void {
    this.generation++;
    this.subscription?.cancel();
    this.subscription = undefined;
    this.state = 'cold';
    this.filling = undefined;
    this.objects.clear();
    this.keys.length = 0;
    this.deletedWhileFilling.clear();
  }

  private fill(): Promise<void> {
    if (this.filling) return this.filling;
    this.state = 'filling';
    const at = this.hub.revision;
    const generation = this.generation;
    const run = (async () => {
      // Subscribe first: every event after `at` reaches the cache, in order, while the read is in flight and after.
      this.subscription = await this.hub.subscribe(
        this.prefix,
        at,
        (events) => {
          if (this.generation === generation) this.apply(events);
        },
        () => {
          if (this.generation === generation) this.reset();
        },
      );
      const res = await this.store.range(this.prefix, { revision: at || undefined });
      if (this.generation !== generation) return; // reset meanwhile
      for (const kv of res.kvs) {
        // Live events after `at` already put their newer state here, or deleted the key.
        if (this.objects.has(kv.key) || this.deletedWhileFilling.has(kv.key)) continue;
        this.objects.set(kv.key, this.decode(kv.key, kv.value, kv.modRevision));
      }
      this.keys.length = 0;
      for (const k of this.objects.keys()) this.keys.push(k);
      this.keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.deletedWhileFilling.clear();
      this.state = 'ready';
    })();
    this.filling = run;
    run.catch(() => {
      if (this.generation === generation) this.reset();
    });
    return run;
  }

  /**
   * Waits until the cache can answer a list under `rangePrefix` starting at `startKey`,
   * then returns its state (valid until the next await). `consistent`: at least the
   * store's current revision (resourceVersion unset); otherwise any ("0"). Undefined when
   * the cache cannot answer (fill failed, the hub did not catch up): read the store instead.
   */
  async snapshot(rangePrefix: string, startKey: string, consistent: boolean): Promise<CacheSnapshot | undefined> {
    try {
      if (this.state !== 'ready') await this.fill();
      if (consistent) {
        const want = await this.store.currentRevision();
        if (this.hub.revision < want && !(await this.hub.waitFor(want, CATCH_UP_TIMEOUT_MS))) return undefined;
      }
    } catch {
      return undefined;
    }
    if (this.state !== 'ready') return undefined;
    const from = lowerBound(this.keys, startKey);
    const to = lowerBound(this.keys, rangeEnd(rangePrefix));
    return { revision: this.hub.revision, keys: this.keys, from, to, objects: this.objects };
  }
}

/** The smallest string above every string starting with `prefix` ('/' → '0'). */
function rangeEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
