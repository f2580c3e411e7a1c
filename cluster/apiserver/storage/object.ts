/**
 * API objects as the server handles them: lossless JSON trees. We never round-trip
 * through partial types (that silently drops fields such as ownerReferences — the
 * lesson of other reimplementations); typed views are read-only helpers.
 */
import type { ObjectMeta as ReadonlyObjectMeta } from 'kubernetes-types/meta/v1.js';

/** kubernetes-types marks fields readonly; the server owns and mutates its objects' metadata. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ObjectMeta = Mutable<ReadonlyObjectMeta>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function meta(obj: KubeObject): ObjectMeta {
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  return obj.metadata;
}

/**
 * Deep copy of an object tree. Plain objects and arrays (all a decoded JSON object holds)
 * are copied by hand, about four times faster than structuredClone on a pod, which writes
 * spend much of their time in; anything else (a Date, a Buffer) goes to structuredClone.
 */
export function deepClone<T>(v: T): T {
  return cloneValue(v) as T;
}

function cloneValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneValue(v[i]);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const c = cloneValue((v as Record<string, unknown>)[k]);
    // An own key named __proto__ (JSON.parse makes them) must stay a key, not become the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

/**
 * Freezes a whole JSON tree. Shared objects (the watch cache's, handed to every watcher, list
 * and read-only update) are frozen in tests (KUBARIUM_FREEZE_SHARED=1, set by scripts/test.mjs),
 * so code that changes one instead of a copy fails loudly there instead of corrupting the cache.
 */
export function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  for (const c of Object.values(v)) deepFreeze(c);
  return Object.freeze(v);
}

export const FREEZE_SHARED = process.env.KUBARIUM_FREEZE_SHARED === '1';

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function nowRFC3339(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Deep equality of JSON values (key order insensitive). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const serialized = new WeakMap<object, Buffer>();

/**
 * UTF-8 JSON of a shared (never mutated) object, encoded once: every list and every
 * watcher of an event reuses the bytes instead of stringifying the same object again, and
 * a socket takes a Buffer without converting it.
 */
export function sharedJSON(obj: KubeObject): Buffer {
  let b = serialized.get(obj);
  if (b === undefined) {
    b = encodeShared(obj);
    serialized.set(obj, b);
  }
  return b;
}

/**
 * An object's JSON split around the end of its metadata (the object as stored: no
 * resourceVersion). The store keeps head+tail; once the write's revision is known the shared
 * JSON is the same bytes with `"resourceVersion":"N"` put in at the split — the one place
 * JSON.stringify would write it, metadata's last member — so a write encodes its object once.
 */
export interface StoredJSON {
  /** `{...,"metadata":{...` without the metadata's closing brace. */
  head: Buffer;
  /** Where the metadata object starts in head. */
  metadataAt: number;
  /** The metadata had no member but resourceVersion. */
  emptyMetadata: boolean;
  /** `}` closing the metadata, then the members after it and the object's `}`. */
  tail: Buffer;
}

/**
 * JSON.stringify(obj) made member by member around its metadata object: the text before the
 * metadata's value (ending in `"metadata":`) and after it (from the next member to the final `}`).
 */
function aroundMetadata(obj: KubeObject): { before: string; after: string } {
  let before = '{';
  let after = '';
  let seen = false;
  for (const k of Object.keys(obj)) {
    if (k === 'metadata') {
      before += `${before.length > 1 ? ',' : ''}"metadata":`;
      seen = true;
      continue;
    }
    const v = JSON.stringify(obj[k]);
    if (v === undefined) continue; // as JSON.stringify skips undefined members
    const member = `${JSON.stringify(k)}:${v}`;
    if (seen) after += `,${member}`;
    else before += `${before.length > 1 ? ',' : ''}${member}`;
  }
  return { before, after: `${after}}` };
}

/** JSON of `obj` without metadata.resourceVersion, laid out as StoredJSON; undefined when `obj` has no metadata object. */
export function storedJSON(obj: KubeObject): StoredJSON | undefined {
  const md = obj.metadata;
  if (!isPlainObject(md)) return undefined;
  const rv = md.resourceVersion;
  if (rv !== undefined) delete md.resourceVersion;
  const mdJSON = JSON.stringify(md);
  // Back as the last member, where a decoded object has it too.
  if (rv !== undefined) md.resourceVersion = rv;
  const { before, after } = aroundMetadata(obj);
  const prefix = Buffer.from(before);
  return {
    head: Buffer.concat([prefix, Buffer.from(mdJSON.slice(0, -1))]),
    metadataAt: prefix.length,
    emptyMetadata: mdJSON === '{}',
    tail: Buffer.from(`}${after}`),
  };
}

/** The stored bytes: the JSON of the object without resourceVersion. */
export function storedBytes(j: StoredJSON): Buffer {
  return Buffer.concat([j.head, j.tail]);
}

/** Sets the shared JSON of a just-written `obj` (its resourceVersion now `rv`) from its stored layout. */
export function primeSharedJSON(obj: KubeObject, j: StoredJSON, rv: string): void {
  if (serialized.has(obj) || !isPlainObject(obj.metadata)) return;
  const rvMember = Buffer.from(`${j.emptyMetadata ? '' : ','}"resourceVersion":${JSON.stringify(rv)}`);
  const buf = Buffer.concat([j.head, rvMember, j.tail]);
  serialized.set(obj, buf);
  // The metadata's own bytes are a view of the same memory (see encodeShared).
  if (!serialized.has(obj.metadata)) serialized.set(obj.metadata, buf.subarray(j.metadataAt, j.head.length + rvMember.length + 1));
}

/**
 * JSON.stringify(obj) as UTF-8, made member by member so that the bytes of `metadata` are
 * known: they become the shared JSON of the metadata object too (a view into the same
 * memory), which a Table row's embedded PartialObjectMetadata reuses instead of holding
 * a second copy of every object's metadata.
 */
function encodeShared(obj: KubeObject): Buffer {
  const md = obj.metadata;
  if (!isPlainObject(md) || serialized.has(md)) return Buffer.from(JSON.stringify(obj));
  const { before, after } = aroundMetadata(obj);
  const prefix = Buffer.from(before);
  const mdBytes = Buffer.from(JSON.stringify(md));
  const buf = Buffer.concat([prefix, mdBytes, Buffer.from(after)]);
  serialized.set(md, buf.subarray(prefix.length, prefix.length + mdBytes.length));
  return buf;
}
