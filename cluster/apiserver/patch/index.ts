// Patch and apply semantics of kube-apiserver, as pure functions over plain JSON objects.
export { PatchError, type PatchErrorStatus } from './errors.js';
export { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json.js';
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { strategicMergePatch } from './strategic-merge-patch.js';
export {
  combineFieldTypes,
  fieldTypesFromPatchMeta,
  type FieldType,
  type FieldTypeLookup,
  type PatchMeta,
  type PatchMetaLookup,
} from './schema.js';
export { builtinFieldTypes, builtinPatchMeta, hasBuiltinSchema } from './builtin-schema.js';
export { FieldSet, pathToString, type FieldPath } from './fieldpath.js';
export {
  applyConflictStatus,
  formatTime,
  recordUpdate,
  updatedManagedFields,
  serverSideApply,
  type ApplyConflict,
  type ManagedFieldsEntry,
  type RecordUpdateOptions,
  type ServerSideApplyOptions,
  type ServerSideApplyResult,
  type StatusCause,
} from './managed-fields.js';
