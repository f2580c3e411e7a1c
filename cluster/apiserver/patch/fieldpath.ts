// Sets of field paths as structured-merge-diff keeps them for metadata.managedFields, with
// their FieldsV1 wire form: `f:<field>`, `k:<json of list-map keys>`, `v:<json of set value>`,
// `i:<index>`; a node that is itself a member and has children carries `".": {}`.
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

/** One path element in FieldsV1 spelling, e.g. 'f:spec' or 'k:{"name":"nginx"}'. */
export type PathElement = string;
export type FieldPath = PathElement[];

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromFieldsV1(v: JsonValue | undefined, isRoot = true): FieldSet {
    const s = new FieldSet();
    if (!isJsonObject(v)) return s;
    for (const k of Object.keys(v)) {
      if (k === '.') s.member = true;
      else s.children.set(k, FieldSet.fromFieldsV1(v[k], false));
    }
    // `{}` is a leaf member; a node with children is a member only when it carries ".".
    if (!isRoot && s.children.size === 0) s.member = true;
    return s;
  }

  static fromPaths(paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  node(path: FieldPath): FieldSet | undefined {
    if (path.length === 0) return this;
    let n = this.children.get(path[0]);
    for (let i = 1; i < path.length && n; i++) n = n.children.get(path[i]);
    return n;
  }

  insert(path: FieldPath): void {
    if (path.length === 0) {
      this.member = true;
      return;
    }
    let n = this.child(path[0]);
    for (let i = 1; i < path.length; i++) n = n.child(path[i]);
    n.member = true;
  }

  has(path: FieldPath): boolean {
    return this.node(path)?.member === true;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Member paths, in FieldsV1 order. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    collectPaths(this, prefix, out);
    return out;
  }

  // The set operations below return sets without empty nodes, and the root is never a member
  // of a result (a field set holds paths of fields, and the root is not one).
  clone(): FieldSet {
    return asRoot(copyOf(this));
  }

  union(other: FieldSet): FieldSet {
    return asRoot(unionOf(this, other));
  }

  difference(other: FieldSet): FieldSet {
    return asRoot(differenceOf(this, other));
  }

  intersection(other: FieldSet): FieldSet {
    return asRoot(intersectionOf(this, other));
  }

  equals(other: FieldSet): boolean {
    return sameMembers(this, other, true);
  }

  toFieldsV1(): JsonObject {
    return encode(this, false) ?? {};
  }
}

function collectPaths(s: FieldSet, prefix: FieldPath, out: FieldPath[]): void {
  if (s.member && prefix.length > 0) out.push(prefix);
  if (s.children.size === 0) return;
  for (const pe of sortedElements(s.children.keys())) collectPaths(s.children.get(pe)!, [...prefix, pe], out);
}

function asRoot(s: FieldSet | undefined): FieldSet {
  if (!s) return new FieldSet();
  s.member = false;
  return s;
}

function nonEmpty(s: FieldSet): FieldSet | undefined {
  return s.member || s.children.size > 0 ? s : undefined;
}

/** A copy without empty nodes; undefined when `s` holds no member. */
function copyOf(s: FieldSet): FieldSet | undefined {
  const out = new FieldSet();
  out.member = s.member;
  for (const [pe, c] of s.children) {
    const cc = copyOf(c);
    if (cc) out.children.set(pe, cc);
  }
  return nonEmpty(out);
}

function unionOf(a: FieldSet, b: FieldSet): FieldSet | undefined {
  const out = new FieldSet();
  out.member = a.member || b.member;
  for (const [pe, ac] of a.children) {
    const bc = b.children.get(pe);
    const u = bc ? unionOf(ac, bc) : copyOf(ac);
    if (u) out.children.set(pe, u);
  }
  for (const [pe, bc] of b.children) {
    if (a.children.has(pe)) continue;
    const u = copyOf(bc);
    if (u) out.children.set(pe, u);
  }
  return nonEmpty(out);
}

function differenceOf(a: FieldSet, b: FieldSet): FieldSet | undefined {
  const out = new FieldSet();
  out.member = a.member && !b.member;
  for (const [pe, ac] of a.children) {
    const bc = b.children.get(pe);
    const d = bc ? differenceOf(ac, bc) : copyOf(ac);
    if (d) out.children.set(pe, d);
  }
  return nonEmpty(out);
}

function intersectionOf(a: FieldSet, b: FieldSet): FieldSet | undefined {
  const out = new FieldSet();
  out.member = a.member && b.member;
  for (const [pe, ac] of a.children) {
    const bc = b.children.get(pe);
    const i = bc ? intersectionOf(ac, bc) : undefined;
    if (i) out.children.set(pe, i);
  }
  return nonEmpty(out);
}

function sameMembers(a: FieldSet, b: FieldSet, isRoot: boolean): boolean {
  if (!isRoot && a.member !== b.member) return false;
  let n = 0;
  for (const [pe, ac] of a.children) {
    if (ac.isEmpty()) continue;
    const bc = b.children.get(pe);
    if (!bc || !sameMembers(ac, bc, false)) return false;
    n++;
  }
  for (const bc of b.children.values()) if (!bc.isEmpty()) n--;
  return n === 0;
}

/** FieldsV1 of the children of `s` (with `".": {}` first when `dot`); undefined when none. */
function encode(s: FieldSet, dot: boolean): JsonObject | undefined {
  if (s.children.size === 0) return undefined;
  const out: JsonObject = dot ? { '.': {} } : {};
  let n = 0;
  for (const pe of sortedElements(s.children.keys())) {
    const c = s.children.get(pe)!;
    const body = encode(c, c.member);
    if (body) out[pe] = body;
    else if (c.member) out[pe] = {};
    else continue;
    n++;
  }
  return n > 0 ? out : undefined;
}

/**
 * `set = set.difference(other)` without copying `set`: clears the members `other` has and drops
 * the nodes that leaves empty. For sets this module owns (decoded managedFields), never shared.
 */
export function subtractInPlace(set: FieldSet, other: FieldSet): void {
  for (const [pe, oc] of other.children) {
    const c = set.children.get(pe);
    if (!c) continue;
    if (oc.member) c.member = false;
    if (oc.children.size > 0) subtractInPlace(c, oc);
    if (!c.member && c.children.size === 0) set.children.delete(pe);
  }
}

/** `set = set.union(other)`, consuming `other`: its nodes are moved into `set`, not copied. */
export function mergeInPlace(set: FieldSet, other: FieldSet): void {
  for (const [pe, oc] of other.children) {
    const c = set.children.get(pe);
    if (!c) {
      set.children.set(pe, oc);
      continue;
    }
    if (oc.member) c.member = true;
    mergeInPlace(c, oc);
  }
}

/** structured-merge-diff orders field names, then keys, then values, then indices. */
function elementRank(pe: PathElement): number {
  switch (pe.charCodeAt(0)) {
    case 102: // f
      return 0;
    case 107: // k
      return 1;
    case 118: // v
      return 2;
    case 105: // i
      return 3;
    default:
      return 9;
  }
}

/** The order FieldsV1 keys are encoded in (negative when `a` comes first). */
export function compareElements(a: PathElement, b: PathElement): number {
  const ta = elementRank(a);
  const tb = elementRank(b);
  if (ta !== tb) return ta - tb;
  if (ta === 3) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts `list` by compareElements of `elementOf` each item, in place. A node's children are
 * mostly a handful, often in order already: those get an insertion sort, as Array.prototype.sort's
 * work array was a tenth of what a write allocated; longer lists (a ConfigMap's thousand keys) get
 * the library sort unless they are in order already (sets decoded from FieldsV1 are).
 */
export function sortByElement<T>(list: T[], elementOf: (t: T) => PathElement): void {
  if (list.length > 32) {
    for (let i = 1; i < list.length; i++) {
      if (compareElements(elementOf(list[i - 1]), elementOf(list[i])) > 0) {
        list.sort((a, b) => compareElements(elementOf(a), elementOf(b)));
        return;
      }
    }
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const item = list[i];
    const pe = elementOf(item);
    let j = i - 1;
    while (j >= 0 && compareElements(elementOf(list[j]), pe) > 0) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = item;
  }
}

/** sortByElement's `elementOf` for a list of path elements. */
export const elementItself = (pe: PathElement): PathElement => pe;

function sortedElements(keys: Iterable<PathElement>): PathElement[] {
  const list = [...keys];
  sortByElement(list, elementItself);
  return list;
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{"containerPort":80,"protocol":"TCP"}`: key fields sorted by name. */
export function keyElement(keys: Record<string, JsonValue>): PathElement {
  const sorted: JsonObject = {};
  for (const k of Object.keys(keys).sort()) sorted[k] = keys[k];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(v: JsonValue): PathElement {
  return `v:${JSON.stringify(v)}`;
}

/** structured-merge-diff value.ToString: strings quoted, numbers and bools bare. */
function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  if (isJsonObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueToString(x)}`).join('');
  return String(v);
}

/** Human form used in conflict messages: `.spec.containers[name="nginx"].image`. */
export function pathToString(path: FieldPath): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as JsonObject;
          return `[${Object.keys(keys)
            .map((k) => `${k}=${valueToString(keys[k])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${valueToString(JSON.parse(body) as JsonValue)}]`;
        case 'i':
          return `[${body}]`;
        default:
          return '{{invalid path element}}';
      }
    })
    .join('');
}
