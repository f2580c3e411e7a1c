/**
 * Converts between protobufjs messages of the Kubernetes API types and the JSON Go's encoding/json writes for the
 * same Go structs, using the field options the generator recorded from kubectl's struct tags:
 *   goPointer    - Go pointer field: on the wire only when set, so a zero there ("replicas: 0") is kept;
 *   jsonKeepZero - value field without omitempty: its zero is written to JSON;
 *   (neither)    - value field with omitempty: gogo always marshals it, JSON drops its zero ("", 0, false);
 *   jsonInline   - `json:",inline"`: the nested message's fields go into the parent (Volume.volumeSource);
 *   jsonName     - the JSON name when it is not the proto name ("-": not in JSON at all).
 * Messages marked goStruct: false have no Go struct behind them: well-known types (./well-known.ts) and
 * `{repeated items = 1}` wrappers of Go slices (metav1.Verbs, authentication ExtraValue) that are JSON arrays.
 */
import protobuf from 'protobufjs';
import { WELL_KNOWN } from './well-known.js';
import { fromBase64, isPlainObject, longToNumber, toBase64 } from './values.js';

interface FieldOptions {
  goPointer?: boolean;
  jsonKeepZero?: boolean;
  jsonInline?: boolean;
  jsonName?: string;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function fieldOptions(field: protobuf.Field): FieldOptions {
  return (field.options ?? {}) as FieldOptions;
}

function jsonNameOf(field: protobuf.Field): string {
  return fieldOptions(field).jsonName ?? field.name;
}

/** A `{repeated items = 1}` message standing for a Go slice type. */
function sliceWrapperItems(type: protobuf.Type): protobuf.Field | undefined {
  if (type.options?.goStruct !== false || type.fieldsArray.length !== 1) return undefined;
  const [field] = type.fieldsArray;
  return field.repeated && field.name === 'items' ? field : undefined;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false || (value instanceof Uint8Array && value.length === 0);
}

// ---- protobuf message -> Go JSON ----

function scalarToJSON(field: protobuf.Field, value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64(value);
  if (INT64.has(field.type)) return longToNumber(value);
  return value;
}

function valueToJSON(field: protobuf.Field, value: unknown, path: string): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return messageToGoJSON(type, value as Record<string, unknown>, path);
  if (type instanceof protobuf.Enum) return type.valuesById[value as number] ?? value;
  return scalarToJSON(field, value);
}

/** The Go JSON value of a decoded message (undefined where Go writes null). */
export function messageToGoJSON(type: protobuf.Type, message: Record<string, unknown>, path = ''): unknown {
  const wellKnown = WELL_KNOWN[type.fullName.slice(1)];
  if (wellKnown) return wellKnown.toJSON(message);
  const items = sliceWrapperItems(type);
  if (items) return ((message.items as unknown[] | undefined) ?? []).map((v, i) => valueToJSON(items, v, `${path}[${i}]`));
  const goStruct = type.options?.goStruct !== false;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!hasOwn(message, field.name)) continue;
    const name = jsonNameOf(field);
    if (name === '-') continue;
    const opts = fieldOptions(field);
    const raw = message[field.name];
    const fieldPath = path ? `${path}.${name}` : name;
    let value: unknown;
    if (field.map) {
      const entries = Object.entries(raw as Record<string, unknown>);
      if (entries.length === 0) continue; // nil and empty maps are both absent on the wire
      value = Object.fromEntries(entries.map(([k, v]) => [k, valueToJSON(field, v, `${fieldPath}[${k}]`)]));
    } else if (field.repeated) {
      const list = raw as unknown[];
      if (list.length === 0) continue;
      value = list.map((v, i) => valueToJSON(field, v, `${fieldPath}[${i}]`));
    } else {
      value = valueToJSON(field, raw, fieldPath);
      if (value === undefined) continue;
      // Without Go struct info fall back to "drop empty strings, keep the rest".
      const dropZero = goStruct ? !opts.goPointer && !opts.jsonKeepZero : value === '';
      if (dropZero && !field.resolvedType && isZero(value)) continue;
    }
    if (opts.jsonInline && isPlainObject(value)) Object.assign(out, value);
    else out[name] = value;
  }
  return out;
}

// ---- Go JSON -> protobuf message (plain object protobufjs can encode) ----

function scalarFromJSON(field: protobuf.Field, value: unknown, path: string): unknown {
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`${path}: expected a string`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new Error(`${path}: expected a boolean`);
      return value;
    case 'bytes':
      return fromBase64(value, path);
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw new Error(`${path}: expected a number`);
      return value;
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${path}: expected an integer`);
      return value;
  }
}

function valueFromJSON(field: protobuf.Field, value: unknown, path: string): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return messageFromGoJSON(type, value, path);
  if (type instanceof protobuf.Enum) return typeof value === 'string' ? type.values[value] : value;
  return scalarFromJSON(field, value, path);
}

/** The protobuf message (as a plain object for Type.encode) of a Go JSON value; throws on a wrong shape. */
export function messageFromGoJSON(type: protobuf.Type, json: unknown, path = ''): Record<string, unknown> {
  const wellKnown = WELL_KNOWN[type.fullName.slice(1)];
  if (wellKnown) return wellKnown.fromJSON(json, path || type.name);
  const items = sliceWrapperItems(type);
  if (items) {
    if (!Array.isArray(json)) throw new Error(`${path}: expected an array`);
    return { items: json.map((v, i) => valueFromJSON(items, v, `${path}[${i}]`)) };
  }
  if (!isPlainObject(json)) throw new Error(`${path || type.name}: expected an object`);
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const opts = fieldOptions(field);
    const name = jsonNameOf(field);
    const fieldPath = path ? `${path}.${name}` : name;
    if (opts.jsonInline) {
      out[field.name] = messageFromGoJSON(field.resolvedType as protobuf.Type, json, path);
      continue;
    }
    if (name === '-' || !hasOwn(json, name) || json[name] === null || json[name] === undefined) continue;
    const value = json[name];
    if (field.map) {
      if (!isPlainObject(value)) throw new Error(`${fieldPath}: expected an object`);
      out[field.name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueFromJSON(field, v, `${fieldPath}[${k}]`)]));
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new Error(`${fieldPath}: expected an array`);
      out[field.name] = value.map((v, i) => valueFromJSON(field, v, `${fieldPath}[${i}]`));
    } else {
      out[field.name] = valueFromJSON(field, value, fieldPath);
    }
  }
  return out;
}
