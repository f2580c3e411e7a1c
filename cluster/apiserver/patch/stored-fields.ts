// Questions about a managedFields entry's FieldsV1 answered on the JSON tree as stored, without
// decoding it into a FieldSet. Upstream (fieldmanager.DecodeManagedFields / EncodeObjectManagedFields)
// decodes and re-encodes every entry on every write; a write that leaves an owner's fields
// alone (a kubelet's status update, a controller changing values it already owns) can keep
// that owner's tree as it is, provided the tree is exactly what encoding its set would give.
import { compareElements, elementItself, sortByElement, type FieldSet } from './fieldpath.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

const hasOwn = (o: JsonObject, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The child node `pe` of a FieldsV1 node ("." is a marker, not a child). */
function childOf(node: JsonValue | undefined, pe: string): JsonValue | undefined {
  return pe !== '.' && isJsonObject(node) && hasOwn(node, pe) ? node[pe] : undefined;
}

/** Whether a (non-root) FieldsV1 node is itself a field of the set: a leaf `{}`, or a node carrying ".". */
function isMember(node: JsonValue | undefined): boolean {
  if (!isJsonObject(node)) return false;
  return hasOwn(node, '.') || Object.keys(node).length === 0;
}

/** Whether the set FieldsV1 `fields` encodes has a member of `set` (a non-empty intersection). */
export function ownsAnyOf(fields: JsonValue | undefined, set: FieldSet): boolean {
  for (const [pe, c] of set.children) {
    const node = childOf(fields, pe);
    if (node === undefined) continue;
    if (c.member && isMember(node)) return true;
    if (c.children.size > 0 && ownsAnyOf(node, c)) return true;
  }
  return false;
}

const NOT_ENCODED = 0;
const ENCODED = 1;
/** Encoded form, and every node frozen: the answer holds for good. */
const ENCODED_FROZEN = 2;

/** Deep-frozen trees (the watch cache's interned ones, storage/fields-interner.ts) known to be in encoded form. */
const encodedFrozen = new WeakSet<object>();

/**
 * Whether `fields` is exactly what FieldSet.toFieldsV1 gives for the set it decodes to, key
 * order included, and that set is not empty: then it can stand for its set in managedFields.
 */
export function isEncodedForm(fields: JsonValue | undefined): fields is JsonObject {
  if (!isJsonObject(fields)) return false;
  if (encodedFrozen.has(fields)) return true;
  const form = formOf(fields, true);
  if (form === ENCODED_FROZEN) encodedFrozen.add(fields);
  return form !== NOT_ENCODED;
}

/**
 * The encoder's output (fieldpath.ts encode): `".": {}` first on a member node with children,
 * then children sorted by compareElements; a leaf member is `{}`; no "." on the root, which
 * has a child.
 */
function formOf(node: JsonObject, isRoot: boolean): number {
  let frozen = Object.isFrozen(node);
  let n = 0;
  let prev: string | undefined;
  for (const k in node) {
    const child = node[k];
    if (!isTree(child)) return NOT_ENCODED;
    if (k === '.') {
      if (n > 0 || isRoot || !isEmptyTree(child)) return NOT_ENCODED;
      frozen &&= Object.isFrozen(child);
    } else {
      if (k === '__proto__' || (prev !== undefined && !inOrder(prev, k))) return NOT_ENCODED;
      const form = formOf(child, false);
      if (form === NOT_ENCODED) return NOT_ENCODED;
      frozen &&= form === ENCODED_FROZEN;
      prev = k;
    }
    n++;
  }
  // A lone "." is written `{}`; the root has a child.
  if (prev === undefined && (n > 0 || isRoot)) return NOT_ENCODED;
  return frozen ? ENCODED_FROZEN : ENCODED;
}

/** A plain object (local: this runs once per node of every tree checked). */
function isTree(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyTree(v: JsonObject): boolean {
  for (const k in v) if (hasOwn(v, k)) return false;
  return true;
}

/** compareElements(a, b) < 0, without ranking elements of the same kind other than `i:` (which compare as numbers). */
function inOrder(a: string, b: string): boolean {
  const ca = a.charCodeAt(0);
  if (ca === b.charCodeAt(0) && ca !== 105) return a < b;
  // `!(… >= 0)` would accept incomparable `i:` elements (NaN); these are refused.
  return compareElements(a, b) < 0;
}

/**
 * `fields`, or `previous` (the same owner's tree in the object before the write) when that is
 * a deep-frozen tree in encoded form with the same content: the encoder would give it for
 * `fields` too, and sharing it keeps the watch cache's interned trees (no copy to intern again).
 */
export function preferShared(fields: JsonValue | undefined, previous: JsonValue | undefined): JsonValue | undefined {
  if (fields === previous || !isTree(previous) || !Object.isFrozen(previous)) return fields;
  // isEncodedForm records deep-frozen trees in encodedFrozen.
  const shareable = isEncodedForm(previous) && encodedFrozen.has(previous);
  return shareable && sameTree(fields, previous) ? previous : fields;
}

/** jsonEqual for FieldsV1 trees (objects only; `b` well-formed). */
function sameTree(a: JsonValue | undefined, b: JsonObject): boolean {
  if (a === b) return true;
  if (!isTree(a)) return false;
  let n = 0;
  for (const k in a) {
    if (!hasOwn(b, k)) return false;
    const bv = b[k];
    if (!sameTree(a[k], bv as JsonObject)) return false;
    n++;
  }
  for (const k in b) if (hasOwn(b, k)) n--;
  return n === 0;
}

/**
 * The encoded tree of the set `fields` (in encoded form) encodes plus the members of `set`
 * that `except` lacks — `fields` itself when it has them all already: the tree FieldSet.toFieldsV1 would give for that union, made by
 * re-encoding only the nodes on the paths that gain a member and sharing every other
 * subtree of `fields` (a manager that starts owning a new annotation copies three small
 * nodes instead of decoding and encoding its whole set).
 */
export function withMembers(fields: JsonObject, set: FieldSet, except: FieldSet | undefined): JsonObject {
  return withChildren(fields, set, except, false) ?? fields;
}

function withMembersAt(node: JsonObject | undefined, set: FieldSet, except: FieldSet | undefined): JsonObject | undefined {
  const was = isMember(node);
  const becomes = !was && set.member && !except?.member;
  return withChildren(node, set, except, was || becomes, becomes);
}

/**
 * `node` with the members of `set` added below it, encoded as a member node when `member`;
 * `node` itself when nothing is added and it did not just become a member (`became`).
 */
function withChildren(node: JsonObject | undefined, set: FieldSet, except: FieldSet | undefined, member: boolean, became = false): JsonObject | undefined {
  let grown: Map<string, JsonObject> | undefined;
  for (const [pe, c] of set.children) {
    const old = childOf(node, pe) as JsonObject | undefined;
    const next = withMembersAt(old, c, except?.children.get(pe));
    if (next !== undefined && next !== old) (grown ??= new Map()).set(pe, next);
  }
  if (!grown && !became) return node;
  const keys: string[] = [];
  if (node) for (const k in node) if (k !== '.') keys.push(k);
  if (grown) for (const k of grown.keys()) if (!node || !hasOwn(node, k)) keys.push(k);
  sortByElement(keys, elementItself);
  const out: JsonObject = member && keys.length > 0 ? { '.': {} } : {};
  for (const k of keys) out[k] = grown?.get(k) ?? (node![k] as JsonObject);
  return out;
}
