// Plain JSON values as decoded by JSON.parse. Patch functions work on these
// directly so no field of an object is ever dropped.
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep structural equality (object key order ignored, array order significant). */
export { jsonEqual } from '../storage/object.js';

export function jsonClone<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

/** Deep copy of a plain JSON value; several times faster than structuredClone for these. */
export function copyJson<T extends JsonValue | undefined>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: JsonValue[] = new Array<JsonValue>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out as T;
  }
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__') setKey(out, k, copyJson((v as JsonObject)[k]));
    else out[k] = copyJson((v as JsonObject)[k]);
  }
  return out as T;
}

/** `o[k] = v`, also for an own key named `__proto__` (as JSON.parse makes it). */
export function setKey(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** Kind of a JSON value in the sense Go's reflect.TypeOf would distinguish after json decoding. */
export function jsonKind(v: JsonValue | undefined): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'undefined' {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}
