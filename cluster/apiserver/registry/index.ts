/**
 * Registry strategies of the API server: defaulting (every read and write), validation
 * (create/update) and per-kind write hooks. Order on write, as upstream:
 * applyDefaults -> prepareForCreate/Update -> validateCreate/Update; on every read: applyDefaults.
 */
export { applyDefaults, DEFAULTERS, type Defaulter } from './defaults/index.js';
export {
  validateCreate,
  validateUpdate,
  VALIDATORS,
  causeToString,
  invalidMessage,
  type CauseType,
  type FieldCause,
  type KindValidator,
  type ValidateOptions,
} from './validation/index.js';
export {
  strategies,
  getStrategy,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate,
  generateJobSelector,
  computePodQOS,
  type Strategy,
  type QOSClass,
} from './strategies/index.js';
export type { JsonObject } from './json.js';
