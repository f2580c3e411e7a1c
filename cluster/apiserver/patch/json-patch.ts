// RFC 6902 JSON Patch, applied the way kube-apiserver applies `application/json-patch+json`:
// with gopkg.in/evanphx/json-patch.v4 (endpoints/handlers/patch.go). We mirror that library's
// behaviour and error texts rather than the strictest reading of the RFC, because those are
// what kubectl users see: negative array indices count from the end, `replace` of a missing
// object member adds it, `copy` from a missing member copies null, `null` and a missing value
// are the same thing. Hand-written on purpose: no npm library reproduces these messages.
import { PatchError } from './errors.js';
import { isJsonObject, jsonClone, jsonEqual, type JsonObject, type JsonValue } from './json.js';

/** kube-apiserver refuses JSON patches with more operations than this (handlers/patch.go). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export type JsonPatchOperation = JsonObject;

type Container = JsonObject | JsonValue[];

class OpError extends Error {}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function decodeKey(token: string): string {
  // RFC 6901 §4: '~1' -> '/', then '~0' -> '~' (a single left-to-right pass, like strings.NewReplacer).
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** Go's strconv.Atoi, including its error text. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

function isContainer(v: JsonValue | undefined): v is Container {
  return Array.isArray(v) || isJsonObject(v);
}

/** Returns the container holding the last token of `path`, or undefined (evanphx findObject). */
function findObject(doc: Container, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = get(cur, decodeKey(part));
    } catch {
      return undefined;
    }
    if (!isContainer(next)) return undefined;
    cur = next;
  }
  return { con: cur, key: decodeKey(split[split.length - 1]) };
}

function get(con: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(con)) return Object.prototype.hasOwnProperty.call(con, key) ? con[key] : undefined;
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length;
  }
  if (idx >= con.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  return con[idx];
}

function add(con: Container, key: string, val: JsonValue): void {
  if (!Array.isArray(con)) {
    con[key] = val;
    return;
  }
  if (key === '-') {
    con.push(val);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new OpError(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  const size = con.length + 1;
  if (idx >= size) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -size) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += size;
  }
  con.splice(idx, 0, val);
}

function set(con: Container, key: string, val: JsonValue): void {
  if (!Array.isArray(con)) {
    con[key] = val;
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length;
  }
  con[idx] = val;
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!Object.prototype.hasOwnProperty.call(con, key)) {
      throw new OpError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    }
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -con.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length;
  }
  con.splice(idx, 1);
}

function stringField(op: JsonPatchOperation, name: 'path' | 'from'): string | undefined {
  const v = op[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    throw new OpError(`json: cannot unmarshal ${jsonTypeName(v)} into Go value of type string`);
  }
  return v;
}

function jsonTypeName(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (isJsonObject(v)) return 'object';
  return typeof v;
}

function requirePath(op: JsonPatchOperation, kind: string): string {
  let p: string | undefined;
  try {
    p = stringField(op, 'path');
  } catch (e) {
    throw new OpError(`${kind} operation failed to decode path: ${(e as Error).message}`);
  }
  if (p === undefined) {
    // v4 loses the inner error for add/remove/copy and reports just ErrMissing.
    const inner = kind === 'add' || kind === 'remove' || kind === 'copy' ? '' : 'operation missing path field: ';
    throw new OpError(`${kind} operation failed to decode path: ${inner}${MISSING}`);
  }
  return p;
}

function requireFrom(op: JsonPatchOperation, kind: string): string {
  let f: string | undefined;
  try {
    f = stringField(op, 'from');
  } catch (e) {
    throw new OpError(`${kind} operation failed to decode from: ${(e as Error).message}`);
  }
  if (f === undefined) throw new OpError(`${kind} operation failed to decode from: operation, missing from field: ${MISSING}`);
  return f;
}

/** `value` of an operation; a missing value and `null` are the same (Go decodes both to nil). */
function opValue(op: JsonPatchOperation): JsonValue {
  const v = op.value;
  return v === undefined ? null : jsonClone(v);
}

function wrap(prefix: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`${prefix}: ${e.message}`);
    throw e;
  }
}

function applyOne(root: { doc: Container }, op: JsonPatchOperation): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = requirePath(op, kind);
      const t = findObject(root.doc, path);
      if (!t) throw new OpError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      wrap(`error in add for path: '${path}'`, () => add(t.con, t.key, opValue(op)));
      return;
    }
    case 'remove': {
      const path = requirePath(op, kind);
      const t = findObject(root.doc, path);
      if (!t) throw new OpError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      wrap(`error in remove for path: '${path}'`, () => remove(t.con, t.key));
      return;
    }
    case 'replace': {
      const path = requirePath(op, kind);
      if (path === '') {
        const v = opValue(op);
        if (!isContainer(v)) throw new OpError(`replace operation value must be object or array: %!w(<nil>)`);
        root.doc = v;
        return;
      }
      const t = findObject(root.doc, path);
      if (!t) throw new OpError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
      try {
        get(t.con, t.key);
      } catch {
        throw new OpError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
      }
      wrap(`error in remove for path: '${path}'`, () => set(t.con, t.key, opValue(op)));
      return;
    }
    case 'move': {
      const from = requireFrom(op, kind);
      const f = findObject(root.doc, from);
      if (!f) throw new OpError(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      let val: JsonValue | undefined;
      wrap(`error in move for path: '${f.key}'`, () => {
        val = get(f.con, f.key);
        remove(f.con, f.key);
      });
      const path = requirePath(op, kind);
      const t = findObject(root.doc, path);
      if (!t) throw new OpError(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      wrap(`error in move for path: '${path}'`, () => add(t.con, t.key, val ?? null));
      return;
    }
    case 'test': {
      const path = requirePath(op, kind);
      const want = op.value === undefined ? null : op.value;
      if (path === '') {
        if (!jsonEqual(root.doc, want)) throw new OpError(`testing value ${path} failed: test failed`);
        return;
      }
      const t = findObject(root.doc, path);
      if (!t) throw new OpError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
      let got: JsonValue | undefined;
      wrap(`error in test for path: '${path}'`, () => {
        got = get(t.con, t.key);
      });
      // A missing member, a null member and a null/missing value all compare equal (Go nil).
      if (!jsonEqual(got ?? null, want)) throw new OpError(`testing value ${path} failed: test failed`);
      return;
    }
    case 'copy': {
      const from = requireFrom(op, kind);
      const f = findObject(root.doc, from);
      if (!f) throw new OpError(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      let val: JsonValue | undefined;
      wrap(`error in copy for from: '${from}'`, () => {
        val = get(f.con, f.key);
      });
      const path = requirePath(op, kind);
      const t = findObject(root.doc, path);
      if (!t) throw new OpError(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      const copied = val === undefined ? null : jsonClone(val);
      wrap('error while adding value during copy', () => add(t.con, t.key, copied));
      return;
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`);
  }
}

/**
 * Applies an RFC 6902 patch (already JSON-decoded) to `doc` and returns the new document; `doc`
 * is not modified. Throws PatchError: 400 when the patch is not a list of operations (upstream:
 * BadRequest from DecodePatch) or too long, 422 when an operation does not apply.
 */
export function applyJsonPatch<T extends JsonValue>(doc: T, patch: JsonValue): JsonValue {
  if (!Array.isArray(patch)) {
    throw new PatchError(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type jsonpatch.Patch`, 400);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
      413,
    );
  }
  for (const op of patch) {
    if (!isJsonObject(op)) {
      throw new PatchError(`json: cannot unmarshal ${jsonTypeName(op)} into Go value of type jsonpatch.Operation`, 400);
    }
  }
  if (!isContainer(doc)) return doc;
  const root = { doc: jsonClone(doc) as Container };
  for (const op of patch as JsonObject[]) {
    try {
      applyOne(root, op);
    } catch (e) {
      if (e instanceof OpError) throw new PatchError(e.message, 422);
      throw e;
    }
  }
  return root.doc;
}
