// How a field behaves under strategic merge patch and server-side apply. Both are looked up by
// the field names from the object root; list items add nothing to the path, so the containers
// of a Deployment are ['spec', 'template', 'spec', 'containers'] and their ports
// ['spec', 'template', 'spec', 'containers', 'ports'].
import type { JsonValue } from './json.js';

/** Go struct tags patchStrategy / patchMergeKey (OpenAPI x-kubernetes-patch-strategy / -merge-key). */
export interface PatchMeta {
  /** e.g. 'merge', 'replace', 'retainKeys', 'merge,retainKeys' */
  patchStrategy?: string;
  patchMergeKey?: string;
}

export type PatchMetaLookup = (path: string[]) => PatchMeta | undefined;

/** x-kubernetes-list-type / -list-map-keys / -map-type, as structured-merge-diff sees them. */
export interface FieldType {
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  /** Defaults of list-map key fields that items may omit (e.g. ports' protocol: TCP). */
  listMapKeyDefaults?: Record<string, JsonValue>;
  /** 'atomic' for +structType=atomic / +mapType=atomic objects (e.g. LabelSelector). */
  mapType?: 'atomic' | 'granular';
}

export type FieldTypeLookup = (path: string[]) => FieldType | undefined;

/**
 * The field types server-side apply uses when only patch metadata is known: a list with a
 * merge key is a map keyed by it, a merged list without one is a set, everything else atomic.
 */
export function fieldTypesFromPatchMeta(lookup: PatchMetaLookup): FieldTypeLookup {
  return (path) => {
    const meta = lookup(path);
    if (!meta?.patchStrategy?.split(',').includes('merge')) return undefined;
    if (meta.patchMergeKey) return { listType: 'map', listMapKeys: [meta.patchMergeKey] };
    return { listType: 'set' };
  };
}

/** First lookup that knows the path wins. */
export function combineFieldTypes(...lookups: (FieldTypeLookup | undefined)[]): FieldTypeLookup {
  return (path) => {
    for (const l of lookups) {
      const t = l?.(path);
      if (t) return t;
    }
    return undefined;
  };
}

const pureLookups = new WeakSet<FieldTypeLookup>();

/**
 * Marks a lookup whose answers never change (a fixed table), so walkers may cache them across
 * calls. Returns the lookup.
 */
export function pureFieldTypeLookup(lookup: FieldTypeLookup): FieldTypeLookup {
  pureLookups.add(lookup);
  return lookup;
}

export function isPureFieldTypeLookup(lookup: FieldTypeLookup): boolean {
  return pureLookups.has(lookup);
}
