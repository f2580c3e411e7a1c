/**
 * The informer's in-memory cache (client-go cache.Indexer / threadSafeMap): objects by
 * `namespace/name` key plus named secondary indices computed by index functions, e.g.
 * pods by `spec.nodeName` for the kubelet and scheduler. Objects in it are shared:
 * callers must not mutate them (copy first, as client-go's rule says).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Selector } from '../api/labels.js';
import type { KubeObject } from './rest-client.js';

export type IndexFunc<T> = (obj: T) => string[];
export type Indexers<T> = Record<string, IndexFunc<T>>;

/** `namespace/name`, or `name` for cluster-scoped objects (cache.MetaNamespaceKeyFunc). */
export function metaNamespaceKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** Inverse of metaNamespaceKey (cache.SplitMetaNamespaceKey). */
export function splitMetaNamespaceKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const NAMESPACE_INDEX = 'namespace';
export const NODE_NAME_INDEX = 'byNodeName';

/** cache.MetaNamespaceIndexFunc. */
export function namespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata?.namespace ?? ''];
}

/** Pods by the node they are bound to; unscheduled pods index under ''. */
export function podNodeNameIndexFunc(pod: Pod): string[] {
  return [pod.spec?.nodeName ?? ''];
}

export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers: Indexers<T> = {};
  /** indexName → indexed value → keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Indexers<T> = { [NAMESPACE_INDEX]: namespaceIndexFunc }) {
    this.addIndexers(indexers);
  }

  /** Adds index functions; existing items are indexed right away. */
  addIndexers(more: Indexers<T>): void {
    for (const [name, fn] of Object.entries(more)) {
      if (this.indexers[name]) {
        if (this.indexers[name] !== fn) throw new Error(`indexer "${name}" already exists`);
        continue;
      }
      this.indexers[name] = fn;
      this.indices.set(name, new Map());
      for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
    }
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(selector?: Selector): T[] {
    const all = [...this.items.values()];
    return selector ? all.filter((o) => selector.matches(o.metadata?.labels)) : all;
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects in one namespace (via the namespace index when present). */
  listInNamespace(namespace: string, selector?: Selector): T[] {
    const objs = this.indexers[NAMESPACE_INDEX] ? this.byIndex(NAMESPACE_INDEX, namespace) : this.list().filter((o) => o.metadata?.namespace === namespace);
    return selector ? objs.filter((o) => selector.matches(o.metadata?.labels)) : objs;
  }

  /** Stores `obj` under its key; returns the object it replaced. */
  set(obj: T): T | undefined {
    const key = metaNamespaceKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of Object.entries(this.indexers)) this.indexOne(name, fn, key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Replaces the whole content (a relist). */
  replace(objs: readonly T[]): void {
    this.items.clear();
    for (const m of this.indices.values()) m.clear();
    for (const o of objs) this.set(o);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k)!);
  }

  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** The distinct values present in an index (cache.ListIndexFuncValues). */
  indexValues(indexName: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    return [...index.keys()];
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.indices.get(name)!;
    for (const v of fn(obj)) {
      let keys = index.get(v);
      if (!keys) index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(v);
      }
    }
  }
}
