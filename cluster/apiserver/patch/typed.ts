// The structured-merge-diff operations server-side apply is built from (typed.TypedValue in
// sigs.k8s.io/structured-merge-diff): field sets of a value, comparison of two values, merge of
// an applied configuration into a live object, and removal of field paths. Field types come
// from a FieldTypeLookup; without one a list is atomic and an object is a granular map.
import { FieldSet, fieldElement, keyElement, valueElement, type FieldPath, type PathElement } from './fieldpath.js';
import { isJsonObject, jsonClone, jsonEqual, type JsonObject, type JsonValue } from './json.js';
import type { FieldType, FieldTypeLookup } from './schema.js';

type Shape = 'map' | 'atomic' | 'set' | 'assoc' | 'scalar';

export class TypedWalker {
  constructor(private readonly types: FieldTypeLookup) {}

  type(names: string[]): FieldType | undefined {
    return names.length === 0 ? undefined : this.types(names);
  }

  shape(v: JsonValue, names: string[]): Shape {
    const t = this.type(names);
    if (Array.isArray(v)) {
      if (t?.listType === 'set') return 'set';
      if (t?.listType === 'map' && t.listMapKeys?.length) return 'assoc';
      return 'atomic';
    }
    if (isJsonObject(v)) return t?.mapType === 'atomic' ? 'atomic' : 'map';
    return 'scalar';
  }

  /** Path element of a list item: `v:` for sets, `k:` for list-maps (key defaults filled in). */
  itemElement(item: JsonValue, names: string[], shape: 'set' | 'assoc'): PathElement {
    if (shape === 'set') return valueElement(item);
    const t = this.type(names)!;
    const keys: Record<string, JsonValue> = {};
    for (const k of t.listMapKeys ?? []) {
      const v = isJsonObject(item) ? item[k] : undefined;
      if (v !== undefined) keys[k] = v;
      else if (t.listMapKeyDefaults && k in t.listMapKeyDefaults) keys[k] = t.listMapKeyDefaults[k];
    }
    return keyElement(keys);
  }

  /** Fields an applied configuration sets (typed.ToFieldSet): leaves, atomics and list items. */
  toFieldSet(v: JsonValue): FieldSet {
    const set = new FieldSet();
    this.collect(v, [], set, true);
    return set;
  }

  private collect(v: JsonValue, names: string[], node: FieldSet, isRoot = false): void {
    const shape = isRoot ? 'map' : this.shape(v, names);
    switch (shape) {
      case 'map':
        for (const [k, child] of Object.entries(v as JsonObject)) this.collect(child, [...names, k], node.child(fieldElement(k)));
        return;
      case 'set':
      case 'assoc':
        for (const item of v as JsonValue[]) {
          const c = node.child(this.itemElement(item, names, shape));
          c.member = true;
          if (shape === 'assoc' && isJsonObject(item)) {
            for (const [k, child] of Object.entries(item)) this.collect(child, [...names, k], c.child(fieldElement(k)));
          }
        }
        return;
      default:
        node.member = true;
    }
  }

  /**
   * Differences between two values (typed.Compare): leaves whose value changed are modified;
   * every path that appears or disappears, including non-leaf ones, is added or removed.
   * `zero` marks objects that exist (empty) in the old value though absent from it, as the
   * non-pointer structs of a Go zero object do when an object is created.
   */
  compare(a: JsonValue | undefined, b: JsonValue | undefined, zero?: JsonObject): Comparison {
    const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
    this.cmp(a, b, [], [], c, zero, true);
    return c;
  }

  private cmp(
    a: JsonValue | undefined,
    b: JsonValue | undefined,
    names: string[],
    path: FieldPath,
    c: Comparison,
    zero: JsonObject | undefined,
    isRoot = false,
  ): void {
    if (a === undefined && zero !== undefined && isJsonObject(b)) a = {};
    if (a === undefined && b === undefined) return;
    if (a === undefined) return this.all(b!, names, path, c.added, isRoot);
    if (b === undefined) return this.all(a, names, path, c.removed, isRoot);
    const sa = isRoot ? 'map' : this.shape(a, names);
    const sb = isRoot ? 'map' : this.shape(b, names);
    if (sa !== sb) {
      c.modified.insert(path);
      return;
    }
    if (sa === 'map') {
      const ao = a as JsonObject;
      const bo = b as JsonObject;
      for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
        const z = zero && isJsonObject(zero[k]) ? (zero[k] as JsonObject) : undefined;
        this.cmp(ao[k], bo[k], [...names, k], [...path, fieldElement(k)], c, z);
      }
      return;
    }
    if (sa === 'set' || sa === 'assoc') {
      const ia = this.index(a as JsonValue[], names, sa);
      const ib = this.index(b as JsonValue[], names, sa);
      for (const pe of new Set([...ia.keys(), ...ib.keys()])) {
        const x = ia.get(pe);
        const y = ib.get(pe);
        const p = [...path, pe];
        if (sa === 'set' || x === undefined || y === undefined) {
          if (x === undefined) this.allItem(y!, names, p, c.added, sa);
          else if (y === undefined) this.allItem(x, names, p, c.removed, sa);
          continue;
        }
        this.cmpItem(x, y, names, p, c);
      }
      return;
    }
    if (!jsonEqual(a, b)) c.modified.insert(path);
  }

  private cmpItem(x: JsonValue, y: JsonValue, names: string[], p: FieldPath, c: Comparison): void {
    if (!isJsonObject(x) || !isJsonObject(y)) {
      if (!jsonEqual(x, y)) c.modified.insert(p);
      return;
    }
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      this.cmp(x[k], y[k], [...names, k], [...p, fieldElement(k)], c, undefined);
    }
  }

  /** Insert `v`'s path and everything below it. */
  private all(v: JsonValue, names: string[], path: FieldPath, out: FieldSet, isRoot = false): void {
    if (!isRoot) out.insert(path);
    const shape = isRoot ? 'map' : this.shape(v, names);
    if (shape === 'map') {
      for (const [k, child] of Object.entries(v as JsonObject)) this.all(child, [...names, k], [...path, fieldElement(k)], out);
    } else if (shape === 'set' || shape === 'assoc') {
      for (const item of v as JsonValue[]) this.allItem(item, names, [...path, this.itemElement(item, names, shape)], out, shape);
    }
  }

  private allItem(item: JsonValue, names: string[], p: FieldPath, out: FieldSet, shape: 'set' | 'assoc'): void {
    out.insert(p);
    if (shape === 'assoc' && isJsonObject(item)) {
      for (const [k, child] of Object.entries(item)) this.all(child, [...names, k], [...p, fieldElement(k)], out);
    }
  }

  private index(list: JsonValue[], names: string[], shape: 'set' | 'assoc'): Map<PathElement, JsonValue> {
    const m = new Map<PathElement, JsonValue>();
    for (const item of list) {
      const pe = this.itemElement(item, names, shape);
      if (!m.has(pe)) m.set(pe, item);
    }
    return m;
  }

  /** Merge an applied configuration into a live value (typed.Merge): the configuration wins. */
  merge(live: JsonValue | undefined, config: JsonValue | undefined, names: string[] = []): JsonValue | undefined {
    if (config === undefined) return live === undefined ? undefined : jsonClone(live);
    if (live === undefined) return jsonClone(config);
    const isRoot = names.length === 0;
    const sl = isRoot ? 'map' : this.shape(live, names);
    const sc = isRoot ? 'map' : this.shape(config, names);
    if (sl !== sc) return jsonClone(config);
    if (sl === 'map') {
      const out: JsonObject = {};
      const lo = live as JsonObject;
      const co = config as JsonObject;
      for (const k of new Set([...Object.keys(lo), ...Object.keys(co)])) {
        if (co[k] === null) continue; // an applied null unsets the field
        const v = this.merge(lo[k], co[k], [...names, k]);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    if (sl === 'set' || sl === 'assoc') return this.mergeList(live as JsonValue[], config as JsonValue[], names, sl);
    return jsonClone(config);
  }

  /**
   * Associative list merge keeping structured-merge-diff's order (mergingWalker.visitListItems):
   * live order, with shared items placed in the order the configuration gives them and items
   * new in the configuration inserted after the shared item before them.
   */
  private mergeList(lhs: JsonValue[], rhs: JsonValue[], names: string[], shape: 'set' | 'assoc'): JsonValue[] {
    const lPE = lhs.map((v) => this.itemElement(v, names, shape));
    const rPE = rhs.map((v) => this.itemElement(v, names, shape));
    const observedL = new Map<PathElement, JsonValue>();
    lhs.forEach((v, i) => observedL.has(lPE[i]) || observedL.set(lPE[i], v));
    const observedR = new Map<PathElement, JsonValue>();
    rhs.forEach((v, i) => observedR.has(rPE[i]) || observedR.set(rPE[i], v));
    const sharedOrder = rPE.filter((pe) => observedL.has(pe));
    let nextShared = sharedOrder.shift();
    const mergedR = new Set<PathElement>();
    const out: JsonValue[] = [];
    const mergeItem = (pe: PathElement, l: JsonValue | undefined, r: JsonValue | undefined): void => {
      const v = shape === 'set' ? (r ?? l) : this.mergeItem(l, r, names);
      if (v !== undefined) out.push(jsonClone(v));
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

  private mergeItem(l: JsonValue | undefined, r: JsonValue | undefined, names: string[]): JsonValue | undefined {
    if (l === undefined || r === undefined || !isJsonObject(l) || !isJsonObject(r)) return r ?? l;
    const out: JsonObject = {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      if (r[k] === null) continue;
      const v = this.merge(l[k], r[k], [...names, k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /**
   * Remove the member paths of `set` from `v` (typed.RemoveItems). Maps and lists left empty
   * by a removal disappear, as they do upstream once the object is decoded again.
   */
  removeItems(v: JsonObject, set: FieldSet): JsonObject {
    return (this.remove(v, set, [], true) as JsonObject | undefined) ?? {};
  }

  private remove(v: JsonValue, node: FieldSet, names: string[], isRoot = false): JsonValue | undefined {
    const shape = isRoot ? 'map' : this.shape(v, names);
    if (shape === 'map') {
      const out: JsonObject = {};
      for (const [k, child] of Object.entries(v as JsonObject)) {
        const c = node.children.get(fieldElement(k));
        if (!c) out[k] = child;
        else if (c.member) continue;
        else {
          const nv = this.remove(child, c, [...names, k]);
          if (nv !== undefined) out[k] = nv;
        }
      }
      return Object.keys(out).length > 0 || isRoot ? out : undefined;
    }
    if (shape === 'set' || shape === 'assoc') {
      const out: JsonValue[] = [];
      for (const item of v as JsonValue[]) {
        const c = node.children.get(this.itemElement(item, names, shape));
        if (!c) out.push(item);
        else if (c.member) continue;
        else if (isJsonObject(item)) {
          const nv = this.removeItemFields(item, c, names);
          if (nv !== undefined) out.push(nv);
        } else out.push(item);
      }
      return out.length > 0 ? out : undefined;
    }
    return v;
  }

  private removeItemFields(item: JsonObject, node: FieldSet, names: string[]): JsonObject | undefined {
    const out: JsonObject = {};
    for (const [k, child] of Object.entries(item)) {
      const c = node.children.get(fieldElement(k));
      if (!c) out[k] = child;
      else if (c.member) continue;
      else {
        const nv = this.remove(child, c, [...names, k]);
        if (nv !== undefined) out[k] = nv;
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}
