/**
 * The resources this API server serves right now: the built-in catalogue plus the
 * custom resources of established CRDs. Each served group/version/resource has its
 * storage (one ResourceStore per storage prefix; versions of one resource share it)
 * and optional conversion between the stored version and the served one.
 */
import type { Store } from '../../store/types.js';
import { Codec } from '../storage/codec.js';
import type { KubeObject } from '../storage/object.js';
import { ResourceStore, type ReadHook } from '../storage/resource-store.js';
import type { WatchHub } from '../storage/watch-hub.js';
import { apiVersionOf, type ResourceInfo } from './catalog.js';

export interface Conversion {
  /** Stored object → served version (must not mutate its input: watch objects are shared). */
  toServed(obj: KubeObject): KubeObject;
  /** Served version → stored version. */
  toStored(obj: KubeObject): KubeObject;
}

export interface ServedResource {
  info: ResourceInfo;
  /** Undefined for virtual resources (reviews, bindings) that are never stored. */
  store: ResourceStore | undefined;
  conversion?: Conversion;
  /** For custom resources: the CRD's name, its version's schema and printer columns. */
  custom?: { crdName: string; schema: unknown; printerColumns: unknown[]; subresources: { status?: boolean; scale?: unknown } };
}

function gvrKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

export class ResourceRegistry {
  private readonly served = new Map<string, ServedResource>();
  private readonly storesByPrefix = new Map<string, ResourceStore>();
  private changeListeners: (() => void)[] = [];
  /** Bumped on every change of the served set: discovery ETags and kubectl's cache follow it. */
  generation = 1;

  constructor(
    private readonly store: Store,
    private readonly codec: Codec,
    private hub: WatchHub | undefined,
  ) {}

  setHub(hub: WatchHub): void {
    this.hub = hub;
  }

  onChange(fn: () => void): void {
    this.changeListeners.push(fn);
  }

  add(info: ResourceInfo, opts: { readHook?: ReadHook; conversion?: Conversion; custom?: ServedResource['custom']; leaseFor?: () => Promise<number> } = {}): ServedResource {
    let rs: ResourceStore | undefined;
    if (!info.virtual) {
      rs = this.storesByPrefix.get(info.storagePrefix);
      if (!rs) {
        if (!this.hub) throw new Error('watch hub not set');
        rs = new ResourceStore(info, this.store, this.codec, this.hub, opts.readHook, opts.leaseFor);
        this.storesByPrefix.set(info.storagePrefix, rs);
      }
    }
    const sr: ServedResource = { info, store: rs, conversion: opts.conversion, custom: opts.custom };
    this.served.set(gvrKey(info.group, info.version, info.resource), sr);
    this.changed();
    return sr;
  }

  remove(group: string, version: string, resource: string): void {
    const sr = this.served.get(gvrKey(group, version, resource));
    if (!sr) return;
    this.served.delete(gvrKey(group, version, resource));
    const stillUsed = [...this.served.values()].some((s) => s.info.storagePrefix === sr.info.storagePrefix);
    if (!stillUsed) {
      this.storesByPrefix.get(sr.info.storagePrefix)?.dispose();
      this.storesByPrefix.delete(sr.info.storagePrefix);
    }
    this.changed();
  }

  private changed(): void {
    this.generation++;
    for (const fn of this.changeListeners) fn();
  }

  get(group: string, version: string, resource: string): ServedResource | undefined {
    return this.served.get(gvrKey(group, version, resource));
  }

  /** The storage of a resource in whatever version it is stored. */
  storeFor(group: string, resource: string): ResourceStore | undefined {
    for (const sr of this.served.values()) if (sr.info.group === group && sr.info.resource === resource && sr.store) return sr.store;
    return undefined;
  }

  all(): ServedResource[] {
    return [...this.served.values()];
  }

  byKind(apiVersion: string, kind: string): ServedResource | undefined {
    for (const sr of this.served.values()) if (sr.info.kind === kind && apiVersionOf(sr.info) === apiVersion) return sr;
    return undefined;
  }

  /**
   * The storage a store key belongs to: the longest prefix that is a whole path of the key
   * (/registry/services/specs before /registry/services), found by walking up its segments.
   */
  private storeForKey(key: string): ResourceStore | undefined {
    for (let end = key.lastIndexOf('/'); end > 0; end = key.lastIndexOf('/', end - 1)) {
      const rs = this.storesByPrefix.get(key.slice(0, end));
      if (rs) return rs;
    }
    return undefined;
  }

  /** The watch hub's decoder: read-path defaults of the key's resource, reusing the watch cache's object of that revision. */
  readonly eventDecoder = {
    decode: (key: string, value: Uint8Array, modRevision: number): KubeObject => {
      const rs = this.storeForKey(key);
      return rs ? rs.decodeShared(key, value, modRevision) : this.codec.decode(key, value, modRevision);
    },
    forget: (): void => {},
  };
}
