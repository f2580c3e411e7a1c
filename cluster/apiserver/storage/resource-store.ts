/**
 * Generic storage of one resource over the store, as k8s.io/apiserver's
 * registry/generic/registry.Store: keys `/registry/<resource>/<namespace>/<name>`,
 * resourceVersion = the store's mod revision, create-if-absent, compare-and-swap
 * updates with retry (GuaranteedUpdate), graceful deletion with finalizers and
 * deletionTimestamp, chunked lists with consistent continue tokens, and watches.
 */
import { randomUUID } from 'node:crypto';
import { CompactedError, type Store } from '../../store/types.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  internalError,
  notFound,
  optimisticLockConflict,
  StatusError,
} from '../../api/status.js';
import type { Selector } from '../../api/labels.js';
import { matchesFields, type FieldRequirement } from '../../api/fields.js';
import type { ResourceInfo } from '../resources/catalog.js';
import { Codec } from './codec.js';
import { deepClone, deepFreeze, FREEZE_SHARED, jsonEqual, meta, nowRFC3339, primeSharedJSON, storedJSON, type KubeObject, type StoredJSON } from './object.js';
import type { ObjectEvent, Subscription, WatchHub } from './watch-hub.js';
import { WatchCache } from './watch-cache.js';
import { FieldsInterner } from './fields-interner.js';
import { StringInterner } from '../../client/string-interner.js';

/** One table of managedFields trees for every resource's shared objects (see fields-interner.ts). */
const sharedFields = new FieldsInterner();
/** And one of their repeated string values (image names, label values, timestamps…). */
const sharedStrings = new StringInterner();

export interface ListOptions {
  labelSelector?: Selector;
  fieldSelector?: readonly FieldRequirement[];
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: Selector;
  fieldSelector?: readonly FieldRequirement[];
}

export interface WatchEventOut {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** Read-path hook: defaults applied to every object read (lists, gets and watches alike). */
export type ReadHook = (obj: KubeObject) => void;

export type UpdateFn = (current: KubeObject) => KubeObject | Promise<KubeObject>;

const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
/**
 * Compare-and-swap attempts of one update. Upstream's GuaranteedUpdate retries an
 * unconditional update until it lands; N writers racing on one key need up to N rounds
 * (each round one wins), so this only stops a runaway loop.
 */
const MAX_RETRIES = 100;

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_NAME_CHARS[Math.floor(Math.random() * GENERATE_NAME_CHARS.length)];
  return s;
}

export class ResourceStore {
  constructor(
    readonly info: ResourceInfo,
    private readonly store: Store,
    private readonly codec: Codec,
    private readonly hub: WatchHub,
    private readonly onRead: ReadHook = () => {},
    /** Lease attached to new objects (Events expire after --event-ttl). */
    private readonly leaseFor?: () => Promise<number>,
  ) {
    this.cache = new WatchCache(this.prefix(), store, hub, (key, value, rev) => this.decodeForSharing(key, value, rev));
  }

  /** `/registry/pods/` or `/registry/pods/default/`. */
  prefix(namespace?: string): string {
    return this.info.namespaced && namespace ? `${this.info.storagePrefix}/${namespace}/` : `${this.info.storagePrefix}/`;
  }

  key(namespace: string | undefined, name: string): string {
    return this.info.namespaced ? `${this.info.storagePrefix}/${namespace}/${name}` : `${this.info.storagePrefix}/${name}`;
  }

  /** A private, mutable object. */
  private decode(key: string, value: Uint8Array, rev: number): KubeObject {
    const obj = this.codec.decode(key, value, rev);
    this.onRead(obj);
    return obj;
  }

  /**
   * Objects this server has just handed the store, by the very bytes it wrote. The store's
   * watch event of that write carries the same bytes (the SQLite store does; an etcd
   * answers with its own copy), so the watch cache takes the object as written instead of
   * parsing those bytes back: one JSON.parse less per write. The writer treats the object
   * as shared from then on (it only responds with it).
   */
  private readonly written = new WeakMap<Uint8Array, KubeObject>();
  /** The JSON layout each written object was stored with, until its revision makes it its shared JSON. */
  private readonly layouts = new WeakMap<KubeObject, StoredJSON>();

  /**
   * The bytes to store for `obj`. `obj` itself may become the cache's, so it gets the
   * read-path defaults any read would give it first (the same defaults admission applied:
   * usually nothing changes), and its JSON is made once for the store, the answer and the watchers.
   */
  private encodeWrite(key: string, obj: KubeObject): Uint8Array {
    this.onRead(obj);
    const layout = storedJSON(obj);
    const value = layout ? this.codec.encodeStored(key, layout) : this.codec.encode(key, obj);
    if (layout) this.layouts.set(obj, layout);
    this.written.set(value, obj);
    return value;
  }

  /** A written object's revision is known: it is its resourceVersion, and its JSON the stored one with it. */
  private settle(obj: KubeObject, revision: number): KubeObject {
    const rv = String(revision);
    const md = meta(obj);
    if (md.resourceVersion !== rv) md.resourceVersion = rv;
    const layout = this.layouts.get(obj);
    if (layout) {
      this.layouts.delete(obj);
      primeSharedJSON(obj, layout, rv);
    }
    return obj;
  }

  /** An object that will be shared and never mutated (watch cache, watch events, list items): its managedFields trees are interned. */
  private decodeForSharing(key: string, value: Uint8Array, rev: number): KubeObject {
    let obj = this.written.get(value);
    if (obj) {
      this.written.delete(value);
      // As decode would: the revision is its resourceVersion (the writer sets the same once its write returns).
      this.settle(obj, rev);
    } else {
      obj = this.decode(key, value, rev);
    }
    sharedFields.internManagedFields(obj);
    sharedStrings.internTree(obj);
    return FREEZE_SHARED ? deepFreeze(obj) : obj;
  }

  /** The newest decoded state of each key, kept from the watch hub's events; lists are served from it. */
  private readonly cache: WatchCache;

  /** A shared, read-only object: the watch cache's when it holds that revision, else decoded now. */
  decodeShared(key: string, value: Uint8Array, rev: number): KubeObject {
    return this.cache.peek(key, rev) ?? this.decodeForSharing(key, value, rev);
  }

  /** This storage is no longer served (a CRD went away): drop what the cache holds. */
  dispose(): void {
    this.cache.reset();
  }

  private notFound(name: string): StatusError {
    return notFound(this.info.group, this.info.resource, name);
  }

  async get(namespace: string | undefined, name: string, resourceVersion?: string): Promise<KubeObject> {
    const rev = resourceVersion && resourceVersion !== '0' ? parseRV(resourceVersion) : undefined;
    const res = await this.readAt(() => this.store.get(this.key(namespace, name), rev));
    if (!res.kv) throw this.notFound(name);
    return this.decode(res.kv.key, res.kv.value, res.kv.modRevision);
  }

  /** Current object or undefined. */
  async tryGet(namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const res = await this.store.get(this.key(namespace, name));
    return res.kv ? this.decode(res.kv.key, res.kv.value, res.kv.modRevision) : undefined;
  }

  /** Objects in the result are shared (see decodeShared): copy before changing them. */
  async list(namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    const prefix = this.prefix(namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let revision = 0;
    let startKey: string | undefined;
    if (opts.continue) {
      const tok = decodeContinue(opts.continue);
      revision = tok.rv;
      startKey = prefix + tok.start;
      if (!startKey.startsWith(prefix)) throw badRequest('continue key is not valid: inconsistent prefix');
    } else if (opts.resourceVersion && opts.resourceVersion !== '0' && opts.resourceVersionMatch === 'Exact') {
      revision = parseRV(opts.resourceVersion);
    } else if (opts.resourceVersionMatch && !['Exact', 'NotOlderThan'].includes(opts.resourceVersionMatch)) {
      throw badRequest(`resourceVersionMatch: Unsupported value: "${opts.resourceVersionMatch}": supported values: "Exact", "NotOlderThan"`);
    }
    const filtering = !!(opts.labelSelector && !opts.labelSelector.isEmpty()) || !!opts.fieldSelector?.length;
    // Upstream serves every list from the watch cache except exact-revision ones and continuations
    // (those read the store at the token's revision; a first page from the cache names a revision the store still has).
    if (!revision && !opts.continue) {
      const fromCache = await this.listFromCache(prefix, opts, limit, filtering);
      if (fromCache) return fromCache;
    }
    const items: KubeObject[] = [];
    let nextStart: string | undefined;
    let remaining: number | undefined;
    // Fetch pages until `limit` objects pass the filters (as upstream's storage does).
    for (;;) {
      const page = limit ? Math.max(limit - items.length, filtering ? 64 : 0) : 0;
      const res = await this.readAt(
        () => this.store.range(prefix, { revision: revision || undefined, limit: page || undefined, startKey }),
        opts.continue !== undefined,
      );
      if (!revision) revision = res.revision;
      let i = 0;
      for (; i < res.kvs.length; i++) {
        const kv = res.kvs[i];
        const obj = this.decodeShared(kv.key, kv.value, kv.modRevision);
        if (filtering && !this.matches(obj, opts.labelSelector, opts.fieldSelector)) continue;
        items.push(obj);
        if (limit && items.length >= limit) {
          i++;
          break;
        }
      }
      const consumedAll = i >= res.kvs.length;
      if (limit && items.length >= limit) {
        if (!consumedAll || res.more) {
          const last = res.kvs[i - 1].key;
          nextStart = last.slice(prefix.length) + '\u0000';
          if (!filtering) remaining = res.count - i;
        }
        break;
      }
      if (!res.more) break;
      startKey = res.kvs[res.kvs.length - 1].key + '\u0000';
    }
    return {
      items,
      resourceVersion: String(revision),
      continue: nextStart !== undefined ? encodeContinue(revision, nextStart) : undefined,
      remainingItemCount: remaining !== undefined && remaining > 0 ? remaining : undefined,
    };
  }

  private async listFromCache(prefix: string, opts: ListOptions, limit: number, filtering: boolean): Promise<ListResult | undefined> {
    // resourceVersion "0": any state will do; unset or N (NotOlderThan): at least the store's current one.
    const snap = await this.cache.snapshot(prefix, prefix, opts.resourceVersion !== '0');
    if (!snap) return undefined;
    const items: KubeObject[] = [];
    let i = snap.from;
    for (; i < snap.to; i++) {
      const obj = snap.objects.get(snap.keys[i])!;
      if (filtering && !this.matches(obj, opts.labelSelector, opts.fieldSelector)) continue;
      items.push(obj);
      if (limit && items.length >= limit) {
        i++;
        break;
      }
    }
    const more = limit > 0 && items.length >= limit && i < snap.to;
    const remaining = more && !filtering ? snap.to - i : undefined;
    return {
      items,
      resourceVersion: String(snap.revision),
      continue: more ? encodeContinue(snap.revision, snap.keys[i - 1].slice(prefix.length) + '\u0000') : undefined,
      remainingItemCount: remaining,
    };
  }

  matches(obj: KubeObject, labels?: Selector, fields?: readonly FieldRequirement[]): boolean {
    if (labels && !labels.matches(obj.metadata?.labels)) return false;
    if (fields?.length && !matchesFields(obj, fields)) return false;
    return true;
  }

  /**
   * Stores a new object. Fills in a generated name (and uid and creationTimestamp when
   * the caller has not, see fillSystemFields); the caller has run admission. Returns the stored object.
   */
  async create(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const md = meta(obj);
    if (md.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    const ns = this.info.namespaced ? md.namespace : undefined;
    if (!this.info.namespaced) delete md.namespace;
    md.uid ??= randomUUID();
    md.creationTimestamp ??= nowRFC3339();
    for (let attempt = 0; ; attempt++) {
      if (!md.name && md.generateName) md.name = md.generateName + randomSuffix();
      if (!md.name) throw badRequest('name or generateName is required');
      const key = this.key(ns, md.name);
      if (opts.dryRun) {
        const existing = await this.store.get(key);
        if (existing.kv) throw alreadyExists(this.info.group, this.info.resource, md.name);
        return obj;
      }
      const lease = this.leaseFor ? await this.leaseFor() : undefined;
      const res = await this.store.create(key, this.encodeWrite(key, obj), lease);
      if (res.succeeded) return this.settle(obj, res.revision);
      // A generated name collided: upstream retries with another suffix.
      if (md.generateName && attempt < 5 && md.name.startsWith(md.generateName)) {
        md.name = '';
        continue;
      }
      throw alreadyExists(this.info.group, this.info.resource, md.name);
    }
  }

  /**
   * GuaranteedUpdate: read, apply `fn`, compare-and-swap, retry on a lost race unless
   * the caller pinned a resourceVersion (then a stale one is a 409 Conflict).
   * With `allowCreate`, a missing object is created from fn(undefined-shaped {}).
   */
  async update(
    namespace: string | undefined,
    name: string,
    fn: UpdateFn,
    opts: {
      dryRun?: boolean;
      allowCreate?: (() => Promise<KubeObject>) | undefined;
      /** `fn` only reads `current` (a PUT replaces it): hand it the shared object instead of a copy. */
      readsCurrentOnly?: boolean;
    } = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    const key = this.key(namespace, name);
    // Upstream's GuaranteedUpdate starts from the watch cache's object (cachedExistingObject) and reads
    // the store only once that state proves stale: a lost compare-and-swap, a resourceVersion the
    // client names that the cache has not seen yet, or an update that would change nothing.
    let cached = opts.dryRun ? undefined : this.cache.current(key);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      let current: KubeObject;
      let modRevision: number;
      const fromCache = cached;
      cached = undefined;
      if (fromCache) {
        current = fromCache;
        modRevision = Number(fromCache.metadata!.resourceVersion);
      } else {
        const cur = await this.store.get(key);
        if (!cur.kv) {
          if (opts.allowCreate) return { object: await this.create(await opts.allowCreate(), opts), created: true };
          throw this.notFound(name);
        }
        // Read-only here (fn gets a copy unless it only reads): the watch cache's object when it holds this revision.
        current = this.decodeShared(key, cur.kv.value, cur.kv.modRevision);
        modRevision = cur.kv.modRevision;
      }
      const currentRV = current.metadata!.resourceVersion!;
      const next = await fn(opts.readsCurrentOnly ? current : deepClone(current));
      const nmd = meta(next);
      const pinned = nmd.resourceVersion;
      if (pinned && pinned !== currentRV) {
        if (fromCache) continue;
        throw optimisticLockConflict(this.info.group, this.info.resource, name);
      }
      nmd.name = name;
      if (this.info.namespaced) nmd.namespace = namespace;
      else delete nmd.namespace;
      // Identity and creation time are the server's, not the client's.
      nmd.uid = current.metadata!.uid;
      nmd.creationTimestamp = current.metadata!.creationTimestamp;
      if (current.metadata!.deletionTimestamp) {
        nmd.deletionTimestamp = current.metadata!.deletionTimestamp;
        nmd.deletionGracePeriodSeconds = current.metadata!.deletionGracePeriodSeconds;
      }
      nmd.resourceVersion = currentRV;
      if (equalButManagedFieldsTimes(next, current)) {
        if (fromCache) continue;
        return { object: current, created: false };
      }
      // An object being deleted whose last finalizer is gone is deleted now.
      if (nmd.deletionTimestamp && !(nmd.finalizers?.length) && this.gracefulDone(next)) {
        if (opts.dryRun) return { object: next, created: false };
        const del = await this.store.delete(key, modRevision);
        if (del.succeeded) {
          nmd.resourceVersion = String(del.revision);
          return { object: next, created: false };
        }
        if (pinned && !fromCache) throw optimisticLockConflict(this.info.group, this.info.resource, name);
        continue;
      }
      if (opts.dryRun) return { object: next, created: false };
      const res = await this.store.update(key, this.encodeWrite(key, next), modRevision);
      if (res.succeeded) return { object: this.settle(next, res.revision), created: false };
      if (pinned && !fromCache) throw optimisticLockConflict(this.info.group, this.info.resource, name);
    }
    throw conflict(this.info.group, this.info.resource, name, 'too many concurrent updates, please try again');
  }

  /**
   * Namespaces also wait for their spec.finalizers (the namespace controller empties
   * them through /finalize once the content is gone), as upstream's namespace storage.
   */
  private specFinalizers(obj: KubeObject): readonly string[] {
    if (this.info.resource !== 'namespaces' || this.info.group !== '') return [];
    return (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  }

  /** Pods on a node wait for their kubelet (grace period) before going away; others go when finalizers are done. */
  private gracefulDone(obj: KubeObject): boolean {
    if (this.specFinalizers(obj).length) return false;
    if (this.info.resource !== 'pods' || this.info.group !== '') return true;
    return obj.metadata?.deletionGracePeriodSeconds === 0 || !((obj.spec as { nodeName?: string } | undefined)?.nodeName);
  }

  /**
   * Deletes as upstream: preconditions, then either marks the object (deletionTimestamp,
   * plus the orphan/foregroundDeletion finalizer the propagation policy asks for) while
   * finalizers or a pod's grace period remain, or removes it from the store.
   * Returns the object's last state and whether it is gone.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const cur = await this.store.get(key);
      if (!cur.kv) throw this.notFound(name);
      const obj = this.decode(key, cur.kv.value, cur.kv.modRevision);
      const md = meta(obj);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== md.uid) {
        throw conflict(this.info.group, this.info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${md.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== md.resourceVersion) {
        throw conflict(this.info.group, this.info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${md.resourceVersion}`);
      }
      const finalizers = new Set(md.finalizers ?? []);
      if (opts.propagationPolicy === 'Orphan') {
        finalizers.add('orphan');
        finalizers.delete('foregroundDeletion');
      } else if (opts.propagationPolicy === 'Foreground') {
        finalizers.add('foregroundDeletion');
        finalizers.delete('orphan');
      } else if (opts.propagationPolicy === 'Background') {
        finalizers.delete('orphan');
        finalizers.delete('foregroundDeletion');
      }
      const graceful = this.graceSeconds(obj, opts.gracePeriodSeconds);
      const mustWait = finalizers.size > 0 || graceful > 0 || this.specFinalizers(obj).length > 0;
      if (mustWait) {
        const alreadyDeleting = !!md.deletionTimestamp;
        const next = deepClone(obj);
        const nmd = meta(next);
        if (finalizers.size) nmd.finalizers = [...finalizers];
        if (this.specFinalizers(obj).length) ((next.status ??= {}) as { phase?: string }).phase = 'Terminating';
        if (!alreadyDeleting) {
          nmd.deletionTimestamp = nowRFC3339(new Date(Date.now() + graceful * 1000));
          nmd.deletionGracePeriodSeconds = graceful;
        } else if (graceful < (nmd.deletionGracePeriodSeconds ?? 0)) {
          // A shorter grace period on a second delete wins, as upstream.
          nmd.deletionTimestamp = nowRFC3339(new Date(Date.now() + graceful * 1000));
          nmd.deletionGracePeriodSeconds = graceful;
        }
        if (jsonEqual(next, obj)) return { object: obj, deleted: false };
        if (opts.dryRun) return { object: next, deleted: false };
        const res = await this.store.update(key, this.encodeWrite(key, next), cur.kv.modRevision);
        if (res.succeeded) return { object: this.settle(next, res.revision), deleted: false };
        if (pre?.resourceVersion) throw optimisticLockConflict(this.info.group, this.info.resource, name);
        continue;
      }
      if (opts.dryRun) return { object: obj, deleted: true };
      const res = await this.store.delete(key, cur.kv.modRevision);
      if (res.succeeded) {
        md.resourceVersion = String(res.revision);
        return { object: obj, deleted: true };
      }
    }
    throw conflict(this.info.group, this.info.resource, name, 'too many concurrent updates, please try again');
  }

  /** Grace period for pods bound to a node (upstream: spec.terminationGracePeriodSeconds, default 30); 0 otherwise. */
  private graceSeconds(obj: KubeObject, requested: number | undefined): number {
    if (this.info.resource !== 'pods' || this.info.group !== '') return 0;
    const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    if (!spec?.nodeName) return 0;
    // Pods that never started or already finished go at once, as upstream's pod strategy.
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    const g = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, g);
  }

  /**
   * Watch from a resourceVersion: '' , absent or '0' → the current state as ADDED events,
   * then live; N → every change after N (410 Gone if compacted).
   * Selector watches turn objects leaving the selection into DELETED and entering it
   * into ADDED, as upstream's watch cache does.
   */
  async watch(namespace: string | undefined, opts: WatchOptions, sink: (events: WatchEventOut[]) => void, onError: (err: Error) => void): Promise<Subscription> {
    const prefix = this.prefix(namespace);
    const labels = opts.labelSelector;
    const fields = opts.fieldSelector;
    const filtering = !!(labels && !labels.isEmpty()) || !!fields?.length;
    const matches = (o: KubeObject | undefined) => !!o && (!filtering || this.matches(o, labels, fields));
    const translate = (events: ObjectEvent[]) => {
      const out: WatchEventOut[] = [];
      for (const e of events) {
        const now = e.type === 'PUT' ? e.object : undefined;
        const before = e.prevObject;
        const inNow = matches(now);
        const inBefore = matches(before);
        if (e.type === 'DELETE') {
          if (inBefore) out.push({ type: 'DELETED', object: this.view(e.object) });
        } else if (inNow && !before) out.push({ type: 'ADDED', object: this.view(e.object) });
        else if (inNow && inBefore) out.push({ type: 'MODIFIED', object: this.view(e.object) });
        else if (inNow) out.push({ type: 'ADDED', object: this.view(e.object) });
        else if (inBefore) out.push({ type: 'DELETED', object: this.view(e.object) });
      }
      if (out.length) sink(out);
    };
    const rv = opts.resourceVersion;
    let after: number;
    if (rv === undefined || rv === '' || rv === '0') {
      // "Get State and Start at Most Recent" (unset) / "at Any" ("0"): synthetic ADDED events
      // for every current object, then the changes after them (Kubernetes API concepts).
      const initial = await this.list(namespace, { labelSelector: labels, fieldSelector: fields });
      after = Number(initial.resourceVersion);
      if (initial.items.length) sink(initial.items.map((o) => ({ type: 'ADDED' as const, object: o })));
    } else {
      after = parseRV(rv);
    }
    try {
      return await this.hub.subscribe(prefix, after, translate, (err) => onError(this.mapError(err)));
    } catch (err) {
      throw this.mapError(err as Error);
    }
  }

  /** Watch objects come from the hub already decoded with read-path defaults, shared by every watcher: never mutate them. */
  private view(shared: KubeObject): KubeObject {
    return shared;
  }

  private mapError(err: Error): Error {
    if (err instanceof CompactedError) return expired(`too old resource version: ${err.requestedRevision} (${err.compactRevision})`);
    return err;
  }

  private async readAt<T>(fn: () => Promise<T>, continuing = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CompactedError) {
        if (continuing) {
          throw expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          );
        }
        throw expired(`too old resource version: ${err.requestedRevision} (${err.compactRevision})`);
      }
      throw err;
    }
  }
}

/** Upstream's FillObjectMetaSystemFields: the server, not the client, decides uid and creation time. */
export function fillSystemFields(obj: KubeObject): void {
  const md = meta(obj);
  md.uid = randomUUID();
  md.creationTimestamp = nowRFC3339();
  delete md.deletionTimestamp;
  delete md.deletionGracePeriodSeconds;
}

export function parseRV(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: "${rv}"`, undefined);
  return Number(rv);
}

/** Continue tokens as upstream encodes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"..."}. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

export function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return { rv: t.rv, start: t.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/**
 * Whether `next` leaves the object as it is: equal, or differing only in the time of
 * managedFields entries (a repeated server-side apply of the same object in a later
 * second), which upstream's IgnoreManagedFieldsTimestampsTransformer also makes no write,
 * so the resourceVersion stays. One pass over the object; managedFields are compared only
 * when everything else is equal.
 */
function equalButManagedFieldsTimes(next: KubeObject, current: KubeObject): boolean {
  const a = next.metadata?.managedFields;
  const b = current.metadata?.managedFields;
  const withoutManaged = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
  if (!jsonEqual(withoutManaged(next), withoutManaged(current))) return false;
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((e, i) => jsonEqual({ ...e, time: undefined }, { ...b[i], time: undefined }));
}
