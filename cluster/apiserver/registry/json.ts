/**
 * Helpers for walking API objects kept as plain, lossless JSON trees.
 * Everything mutates in place and never rebuilds an object, so unknown fields survive.
 */
import { deepClone } from '../storage/object.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `o[key]`, or undefined when absent or not an object. */
export function obj(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

/** The array at `o[key]`, or undefined when absent or not an array. */
export function arr(o: JsonObject | undefined, key: string): unknown[] | undefined {
  const v = o?.[key];
  return Array.isArray(v) ? v : undefined;
}

/** The objects of the array at `o[key]` (non-object items skipped). */
export function objects(o: JsonObject | undefined, key: string): JsonObject[] {
  const a = arr(o, key);
  return a ? (a.filter(isObject) as JsonObject[]) : [];
}

export function str(o: JsonObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(o: JsonObject | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** Go's "unset": missing or JSON null. */
export function isUnset(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Set `o[key] = value` when unset (missing or null). */
export function setDefault(o: JsonObject, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Set `o[key] = value` when unset or the Go zero string "". */
export function setDefaultString(o: JsonObject, key: string, value: string): void {
  const v = o[key];
  if (v === undefined || v === null || v === '') o[key] = value;
}

/** The object at `o[key]`, created as `{}` when unset. */
export function ensureObject(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  if (isObject(v)) return v;
  const created: JsonObject = {};
  if (v === undefined || v === null) o[key] = created;
  return created;
}

/** Structural equality of JSON values (key order ignored; undefined members count as absent). */
export { jsonEqual as deepEqual } from '../storage/object.js';

/** Labels-style string map (non-string values skipped). */
export function stringMap(o: JsonObject | undefined, key: string): Record<string, string> | undefined {
  const m = obj(o, key);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function clone<T>(v: T): T {
  return deepClone(v);
}
