// Strategic merge patch (`application/strategic-merge-patch+json`) as kube-apiserver applies
// it: a port of k8s.io/apimachinery/pkg/util/strategicpatch StrategicMergeMapPatch with
// MergeParallelList and IgnoreUnmatchedNulls on. Directives: `$patch: replace|delete|merge`,
// `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`, `$retainKeys`; null deletes a field.
import { PatchError, type PatchErrorStatus } from './errors.js';
import { isJsonObject, jsonClone, jsonKind, type JsonObject, type JsonValue } from './json.js';
import type { PatchMeta, PatchMetaLookup } from './schema.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// Errors of k8s.io/apimachinery/pkg/util/mergepatch, with the status interpretStrategicMergePatchError gives them.
const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';

function fail(message: string, status: PatchErrorStatus = 500): never {
  throw new PatchError(message, status);
}

/** Go's %v of a decoded JSON value, for error messages that embed one. */
function goString(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isJsonObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goString(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function goTypeName(v: JsonValue | undefined): string {
  switch (jsonKind(v)) {
    case 'object':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    default:
      return '<nil>';
  }
}

function errBadArgType(expected: string, actual: JsonValue | undefined): never {
  return fail(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function errNoMergeKey(m: JsonObject, key: string): never {
  return fail(`map: ${goString(m)} does not contain declared merge key: ${key}`);
}

/** Split a patchStrategy like 'merge,retainKeys' into its non-retainKeys part. */
function strategyOf(meta: PatchMeta | undefined): string {
  const strategies = meta?.patchStrategy ? meta.patchStrategy.split(',') : [];
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0];
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1];
    if (strategies[1] === 'retainKeys') return strategies[0];
  }
  return fail(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

class Merger {
  constructor(private readonly lookup: PatchMetaLookup) {}

  meta(path: string[]): { strategy: string; mergeKey: string } {
    const m = this.lookup(path);
    return { strategy: strategyOf(m), mergeKey: m?.patchMergeKey ?? '' };
  }

  mergeMap(original: JsonObject, patch: JsonObject, path: string[]): JsonObject {
    if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) return this.directiveInMap(patch[DIRECTIVE], patch);
    this.applyRetainKeys(original, patch);
    this.mergeSetElementOrder(original, patch, path);

    for (const [rawKey, patchV] of Object.entries(patch)) {
      let k = rawKey;
      let isDeleteList = false;
      if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete original[k];
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(original, k) || jsonKind(original[k]) !== jsonKind(patchV)) {
        // Not in the original (or of another type): take the patch value, minus nulls and directives.
        if (!isDeleteList) {
          discardNulls(patchV);
          const [v, keep] = removeDirectives(patchV);
          if (keep) original[k] = v as JsonValue;
          else delete original[k];
        }
        continue;
      }
      const origV = original[k];
      const childPath = [...path, k];
      if (isJsonObject(origV) && isJsonObject(patchV)) {
        const { strategy } = this.meta(childPath);
        original[k] = strategy === 'replace' ? patchV : this.mergeMap(origV, patchV, childPath);
      } else if (Array.isArray(origV) && Array.isArray(patchV)) {
        const { strategy, mergeKey } = this.meta(childPath);
        original[k] = this.mergeSliceHandler(origV, patchV, childPath, strategy, mergeKey, isDeleteList);
      } else {
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v as JsonValue;
        else delete original[k];
      }
    }
    return original;
  }

  directiveInMap(directive: JsonValue, patch: JsonObject): JsonObject {
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') return {};
    return fail(`unknown patch type: ${goString(directive)} in map: ${goString(patch)}`);
  }

  /** `$retainKeys`: drop every original field not listed (strategicpatch applyRetainKeysDirective). */
  applyRetainKeys(original: JsonObject, patch: JsonObject): void {
    if (!Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(list)) fail(ERR_BAD_RETAIN_KEYS, 400);
    const keep = new Set(list.filter((v) => typeof v === 'string'));
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!keep.has(k)) fail(ERR_BAD_RETAIN_KEYS, 400);
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /** `$setElementOrder/<field>` together with the list it orders (strategicpatch mergePatchIntoOriginal). */
  mergeSetElementOrder(original: JsonObject, patch: JsonObject, path: string[]): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
      const order = patch[key];
      delete patch[key];
      if (!Array.isArray(order)) errBadArgType('[]interface {}', order);
      const field = extractKey(key, SET_ELEMENT_ORDER);
      const foundOriginal = Object.prototype.hasOwnProperty.call(original, field);
      const foundPatch = Object.prototype.hasOwnProperty.call(patch, field);
      const originalList = original[field];
      const patchList = patch[field];
      if (foundOriginal && !Array.isArray(originalList)) errBadArgType('[]interface {}', originalList);
      if (foundPatch && !Array.isArray(patchList)) errBadArgType('[]interface {}', patchList);
      const origArr = foundOriginal ? (originalList as JsonValue[]) : [];
      const patchArr = foundPatch ? (patchList as JsonValue[]) : [];
      const childPath = [...path, field];
      const { strategy, mergeKey } = this.meta(childPath);
      validatePatchWithSetOrderList(patchArr, order, mergeKey);

      let merged: JsonValue[];
      if (foundOriginal && !foundPatch) merged = origArr;
      else if (!foundOriginal && foundPatch) merged = removeDirectives(patchArr)[0] as JsonValue[];
      else if (foundOriginal && foundPatch) merged = this.mergeSliceHandler(origArr, patchArr, childPath, strategy, mergeKey, false);
      else continue;

      const [patchItems, serverOnly] = mergeKey
        ? partitionMapsByPresence(merged, order, mergeKey)
        : partitionPrimitivesByPresence(merged, order);
      const kind = sliceElementKind(origArr, patchArr);
      original[field] = normalizeElementOrder(patchItems, serverOnly, order, origArr, mergeKey, kind);
      delete patch[field];
    }
  }

  mergeSliceHandler(
    original: JsonValue[],
    patch: JsonValue[],
    path: string[],
    strategy: string,
    mergeKey: string,
    isDeleteList: boolean,
  ): JsonValue[] {
    if (strategy === 'merge' || isDeleteList) return this.mergeSlice(original, patch, path, mergeKey, isDeleteList);
    return patch;
  }

  mergeSlice(original: JsonValue[], patch: JsonValue[], path: string[], mergeKey: string, isDeleteList: boolean): JsonValue[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = sliceElementKind(original, patch);
    let merged: JsonValue[];
    if (kind !== 'object') {
      if (isDeleteList) return original.filter((v) => !patch.some((d) => d === v));
      merged = dedupeScalars([...original, ...patch]);
    } else {
      if (!mergeKey) fail(`cannot merge lists without merge key for ${path[path.length - 1] ?? ''}`);
      const special = mergeSliceWithSpecialElements(original as JsonObject[], patch as JsonObject[], mergeKey);
      original = special.original;
      patch = special.patch;
      merged = this.mergeSliceWithoutSpecialElements(special.original, special.patch, path, mergeKey);
    }
    const [patchItems, serverOnly] = mergeKey
      ? partitionMapsByPresence(merged, patch, mergeKey)
      : partitionPrimitivesByPresence(merged, patch);
    return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
  }

  mergeSliceWithoutSpecialElements(original: JsonObject[], patch: JsonObject[], path: string[], mergeKey: string): JsonObject[] {
    const out = [...original];
    for (const item of patch) {
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) errNoMergeKey(item, mergeKey);
      const idx = out.findIndex((o) => isJsonObject(o) && Object.prototype.hasOwnProperty.call(o, mergeKey) && o[mergeKey] === item[mergeKey]);
      if (idx >= 0) out[idx] = this.mergeMap(out[idx], item, path);
      else out.push(item);
    }
    return out;
  }
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    fail(prefix === DELETE_FROM_PRIMITIVE_LIST ? ERR_BAD_PRIMITIVE_LIST : ERR_BAD_SET_ELEMENT_ORDER, 400);
  }
  return s.slice(slash + 1);
}

/** discardNullValuesFromPatch: drop null members everywhere in a value taken from the patch. */
function discardNulls(v: JsonValue): void {
  if (Array.isArray(v)) {
    for (const item of v) discardNulls(item);
  } else if (isJsonObject(v)) {
    for (const [k, child] of Object.entries(v)) {
      if (child === null) delete v[k];
      else discardNulls(child);
    }
  }
}

/** removeDirectives: maps carrying `$patch` vanish; returns [value, keep]. */
function removeDirectives(v: JsonValue): [JsonValue | undefined, boolean] {
  if (isJsonObject(v)) {
    if (Object.prototype.hasOwnProperty.call(v, DIRECTIVE)) return [undefined, false];
    for (const [k, child] of Object.entries(v)) {
      const [nv, keep] = removeDirectives(child);
      if (keep) v[k] = nv as JsonValue;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv as JsonValue);
    }
    return [out, true];
  }
  return [v, true];
}

type ElementKind = ReturnType<typeof jsonKind>;

function sliceElementKind(...slices: JsonValue[][]): ElementKind {
  let prev: ElementKind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = jsonKind(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'array') fail(ERR_NO_LIST_OF_LISTS, 422);
      } else if (prev !== k) {
        fail(`list element types are not identical: [${slices.map((x) => goString(x)).join(' ')}]`);
      }
    }
  }
  if (prev === undefined) fail('no elements in any of the given slices');
  return prev;
}

function dedupeScalars(list: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of list) if (!out.some((o) => o === v)) out.push(v);
  return out;
}

function mergeSliceWithSpecialElements(
  original: JsonObject[],
  patch: JsonObject[],
  mergeKey: string,
): { original: JsonObject[]; patch: JsonObject[] } {
  const plain: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!Object.prototype.hasOwnProperty.call(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) errNoMergeKey(item, mergeKey);
      original = original.filter((o) => !(isJsonObject(o) && o[mergeKey] === item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true; // keep going: other $patch elements are still pruned
    } else if (directive === 'merge') {
      fail('merging lists cannot yet be specified in the patch');
    } else {
      fail(`unknown patch type: ${goString(directive)} in map: ${goString(item)}`);
    }
  }
  return replace ? { original: plain, patch: [] } : { original, patch: plain };
}

function validatePatchWithSetOrderList(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey
    ? patchList.filter((v) => {
        if (!isJsonObject(v)) errBadArgType('map[string]interface {}', v);
        return v[DIRECTIVE] !== 'delete';
      })
    : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < nonDelete.length && oi < order.length) {
    const item = nonDelete[pi];
    if (isJsonObject(item) && Object.prototype.hasOwnProperty.call(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < nonDelete.length && oi >= order.length) {
    fail(`The order in patch list:\n${goString(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goString(order)}\n`);
  }
}

function mergeKeyValueEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isJsonObject(left)) errBadArgType('map[string]interface {}', left);
  if (!isJsonObject(right)) errBadArgType('map[string]interface {}', right);
  if (!Object.prototype.hasOwnProperty.call(left, mergeKey)) errNoMergeKey(left, mergeKey);
  if (!Object.prototype.hasOwnProperty.call(right, mergeKey)) errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function partitionPrimitivesByPresence(list: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) (by.some((b) => b === v) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

function partitionMapsByPresence(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) errBadArgType('map[string]interface {}', v);
    if (!Object.prototype.hasOwnProperty.call(v, mergeKey)) errNoMergeKey(v, mergeKey);
    const found = by.some((b) => {
      if (!isJsonObject(b)) fail('value for key 0 is not a map');
      return Object.prototype.hasOwnProperty.call(b, mergeKey) && b[mergeKey] === v[mergeKey];
    });
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** Position of `v` in `list`, by merge key for maps and by value otherwise (strategicpatch index()). */
function indexOf(list: JsonValue[], v: JsonValue, mergeKey: string, kind: ElementKind): number {
  const key = (x: JsonValue): JsonValue | undefined => (kind === 'object' ? (isJsonObject(x) ? x[mergeKey] : undefined) : x);
  const want = key(v);
  return list.findIndex((x) => key(x) === want);
}

function normalizeSliceOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let toDelete: JsonValue[] = [];
  if (kind === 'object') {
    for (const l of [toSort, order]) {
      for (const item of l) {
        if (!isJsonObject(item)) errBadArgType('map[string]interface {}', item);
        if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) errNoMergeKey(item, mergeKey);
      }
    }
    toDelete = toSort.filter((v) => isJsonObject(v) && v[DIRECTIVE] === 'delete');
    toSort = toSort.filter((v) => !(isJsonObject(v) && v[DIRECTIVE] === 'delete'));
  }
  // Stable sort by position in `order`; items absent from it keep their relative place.
  const decorated = toSort.map((v, i) => ({ v, i, at: indexOf(order, v, mergeKey, kind) }));
  decorated.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.i - b.i));
  return [...decorated.map((d) => d.v), ...toDelete];
}

/**
 * Interleave server-only items (left) into the patch items (right), both already sorted,
 * using the live list order where both are known (strategicpatch mergeSortedSlice).
 */
function mergeSortedSlice(left: JsonValue[], right: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey, kind);
      const ri = indexOf(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/**
 * Applies a strategic merge patch to `original` and returns the result; the arguments are not
 * modified. `lookup` gives the patch strategy / merge key per field path (see builtinPatchMeta).
 * Throws PatchError with the status kube-apiserver would answer with (400/422/500).
 */
export function strategicMergePatch(original: JsonObject, patch: JsonValue, lookup: PatchMetaLookup): JsonObject {
  if (!isJsonObject(patch)) {
    fail(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : jsonKind(patch)} into Go value of type map[string]interface {}`, 400);
  }
  return new Merger(lookup).mergeMap(jsonClone(original), jsonClone(patch), []);
}

