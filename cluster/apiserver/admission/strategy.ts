/**
 * The per-kind strategy the handlers run (upstream's RESTCreateStrategy /
 * RESTUpdateStrategy): defaulting, preparation (status and generation rules) and
 * validation from the registry module for built-in kinds, and the generic rules of
 * custom resources (generation, status kept apart when the status subresource is on).
 */
import { applyDefaults, prepareForCreate, prepareForStatusUpdate, prepareForUpdate, validateCreate, validateUpdate } from '../registry/index.js';
import type { Strategy } from '../handlers/context.js';
import { applySchemaDefaults } from '../schema/defaults.js';
import type { ServedResource } from '../resources/registry.js';
import { deepClone, jsonEqual, meta, type KubeObject } from '../storage/object.js';

export interface APIStrategy extends Strategy {
  /** The read-path hook of a kind: defaults applied to every object read, watches included. */
  readHook(group: string, version: string, kind: string): ((obj: KubeObject) => void) | undefined;
}

function customPrepareForUpdate(served: ServedResource, obj: KubeObject, old: KubeObject, subresource: string | undefined): void {
  const statusSub = !!served.custom?.subresources.status;
  if (subresource === 'status') {
    for (const k of Object.keys(obj)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') delete obj[k];
    for (const [k, v] of Object.entries(old)) if (k !== 'metadata' && k !== 'status') obj[k] = deepClone(v);
    meta(obj).generation = old.metadata?.generation;
    return;
  }
  if (statusSub) {
    if (old.status === undefined) delete obj.status;
    else obj.status = deepClone(old.status);
  }
  // Custom resources count every change outside metadata and status as a new generation.
  const strip = (o: KubeObject) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'metadata' && k !== 'status'));
  const gen = old.metadata?.generation ?? 1;
  meta(obj).generation = jsonEqual(strip(obj), strip(old)) ? gen : gen + 1;
}

export function createStrategy(): APIStrategy {
  return {
    readHook(group, version, kind) {
      return (obj) => void applyDefaults(group, version, kind, obj);
    },
    defaults(served, obj) {
      if (served.custom) return applySchemaDefaults(served.custom.schema, obj);
      applyDefaults(served.info.group, served.info.version, served.info.kind, obj);
    },
    prepareForCreate(served, obj) {
      if (served.custom) {
        if (served.custom.subresources.status) delete obj.status;
        meta(obj).generation = 1;
        return;
      }
      prepareForCreate(served.info.group, served.info.version, served.info.kind, obj);
    },
    prepareForUpdate(served, obj, old, subresource) {
      // rest.BeforeUpdate, for every kind: "ignore changes to timestamp" (clients such as
      // @kubernetes/client-node send creationTimestamp back as 2026-01-01T00:00:00.000Z)
      // and keep the stored UID when the update names none.
      const md = meta(obj);
      if (old.metadata?.creationTimestamp) md.creationTimestamp = old.metadata.creationTimestamp;
      if (!md.uid && old.metadata?.uid) md.uid = old.metadata.uid;
      if (served.custom) return customPrepareForUpdate(served, obj, old, subresource);
      const { group, version, kind } = served.info;
      if (subresource === 'status') prepareForStatusUpdate(group, version, kind, obj, old);
      else if (!subresource || subresource === 'scale') prepareForUpdate(group, version, kind, obj, old);
    },
    validateCreate(served, obj) {
      return validateCreate(served.info.group, served.info.version, served.info.kind, obj, { namespaced: served.info.namespaced });
    },
    validateUpdate(served, obj, old) {
      return validateUpdate(served.info.group, served.info.version, served.info.kind, obj, old, { namespaced: served.info.namespaced });
    },
  };
}
