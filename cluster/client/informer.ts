/**
 * SharedInformer, as client-go's reflector + DeltaFIFO + indexer + processor in one:
 * list (paged), then watch from the list's resourceVersion with bookmarks, keeping an
 * indexed cache and telling handlers about adds, updates and deletes.
 *
 * Recovery follows the reflector: a watch that ends normally (server timeout) resumes
 * from the last seen resourceVersion; 410 Gone / ERROR Expired means history is gone,
 * so it relists and reconciles the cache against the new list (deletes it missed reach
 * handlers with finalStateUnknown, client-go's DeletedFinalStateUnknown tombstones);
 * other failures back off exponentially (800 ms → 30 s, as the reflector's backoff).
 */
import { StatusError } from '../api/status.js';
import type { GVR } from './gvr.js';
import { Indexer, metaNamespaceKey, NAMESPACE_INDEX, namespaceIndexFunc } from './indexer.js';
import type { Indexers } from './indexer.js';
import { statusToError } from './rest-client.js';
import type { KubeObject, RestClient, SelectorOptions, WatchStream } from './rest-client.js';
import { sleep } from './token-bucket.js';
import { sharedStrings } from './string-interner.js';

export interface EventHandler<T> {
  /** `isInInitialList`: the object came from a (re)list, not a watch event — or the handler joined late. */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** Also called on relists for every object still present (oldObj may equal newObj's resourceVersion). */
  onUpdate?(oldObj: T, newObj: T): void;
  /**
   * `obj` is the last known state. `finalStateUnknown` is true when the delete was
   * inferred on a relist (the watch missed it), so `obj` may be stale.
   */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface InformerOptions<T> extends SelectorOptions {
  /** Only this namespace (default: all). */
  namespace?: string;
  /** Page size for lists (client-go's pager uses 500). */
  pageSize?: number;
  /** Secondary indices; a `namespace` index is always present. */
  indexers?: Indexers<T>;
  /** Watch timeout asked of the server; default random 300–600 s as the reflector picks. */
  watchTimeoutSeconds?: () => number;
  /** Backoff after failures, ms. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Keep metadata.managedFields in the cache. Off by default: controllers never read them,
   * and they are often the bulk of an object (kube-scheduler and kube-controller-manager set
   * client-go's TransformStripManagedFields too). Updates without them keep the server's.
   */
  keepManagedFields?: boolean;
  log?: (line: string) => void;
}

/** Anything that can say it has synced (informers, for waitForCacheSync). */
export interface Syncable {
  hasSynced(): boolean;
  waitForSync(signal?: AbortSignal): Promise<boolean>;
}

class Backoff {
  private current = 0;
  constructor(private readonly initialMs: number, private readonly maxMs: number) {}
  next(): number {
    this.current = this.current ? Math.min(this.maxMs, this.current * 2) : this.initialMs;
    return this.current * (1 + Math.random() * 0.5);
  }
  reset(): void {
    this.current = 0;
  }
}

const isExpired = (err: unknown) => err instanceof StatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');

export class SharedInformer<T extends KubeObject> implements Syncable {
  readonly indexer: Indexer<T>;
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private readonly log: (line: string) => void;
  private readonly watchTimeoutSeconds: () => number;
  private running?: Promise<void>;
  private synced = false;
  private readonly syncWaiters = new Set<(ok: boolean) => void>();
  private lastRV = '';
  private currentWatch?: WatchStream<T>;
  /** Count of relists (initial list included), for metrics and tests. */
  listCount = 0;

  constructor(
    private readonly client: RestClient,
    readonly gvr: GVR,
    private readonly opts: InformerOptions<T> = {},
  ) {
    this.indexer = new Indexer<T>({ [NAMESPACE_INDEX]: namespaceIndexFunc, ...opts.indexers });
    this.backoff = new Backoff(opts.backoff?.initialMs ?? 800, opts.backoff?.maxMs ?? 30_000);
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? (() => Math.floor(300 * (1 + Math.random())));
  }

  /**
   * Registers handlers; if the cache already holds objects they are replayed as adds
   * (as client-go does for late handlers). Returns a function that removes them.
   */
  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.add(h);
    for (const obj of this.indexer.list()) this.call(() => h.onAdd?.(obj, true));
    return () => this.handlers.delete(h);
  }

  /** Starts list+watch in the background; idempotent. */
  run(): void {
    if (this.running || this.abort.signal.aborted) return;
    this.running = this.loop().catch((err: Error) => this.log(`informer ${this.gvr.resource}: stopped on unexpected error: ${err.stack ?? err.message}`));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache; false if stopped (or aborted) first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.abort.signal.aborted || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        this.syncWaiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => done(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.add(done);
    });
  }

  /** The resourceVersion the cache reflects (last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** Stops watching; the cache keeps its last content. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.currentWatch?.stop();
    for (const w of [...this.syncWaiters]) w(false);
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`informer ${this.gvr.resource}: handler failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, this.abort.signal).catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.listAndReplace();
      } catch (err) {
        if (this.stopped) return;
        this.log(`informer ${this.gvr.resource}: list failed: ${(err as Error).message}`);
        await this.pause(this.backoff.next());
        continue;
      }
      await this.watchUntilRelist();
    }
  }

  private async listAndReplace(): Promise<void> {
    const { items, resourceVersion } = await this.client.listAll<T>(this.gvr, {
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      limit: this.opts.pageSize ?? 500,
      signal: this.abort.signal,
    });
    if (this.stopped) return;
    this.listCount++;
    for (const o of items) this.transform(o);
    const fresh = new Set(items.map(metaNamespaceKey));
    const removed = this.indexer.listKeys().filter((k) => !fresh.has(k)).map((k) => this.indexer.get(k)!);
    const previous = new Map(items.map((o) => [metaNamespaceKey(o), this.indexer.get(metaNamespaceKey(o))]));
    this.indexer.replace(items);
    this.lastRV = resourceVersion;
    for (const obj of removed) this.dispatch((h) => h.onDelete?.(obj, true));
    for (const obj of items) {
      const old = previous.get(metaNamespaceKey(obj));
      this.dispatch((h) => (old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj, true)));
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of [...this.syncWaiters]) w(true);
    }
  }

  /** What the cache keeps of an object (client-go's SetTransform): no managedFields, and repeated strings shared across objects. */
  private transform(obj: T): void {
    if (!this.opts.keepManagedFields && obj.metadata?.managedFields) delete obj.metadata.managedFields;
    sharedStrings.internTree(obj);
  }

  private dispatch(fn: (h: EventHandler<T>) => void): void {
    for (const h of this.handlers) this.call(() => fn(h));
  }

  /** Watches (re-watching after normal closes) until a relist is needed or the informer stops. */
  private async watchUntilRelist(): Promise<void> {
    while (!this.stopped) {
      let stream: WatchStream<T>;
      try {
        stream = await this.client.watch<T>(this.gvr, {
          namespace: this.opts.namespace,
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          resourceVersion: this.lastRV,
          allowWatchBookmarks: true,
          timeoutSeconds: this.watchTimeoutSeconds(),
          signal: this.abort.signal,
        });
      } catch (err) {
        if (this.stopped) return;
        if (isExpired(err)) return; // relist now
        this.log(`informer ${this.gvr.resource}: watch failed: ${(err as Error).message}`);
        await this.pause(this.backoff.next());
        // Like the reflector: transient (connection, 429, 5xx) → retry the watch; anything else → relist.
        if (!(err instanceof StatusError) || err.code === 429 || err.code >= 500) continue;
        return;
      }
      this.currentWatch = stream;
      const started = Date.now();
      let events = 0;
      try {
        for await (const ev of stream) {
          if (ev.type === 'ERROR') throw statusToError(ev.object);
          events++;
          this.apply(ev.type, ev.object, stream.shared === true);
        }
      } catch (err) {
        if (this.stopped) return;
        if (isExpired(err)) return;
        this.log(`informer ${this.gvr.resource}: watch stream broke: ${(err as Error).message}`);
        await this.pause(this.backoff.next());
        continue;
      } finally {
        this.currentWatch = undefined;
      }
      if (events > 0) this.backoff.reset();
      // A watch that closes at once with nothing in it is a server problem, not a timeout: back off.
      else if (Date.now() - started < 1000) await this.pause(this.backoff.next());
    }
  }

  /** `shared`: the object is the in-process API server's own (already interned there), kept as it is. */
  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', obj: T, shared: boolean): void {
    const rv = obj.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (rv) this.lastRV = rv;
      return;
    }
    if (!shared) this.transform(obj);
    const key = metaNamespaceKey(obj);
    if (type === 'DELETED') {
      const old = this.indexer.delete(key);
      if (old) this.dispatch((h) => h.onDelete?.(obj, false));
    } else {
      const old = this.indexer.set(obj);
      this.dispatch((h) => (old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj, false)));
    }
    if (rv) this.lastRV = rv;
  }
}

/** Waits for all informers' first lists (cache.WaitForCacheSync); false if any stopped or the signal fired. */
export async function waitForCacheSync(informers: readonly Syncable[], signal?: AbortSignal): Promise<boolean> {
  const results = await Promise.all(informers.map((i) => i.waitForSync(signal)));
  return results.every(Boolean);
}
