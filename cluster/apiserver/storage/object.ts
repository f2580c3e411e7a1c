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

/**
 * Deep equality of JSON values: object key order ignored, array order significant, a member
 * set to undefined the same as an absent one (as JSON.stringify writes both). The one
 * implementation the server uses (registry's deepEqual and patch's jsonEqual are this).
 * Every update compares specs, managedFields and whole objects with it, so it loops with
 * for-in, which reads V8's enum cache instead of allocating key arrays as Object.keys does
 * (JSON objects have Object.prototype, whose members are not enumerable, or no prototype).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let defined = 0;
  for (const k in ao) {
    const v = ao[k];
    if (v === undefined) continue;
    defined++;
    if (!Object.hasOwn(bo, k) || !jsonEqual(v, bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) defined--;
  return defined === 0;
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
 * An object's JSON in pieces around its metadata.resourceVersion (the object as stored has
 * none). The store keeps the pieces joined; once the write's revision is known the shared
 * JSON is the same pieces with `"resourceVersion":"N"` in the place JSON.stringify would
 * write it (where the object has the member, else metadata's last), so a write encodes its
 * object once, and its key order stays as it came.
 */
export interface StoredJSON {
  /** The object's members before metadata's value, ending in `"metadata":`. */
  before: string;
  /** metadata's members before resourceVersion, and after it (comma-joined; either may be empty). */
  metaBefore: string;
  metaAfter: string;
  /** The members after metadata, and the object's closing brace. */
  after: string;
}

/** Members `keys[from..to)` of `obj` as JSON.stringify writes them, comma-joined. */
function members(obj: Record<string, unknown>, keys: string[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const k = keys[i];
    const v = JSON.stringify(obj[k]);
    if (v === undefined) continue; // as JSON.stringify skips undefined members
    out += `${out ? ',' : ''}${JSON.stringify(k)}:${v}`;
  }
  return out;
}

/** JSON.stringify(obj) split around its metadata object: the text before its value (ending in `"metadata":`) and after it. */
function aroundMetadata(obj: KubeObject): { before: string; after: string } {
  const keys = Object.keys(obj);
  const at = keys.indexOf('metadata');
  const head = members(obj, keys, 0, at);
  const rest = members(obj, keys, at + 1, keys.length);
  return { before: `{${head}${head ? ',' : ''}"metadata":`, after: `${rest ? ',' : ''}${rest}}` };
}

/** `a` and `b` comma-joined, either may be empty. */
const join2 = (a: string, b: string): string => (a && b ? `${a},${b}` : a || b);

/** JSON of `obj` without metadata.resourceVersion, in StoredJSON pieces; undefined when `obj` has no metadata object. */
export function storedJSON(obj: KubeObject): StoredJSON | undefined {
  const md = obj.metadata;
  if (!isPlainObject(md)) return undefined;
  const keys = Object.keys(md);
  const rvAt = keys.indexOf('resourceVersion');
  const split = rvAt < 0 ? keys.length : rvAt;
  return {
    ...aroundMetadata(obj),
    metaBefore: members(md, keys, 0, split),
    metaAfter: members(md, keys, split + 1, keys.length),
  };
}

/** The stored bytes: the JSON of the object without resourceVersion. */
export function storedBytes(j: StoredJSON): Buffer {
  return Buffer.from(`${j.before}{${join2(j.metaBefore, j.metaAfter)}}${j.after}`);
}

/** Sets the shared JSON of a just-written `obj` (its resourceVersion now `rv`) from its stored pieces. */
export function primeSharedJSON(obj: KubeObject, j: StoredJSON, rv: string): void {
  if (serialized.has(obj) || !isPlainObject(obj.metadata)) return;
  const md = `{${join2(join2(j.metaBefore, `"resourceVersion":${JSON.stringify(rv)}`), j.metaAfter)}}`;
  const buf = Buffer.from(j.before + md + j.after);
  serialized.set(obj, buf);
  // The metadata's own bytes are a view of the same memory (see encodeShared).
  if (!serialized.has(obj.metadata)) {
    const at = Buffer.byteLength(j.before);
    serialized.set(obj.metadata, buf.subarray(at, at + Buffer.byteLength(md)));
  }
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
  const mdJSON = JSON.stringify(md);
  const buf = Buffer.from(before + mdJSON + after);
  const at = Buffer.byteLength(before);
  serialized.set(md, buf.subarray(at, at + Buffer.byteLength(mdJSON)));
  return buf;
}
