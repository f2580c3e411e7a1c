export { SchemaValidator, builtinSchemaValidator, patchMetaFor, unknownFieldMessage, causeText } from './validator.js';
export type { FieldValidationMode, ValidationResult, ValidateOptions, PatchMeta, PatchMetaLookup } from './validator.js';
export type { Cause, CauseType } from './validate.js';
export { QUANTITY_PATTERN } from './validate.js';
