/**
 * The PATCH media types kube-apiserver accepts, mapped onto the patch module:
 * JSON patch, merge patch, strategic merge patch (built-in kinds only: 415 for custom
 * resources, as upstream) and server-side apply (409 with per-field causes on
 * conflicts); plus managedFields bookkeeping for ordinary writes.
 */
import { parse as parseYAML } from 'yaml';
import { badRequest, StatusError, type StatusReason } from '../../api/status.js';
import {
  applyConflictStatus,
  applyJsonPatch,
  applyMergePatch,
  builtinFieldTypes,
  builtinPatchMeta,
  PatchError,
  serverSideApply,
  updatedManagedFields,
  strategicMergePatch,
  type JsonObject,
  type JsonValue,
} from '../patch/index.js';
import { apiVersionOf } from '../resources/catalog.js';
import type { ServedResource } from '../resources/registry.js';
import type { KubeObject } from '../storage/object.js';
import type { ManagedFields } from './context.js';

const REASONS: Record<number, StatusReason> = { 400: 'BadRequest', 409: 'Conflict', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType', 422: 'Invalid', 500: 'InternalError' };

function toStatus(err: unknown): never {
  if (err instanceof PatchError) throw new StatusError(err.status, REASONS[err.status] ?? 'BadRequest', err.message);
  throw err;
}

function parseJsonBody(body: Buffer): JsonValue {
  try {
    return JSON.parse(body.toString('utf8')) as JsonValue;
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

export function applyPatch(
  served: ServedResource,
  current: KubeObject | undefined,
  body: Buffer,
  contentType: string,
  opts: { manager: string; force: boolean; subresource: string | undefined },
): KubeObject {
  const apiVersion = current?.apiVersion ?? apiVersionOf(served.info);
  const kind = current?.kind ?? served.info.kind;
  try {
    switch (contentType) {
      case 'application/json-patch+json':
        return applyJsonPatch((current ?? {}) as JsonValue, parseJsonBody(body)) as KubeObject;
      case 'application/merge-patch+json':
        return applyMergePatch((current ?? {}) as JsonValue, parseJsonBody(body)) as KubeObject;
      case 'application/strategic-merge-patch+json':
        if (served.custom) {
          throw new StatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
        }
        return strategicMergePatch((current ?? {}) as JsonObject, parseJsonBody(body), builtinPatchMeta(apiVersion, kind)) as KubeObject;
      case 'application/apply-patch+yaml': {
        let applied: unknown;
        try {
          applied = parseYAML(body.toString('utf8'));
        } catch (err) {
          throw badRequest(`error decoding YAML: ${(err as Error).message}`);
        }
        if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) throw badRequest('error decoding YAML: the apply body must be an object');
        const res = serverSideApply({
          live: current as JsonObject | undefined,
          applied: applied as JsonObject,
          manager: opts.manager,
          force: opts.force,
          listTypes: builtinFieldTypes(apiVersion, kind),
          apiVersion,
          subresource: opts.subresource,
        });
        if (res.conflicts.length) {
          const st = applyConflictStatus(res.conflicts);
          throw new StatusError(409, 'Conflict', st.message, { causes: st.causes });
        }
        return res.object as KubeObject;
      }
      default:
        throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
  } catch (err) {
    return toStatus(err);
  }
}

export const managedFields: ManagedFields = {
  recordUpdate(served, before, after, manager, subresource) {
    const apiVersion = after.apiVersion ?? apiVersionOf(served.info);
    try {
      const entries = updatedManagedFields({
        before: before as JsonObject | undefined,
        after: after as JsonObject,
        manager,
        operation: 'Update',
        apiVersion,
        subresource,
        fieldTypes: builtinFieldTypes(apiVersion, after.kind ?? served.info.kind),
      });
      const md = (after.metadata ??= {});
      if (entries.length) md.managedFields = entries as never;
      else delete md.managedFields;
    } catch (err) {
      toStatus(err);
    }
  },
};
