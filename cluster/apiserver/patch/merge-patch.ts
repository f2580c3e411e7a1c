// RFC 7386 JSON Merge Patch (`application/merge-patch+json`), with the same edge cases as
// evanphx/json-patch.v4 MergePatch, which kube-apiserver uses: a null member of the document
// counts as absent, nulls inside arrays are kept, a non-object patch replaces the document.
import { PatchError } from './errors.js';
import { isJsonObject, jsonClone, type JsonObject, type JsonValue } from './json.js';

function pruneNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map((item) => (item === null ? null : pruneNulls(item)));
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const [k, child] of Object.entries(v)) if (child !== null) out[k] = pruneNulls(child);
    return out;
  }
  return v;
}

function mergeInto(doc: JsonObject, patch: JsonObject): JsonObject {
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null || !isJsonObject(cur)) {
      doc[k] = pruneNulls(pv);
    } else if (!isJsonObject(pv)) {
      doc[k] = pv; // upstream returns a non-object patch value unpruned here
    } else {
      doc[k] = mergeInto(cur, pv);
    }
  }
  return doc;
}

/**
 * Applies a JSON merge patch to `doc` and returns the result; neither argument is modified.
 * Throws PatchError (400, "Invalid JSON Patch") for a null or scalar patch, as upstream does.
 */
export function applyMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null || (!isJsonObject(patch) && !Array.isArray(patch))) {
    throw new PatchError('Invalid JSON Patch', 400);
  }
  if (doc === null) throw new PatchError('Invalid JSON Document', 400);
  if (Array.isArray(patch)) return pruneNulls(jsonClone(patch));
  if (!isJsonObject(doc)) return pruneNulls(jsonClone(patch));
  return mergeInto(jsonClone(doc), jsonClone(patch));
}
