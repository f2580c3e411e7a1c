// The fields a create gives its manager, as the FieldsV1 tree managedFields stores, made in one
// walk of the new object. The general path (Differ.diff against the zero object into a FieldSet,
// less the stripped fields, then FieldSet.toFieldsV1) builds a Map per node, then sorts and
// encodes it; a create (most writes of a scaling workload) needs none of that. The result is
// the same tree, key order included (created-fields.test.ts holds both paths to it).
import { fieldElement, sortByElement, type FieldSet } from './fieldpath.js';
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json.js';
import { elementOf, shapeOf, type TypedWalker, type TypeNode } from './typed.js';

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;

/** Two items of one list with the same path element: their sets merge, which this walk leaves to the general path. */
class SharedElement extends Error {}

/** A node being made: whether it is a member itself, and its encoded children with their path elements. */
interface Node {
  member: boolean;
  children: Array<[string, JsonObject]> | undefined;
}

/**
 * The encoded FieldsV1 of `diff(undefined, obj, zero).changed` less the members of `except`:
 * undefined when that set is empty, null when `obj` has a list two of whose items have the
 * same path element (the general path merges their fields).
 */
export function createdFields(obj: JsonObject, walker: TypedWalker, zero: JsonObject, except: FieldSet): JsonObject | undefined | null {
  try {
    const root = newNode();
    fromZero(obj, walker.types, zero, except, root, true);
    return encode(root, undefined);
  } catch (err) {
    if (err instanceof SharedElement) return null;
    throw err;
  }
}

const newNode = (): Node => ({ member: false, children: undefined });

/** Differ.diff(undefined, v): an object against its zero value when it has one, else all of it. */
function created(v: JsonValue | undefined, tn: TypeNode, zero: JsonObject | undefined, except: FieldSet | undefined): JsonObject | undefined {
  if (v === undefined) return undefined;
  const n = newNode();
  if (zero !== undefined && isJsonObject(v)) fromZero(v, tn, zero, except, n, false);
  else all(v, tn, except, n);
  return encode(n, except);
}

/** Differ.diff(EMPTY, v): a map member by member; an atomic map is one member unless empty. */
function fromZero(v: JsonObject, tn: TypeNode, zero: JsonObject, except: FieldSet | undefined, n: Node, isRoot: boolean): void {
  if (!isRoot && shapeOf(v, tn.type) === 'atomic') {
    n.member = !jsonEqual(EMPTY, v);
    return;
  }
  for (const k in v) {
    const z = zero[k];
    const pe = fieldElement(k);
    add(n, pe, created(v[k], tn.child(k), isJsonObject(z) ? z : undefined, except?.children.get(pe)));
  }
}

/** typed.ts all(): `v` itself and everything below it. */
function all(v: JsonValue | undefined, tn: TypeNode, except: FieldSet | undefined, n: Node): void {
  n.member = true;
  const shape = shapeOf(v as JsonValue, tn.type);
  if (shape === 'map') {
    const o = v as JsonObject;
    for (const k in o) fieldOf(o[k], tn.child(k), except, n, fieldElement(k));
  } else if (shape === 'set' || shape === 'assoc') {
    const seen = new Set<string>();
    for (const item of v as JsonValue[]) {
      const pe = elementOf(item, tn.type, shape);
      if (seen.has(pe)) throw new SharedElement();
      seen.add(pe);
      // typed.ts allItem(): an item is a member; a list-map item's fields are all of it.
      const ex = except?.children.get(pe);
      const c = newNode();
      c.member = true;
      if (shape === 'assoc' && isJsonObject(item)) for (const k in item) fieldOf(item[k], tn.child(k), ex, c, fieldElement(k));
      add(n, pe, encode(c, ex));
    }
  }
}

/** all() of member `pe` of the node `n`. */
function fieldOf(v: JsonValue | undefined, tn: TypeNode, except: FieldSet | undefined, n: Node, pe: string): void {
  const ex = except?.children.get(pe);
  const c = newNode();
  all(v, tn, ex, c);
  add(n, pe, encode(c, ex));
}

const elementOfKid = (kid: [string, JsonObject]): string => kid[0];

function add(n: Node, pe: string, tree: JsonObject | undefined): void {
  if (tree !== undefined) (n.children ??= []).push([pe, tree]);
}

/** FieldSet.toFieldsV1's form of a node less `except`'s member: `{".":{}, …sorted children}`, `{}`, or nothing. */
function encode(n: Node, except: FieldSet | undefined): JsonObject | undefined {
  const member = n.member && except?.member !== true;
  const kids = n.children;
  if (!kids) return member ? {} : undefined;
  sortByElement(kids, elementOfKid);
  const out: JsonObject = member ? { '.': {} } : {};
  for (const [pe, tree] of kids) out[pe] = tree;
  return out;
}
