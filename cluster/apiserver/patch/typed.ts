// The structured-merge-diff operations server-side apply is built from (typed.TypedValue in
// sigs.k8s.io/structured-merge-diff): field sets of a value, comparison of two values, merge of
// an applied configuration into a live object, and removal of field paths. Field types come
// from a FieldTypeLookup; without one a list is atomic and an object is a granular map.
import { FieldSet, fieldElement, keyElement, valueElement, type PathElement } from './fieldpath.js';
import { copyJson, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json.js';
import { isPureFieldTypeLookup, type FieldType, type FieldTypeLookup } from './schema.js';

type Shape = 'map' | 'atomic' | 'set' | 'assoc' | 'scalar';

/** Map keys (labels, annotations, ConfigMap data) are unbounded; a node caches this many children. */
const MAX_CACHED_CHILDREN = 256;

/** The field type at a path of field names, looked up once per path and lookup. */
export class TypeNode {
  private kids: Map<string, TypeNode> | undefined;

  constructor(
    private readonly lookup: FieldTypeLookup,
    private readonly names: string[],
    readonly type: FieldType | undefined,
  ) {}

  child(name: string): TypeNode {
    const kids = (this.kids ??= new Map());
    let c = kids.get(name);
    if (c === undefined) {
      const names = [...this.names, name];
      c = new TypeNode(this.lookup, names, this.lookup(names));
      if (kids.size < MAX_CACHED_CHILDREN) kids.set(name, c);
    }
    return c;
  }

  at(names: string[]): TypeNode {
    return names.reduce<TypeNode>((n, name) => n.child(name), this);
  }
}

/** Type tries of pure lookups (the built-in tables) outlive a request; others last one walk. */
const typeTries = new WeakMap<FieldTypeLookup, TypeNode>();

function typeTrie(lookup: FieldTypeLookup): TypeNode {
  if (!isPureFieldTypeLookup(lookup)) return new TypeNode(lookup, [], undefined);
  let root = typeTries.get(lookup);
  if (!root) typeTries.set(lookup, (root = new TypeNode(lookup, [], undefined)));
  return root;
}

export function shapeOf(v: JsonValue, t: FieldType | undefined): Shape {
  if (Array.isArray(v)) {
    if (t?.listType === 'set') return 'set';
    if (t?.listType === 'map' && t.listMapKeys?.length) return 'assoc';
    return 'atomic';
  }
  if (isJsonObject(v)) return t?.mapType === 'atomic' ? 'atomic' : 'map';
  return 'scalar';
}

/** Path element of a list item: `v:` for sets, `k:` for list-maps (key defaults filled in). */
export function elementOf(item: JsonValue, t: FieldType | undefined, shape: 'set' | 'assoc'): PathElement {
  if (shape === 'set') return valueElement(item);
  const keys: Record<string, JsonValue> = {};
  for (const k of t?.listMapKeys ?? []) {
    const v = isJsonObject(item) ? item[k] : undefined;
    if (v !== undefined) keys[k] = v;
    else if (t?.listMapKeyDefaults && k in t.listMapKeyDefaults) keys[k] = t.listMapKeyDefaults[k];
  }
  return keyElement(keys);
}

/** One key field of a list-map item as its `k:` element sees it (the default when absent). */
function keyValue(item: JsonObject, k: string, t: FieldType): JsonValue | undefined {
  const v = item[k];
  if (v !== undefined) return v;
  return t.listMapKeyDefaults && k in t.listMapKeyDefaults ? t.listMapKeyDefaults[k] : undefined;
}

/**
 * Whether two list-map items have the same `k:` element, without building it: true/false when
 * every key value is a scalar (equal scalars are equal JSON), undefined when that can't tell.
 */
function sameKey(x: JsonObject, y: JsonObject, t: FieldType): boolean | undefined {
  for (const k of t.listMapKeys!) {
    const vx = keyValue(x, k, t);
    const vy = keyValue(y, k, t);
    if (vx === vy) continue;
    if ((typeof vx === 'object' && vx !== null) || (typeof vy === 'object' && vy !== null)) return undefined;
    return false;
  }
  return true;
}

/** Small list-maps whose items pair up by index (same keys, no duplicates) are diffed in place. */
const MAX_PAIRED_ITEMS = 16;

function pairsByIndex(a: JsonValue[], b: JsonValue[], t: FieldType): boolean {
  if (a.length !== b.length || a.length > MAX_PAIRED_ITEMS) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!isJsonObject(x) || !isJsonObject(y) || sameKey(x, y, t) !== true) return false;
    for (let j = 0; j < i; j++) if (sameKey(a[j] as JsonObject, x, t) !== false) return false;
  }
  return true;
}

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;
const hasOwn = (o: JsonObject, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** What changed between two values: fields added or modified, and fields removed. */
export interface Diff {
  changed: FieldSet;
  removed: FieldSet;
}

const FIELD = 0;
const ITEM = 1;
const ELEMENT = 2;

/**
 * typed.Compare folded into the two sets managedFields needs (added ∪ modified, removed),
 * walking both values once. The current path is a stack of unbuilt path elements; a node of
 * an output set is made only when something under it differs, so equal subtrees cost a
 * comparison and no allocation.
 */
class Differ {
  readonly changed = new FieldSet();
  readonly removed = new FieldSet();
  private depth = 0;
  private readonly kinds: number[] = [];
  /** Field name (FIELD), list item (ITEM) or path element (ELEMENT) per level. */
  private readonly raws: (string | JsonValue)[] = [];
  private readonly types: (FieldType | undefined)[] = [];
  private readonly changedNodes: (FieldSet | undefined)[] = [this.changed];
  private readonly removedNodes: (FieldSet | undefined)[] = [this.removed];

  private push(kind: number, raw: string | JsonValue, type?: FieldType): void {
    const d = this.depth++;
    this.kinds[d] = kind;
    this.raws[d] = raw;
    this.types[d] = type;
    this.changedNodes[d + 1] = undefined;
    this.removedNodes[d + 1] = undefined;
  }

  private element(i: number): PathElement {
    const raw = this.raws[i];
    if (this.kinds[i] === FIELD) return fieldElement(raw as string);
    if (this.kinds[i] === ITEM) return elementOf(raw as JsonValue, this.types[i], 'assoc');
    return raw as string;
  }

  /** The node of `set` (changed or removed) at the current path, made on first use. */
  private node(nodes: (FieldSet | undefined)[]): FieldSet {
    let i = this.depth;
    while (nodes[i] === undefined) i--;
    for (; i < this.depth; i++) nodes[i + 1] = nodes[i]!.child(this.element(i));
    return nodes[this.depth]!;
  }

  diff(a: JsonValue | undefined, b: JsonValue | undefined, tn: TypeNode, zero: JsonObject | undefined, isRoot: boolean): void {
    if (a === undefined && zero !== undefined && isJsonObject(b)) a = EMPTY;
    if (a === undefined) {
      if (b !== undefined) all(b, tn, this.node(this.changedNodes), isRoot);
      return;
    }
    if (b === undefined) return all(a, tn, this.node(this.removedNodes), isRoot);
    if (a === b) return;
    const sa = isRoot ? 'map' : shapeOf(a, tn.type);
    const sb = isRoot ? 'map' : shapeOf(b, tn.type);
    if (sa !== sb) {
      this.node(this.changedNodes).member = true;
      return;
    }
    if (sa === 'map') return this.diffMap(a as JsonObject, b as JsonObject, tn, zero);
    if (sa === 'set' || sa === 'assoc') return this.diffList(a as JsonValue[], b as JsonValue[], tn, sa);
    if (!jsonEqual(a, b)) this.node(this.changedNodes).member = true;
  }

  private diffMap(a: JsonObject, b: JsonObject, tn: TypeNode, zero: JsonObject | undefined): void {
    let shared = 0; // keys of `a` that `b` has too
    // for-in: V8's enum cache, no key array per object (see jsonEqual).
    for (const k in a) {
      const av = a[k];
      const bv = hasOwn(b, k) ? (shared++, b[k]) : undefined;
      if (av === bv) continue;
      this.push(FIELD, k);
      if (typeof av !== 'object' && typeof bv !== 'object' && av !== undefined && bv !== undefined) {
        this.node(this.changedNodes).member = true; // two different scalars
      } else {
        this.diff(av, bv, tn.child(k), zero && isJsonObject(zero[k]) ? (zero[k] as JsonObject) : undefined, false);
      }
      this.depth--;
    }
    let added = -shared;
    for (const _ in b) added++;
    if (added === 0) return;
    for (const k in b) {
      if (hasOwn(a, k)) continue;
      this.push(FIELD, k);
      this.diff(undefined, b[k], tn.child(k), zero && isJsonObject(zero[k]) ? (zero[k] as JsonObject) : undefined, false);
      this.depth--;
    }
  }

  private diffList(a: JsonValue[], b: JsonValue[], tn: TypeNode, shape: 'set' | 'assoc'): void {
    const t = tn.type;
    if (shape === 'assoc' && pairsByIndex(a, b, t!)) {
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        this.push(ITEM, a[i], t);
        this.diffMap(a[i] as JsonObject, b[i] as JsonObject, tn, undefined);
        this.depth--;
      }
      return;
    }
    const ia = index(a, t, shape);
    const ib = index(b, t, shape);
    for (const [pe, x] of ia) {
      const y = ib.get(pe);
      if (y !== undefined && shape === 'set') continue;
      this.push(ELEMENT, pe);
      if (y === undefined) allItem(x, tn, this.node(this.removedNodes), shape);
      else this.diffItem(x, y, tn);
      this.depth--;
    }
    for (const [pe, y] of ib) {
      if (ia.has(pe)) continue;
      this.push(ELEMENT, pe);
      allItem(y, tn, this.node(this.changedNodes), shape);
      this.depth--;
    }
  }

  private diffItem(x: JsonValue, y: JsonValue, tn: TypeNode): void {
    if (!isJsonObject(x) || !isJsonObject(y)) {
      if (!jsonEqual(x, y)) this.node(this.changedNodes).member = true;
      return;
    }
    if (x !== y) this.diffMap(x, y, tn, undefined);
  }
}

/** Insert `v`'s node and everything below it. */
function all(v: JsonValue, tn: TypeNode, node: FieldSet, isRoot: boolean): void {
  if (!isRoot) node.member = true;
  const shape = isRoot ? 'map' : shapeOf(v, tn.type);
  if (shape === 'map') {
    const o = v as JsonObject;
    for (const k of Object.keys(o)) all(o[k], tn.child(k), node.child(fieldElement(k)), false);
  } else if (shape === 'set' || shape === 'assoc') {
    for (const item of v as JsonValue[]) allItem(item, tn, node.child(elementOf(item, tn.type, shape)), shape);
  }
}

function allItem(item: JsonValue, tn: TypeNode, node: FieldSet, shape: 'set' | 'assoc'): void {
  node.member = true;
  if (shape === 'assoc' && isJsonObject(item)) {
    for (const k of Object.keys(item)) all(item[k], tn.child(k), node.child(fieldElement(k)), false);
  }
}

/** Items by path element; the first of duplicates wins. */
function index(list: JsonValue[], t: FieldType | undefined, shape: 'set' | 'assoc'): Map<PathElement, JsonValue> {
  const m = new Map<PathElement, JsonValue>();
  for (const item of list) {
    const pe = elementOf(item, t, shape);
    if (!m.has(pe)) m.set(pe, item);
  }
  return m;
}

export class TypedWalker {
  private readonly root: TypeNode;

  constructor(types: FieldTypeLookup) {
    this.root = typeTrie(types);
  }

  /** The field types of the walked object's paths (for created-fields.ts). */
  get types(): TypeNode {
    return this.root;
  }

  type(names: string[]): FieldType | undefined {
    return names.length === 0 ? undefined : this.root.at(names).type;
  }

  shape(v: JsonValue, names: string[]): Shape {
    return shapeOf(v, this.type(names));
  }

  /** Path element of a list item: `v:` for sets, `k:` for list-maps (key defaults filled in). */
  itemElement(item: JsonValue, names: string[], shape: 'set' | 'assoc'): PathElement {
    return elementOf(item, this.type(names), shape);
  }

  /** Fields an applied configuration sets (typed.ToFieldSet): leaves, atomics and list items. */
  toFieldSet(v: JsonValue): FieldSet {
    const set = new FieldSet();
    this.collect(v, this.root, set, true);
    return set;
  }

  private collect(v: JsonValue, tn: TypeNode, node: FieldSet, isRoot = false): void {
    const shape = isRoot ? 'map' : shapeOf(v, tn.type);
    switch (shape) {
      case 'map':
        for (const [k, child] of Object.entries(v as JsonObject)) this.collect(child, tn.child(k), node.child(fieldElement(k)));
        return;
      case 'set':
      case 'assoc':
        for (const item of v as JsonValue[]) {
          const c = node.child(elementOf(item, tn.type, shape));
          c.member = true;
          if (shape === 'assoc' && isJsonObject(item)) {
            for (const [k, child] of Object.entries(item)) this.collect(child, tn.child(k), c.child(fieldElement(k)));
          }
        }
        return;
      default:
        node.member = true;
    }
  }

  /**
   * Differences between two values (typed.Compare), as managedFields uses them: `changed` holds
   * leaves whose value changed and every path that appears, `removed` every path that
   * disappears (non-leaf ones included). `zero` marks objects that exist (empty) in the old
   * value though absent from it, as the non-pointer structs of a Go zero object do when an
   * object is created.
   */
  diff(a: JsonValue | undefined, b: JsonValue | undefined, zero?: JsonObject): Diff {
    const d = new Differ();
    d.diff(a, b, this.root, zero, true);
    return { changed: d.changed, removed: d.removed };
  }

  /** Merge an applied configuration into a live value (typed.Merge): the configuration wins. */
  merge(live: JsonValue | undefined, config: JsonValue | undefined): JsonValue | undefined {
    return this.mergeAt(live, config, this.root, true);
  }

  private mergeAt(live: JsonValue | undefined, config: JsonValue | undefined, tn: TypeNode, isRoot = false): JsonValue | undefined {
    if (config === undefined) return live === undefined ? undefined : copyJson(live);
    if (live === undefined) return copyJson(config);
    const sl = isRoot ? 'map' : shapeOf(live, tn.type);
    const sc = isRoot ? 'map' : shapeOf(config, tn.type);
    if (sl !== sc) return copyJson(config);
    if (sl === 'map') {
      const out: JsonObject = {};
      const lo = live as JsonObject;
      const co = config as JsonObject;
      for (const k of new Set([...Object.keys(lo), ...Object.keys(co)])) {
        if (co[k] === null) continue; // an applied null unsets the field
        const v = this.mergeAt(lo[k], co[k], tn.child(k));
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    if (sl === 'set' || sl === 'assoc') return this.mergeList(live as JsonValue[], config as JsonValue[], tn, sl);
    return copyJson(config);
  }

  /**
   * Associative list merge keeping structured-merge-diff's order (mergingWalker.visitListItems):
   * live order, with shared items placed in the order the configuration gives them and items
   * new in the configuration inserted after the shared item before them.
   */
  private mergeList(lhs: JsonValue[], rhs: JsonValue[], tn: TypeNode, shape: 'set' | 'assoc'): JsonValue[] {
    const lPE = lhs.map((v) => elementOf(v, tn.type, shape));
    const rPE = rhs.map((v) => elementOf(v, tn.type, shape));
    const observedL = new Map<PathElement, JsonValue>();
    lhs.forEach((v, i) => observedL.has(lPE[i]) || observedL.set(lPE[i], v));
    const observedR = new Map<PathElement, JsonValue>();
    rhs.forEach((v, i) => observedR.has(rPE[i]) || observedR.set(rPE[i], v));
    const sharedOrder = rPE.filter((pe) => observedL.has(pe));
    let nextShared = sharedOrder.shift();
    const mergedR = new Set<PathElement>();
    const out: JsonValue[] = [];
    const mergeItem = (pe: PathElement, l: JsonValue | undefined, r: JsonValue | undefined): void => {
      const v = shape === 'set' ? (r ?? l) : this.mergeItem(l, r, tn);
      if (v !== undefined) out.push(copyJson(v));
    };
    let li = 0;
    let ri = 0;
    while (li < lhs.length || ri < rhs.length) {
      if (li < lhs.length && ri < rhs.length) {
        const pe = lPE[li];
        if (pe === rPE[ri]) {
          mergedR.add(pe);
          mergeItem(pe, observedL.get(pe), observedR.get(pe));
          li++;
          ri++;
          nextShared = sharedOrder.shift();
          continue;
        }
        if (observedR.has(pe) && nextShared !== undefined && nextShared !== pe) {
          li++;
          continue;
        }
      }
      if (li < lhs.length) {
        const pe = lPE[li];
        if (!observedR.has(pe)) {
          mergeItem(pe, lhs[li], undefined);
          li++;
          continue;
        } else if (mergedR.has(pe)) {
          li++;
          continue;
        }
      }
      if (ri < rhs.length) {
        const pe = rPE[ri];
        mergedR.add(pe);
        mergeItem(pe, observedL.get(pe), observedR.get(pe));
        ri++;
        if (nextShared !== undefined && nextShared === pe) nextShared = sharedOrder.shift();
      }
    }
    return out;
  }

  private mergeItem(l: JsonValue | undefined, r: JsonValue | undefined, tn: TypeNode): JsonValue | undefined {
    if (l === undefined || r === undefined || !isJsonObject(l) || !isJsonObject(r)) return r ?? l;
    const out: JsonObject = {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      if (r[k] === null) continue;
      const v = this.mergeAt(l[k], r[k], tn.child(k));
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /**
   * Remove the member paths of `set` from `v` (typed.RemoveItems). Maps and lists left empty
   * by a removal disappear, as they do upstream once the object is decoded again.
   */
  removeItems(v: JsonObject, set: FieldSet): JsonObject {
    return (this.remove(v, set, this.root, true) as JsonObject | undefined) ?? {};
  }

  private remove(v: JsonValue, node: FieldSet, tn: TypeNode, isRoot = false): JsonValue | undefined {
    const shape = isRoot ? 'map' : shapeOf(v, tn.type);
    if (shape === 'map') {
      const out: JsonObject = {};
      for (const [k, child] of Object.entries(v as JsonObject)) {
        const c = node.children.get(fieldElement(k));
        if (!c) out[k] = child;
        else if (c.member) continue;
        else {
          const nv = this.remove(child, c, tn.child(k));
          if (nv !== undefined) out[k] = nv;
        }
      }
      return Object.keys(out).length > 0 || isRoot ? out : undefined;
    }
    if (shape === 'set' || shape === 'assoc') {
      const out: JsonValue[] = [];
      for (const item of v as JsonValue[]) {
        const c = node.children.get(elementOf(item, tn.type, shape));
        if (!c) out.push(item);
        else if (c.member) continue;
        else if (isJsonObject(item)) {
          const nv = this.removeItemFields(item, c, tn);
          if (nv !== undefined) out.push(nv);
        } else out.push(item);
      }
      return out.length > 0 ? out : undefined;
    }
    return v;
  }

  private removeItemFields(item: JsonObject, node: FieldSet, tn: TypeNode): JsonObject | undefined {
    const out: JsonObject = {};
    for (const [k, child] of Object.entries(item)) {
      const c = node.children.get(fieldElement(k));
      if (!c) out[k] = child;
      else if (c.member) continue;
      else {
        const nv = this.remove(child, c, tn.child(k));
        if (nv !== undefined) out[k] = nv;
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
}
