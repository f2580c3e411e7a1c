/**
 * The handlers' view of schema validation. Built-in kinds leave `required` to their
 * Go-style validation (which words it as upstream does); custom resources have only
 * their schema, so it checks everything.
 */
import type { SchemaCheck } from '../handlers/context.js';
import type { SchemaValidator } from './index.js';

export function schemaCheck(validator: SchemaValidator): SchemaCheck {
  return {
    check(served, obj, mode) {
      const gvk = { group: served.info.group, version: served.info.version, kind: served.info.kind };
      if (!validator.has(gvk)) return { causes: [], unknownFields: [] };
      return validator.validate(gvk, obj, mode, { skipRequired: !served.custom });
    },
    prune(served, obj) {
      const gvk = { group: served.info.group, version: served.info.version, kind: served.info.kind };
      if (served.custom) validator.prune(gvk, obj);
      else validator.dropUnknownBuiltin(gvk, obj);
    },
  };
}
