/**
 * An in-memory copy of one resource's current objects, kept by the watch hub — what
 * upstream's admission plugins read through informers instead of the store. Gets that
 * miss fall back to a live read, as NamespaceLifecycle does upstream, so an object
 * created a moment ago is never reported missing.
 */
import type { KubeObject } from '../storage/object.js';
import type { ResourceStore } from '../storage/resource-store.js';
import type { WatchHub } from '../storage/watch-hub.js';

/** What admission plugins read: one object, or the objects of a namespace (all when undefined). */
export interface ObjectLister {
  get(namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  list(namespace: string | undefined): Promise<KubeObject[]>;
}

export class ObjectCache implements ObjectLister {
  /** namespace ('' for cluster-scoped) → name → object. Objects are shared: never mutate them. */
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();

  constructor(private readonly store: ResourceStore) {}

  async start(hub: WatchHub): Promise<this> {
    const { items, resourceVersion } = await this.store.list(undefined);
    for (const o of items) this.put(o);
    await hub.subscribe(this.store.prefix(), Number(resourceVersion), (events) => {
      for (const e of events) {
        if (e.type === 'DELETE') this.remove(e.object);
        else this.put(e.object);
      }
    }, () => {});
    return this;
  }

  private put(o: KubeObject): void {
    const ns = o.metadata?.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    m.set(o.metadata!.name!, o);
  }

  private remove(o: KubeObject): void {
    this.byNamespace.get(o.metadata?.namespace ?? '')?.delete(o.metadata!.name!);
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    return this.byNamespace.get(namespace ?? '')?.get(name) ?? (await this.store.tryGet(namespace, name));
  }

  async list(namespace: string | undefined): Promise<KubeObject[]> {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    return [...this.byNamespace.values()].flatMap((m) => [...m.values()]);
  }
}
