/**
 * The YAML work of the detail panes and the editor as pure functions the YAML worker runs (issue #5): the `yaml`
 * package takes ~200 ms to stringify a 0.8 MiB CRD and ~300 ms to parse it back for an apply.
 */
import { stringify } from 'yaml';
import type { ApiError, ApiObject, ApplyMode } from '../../../electron/preload/api';
import { draftToSend } from './apply-draft';
import { placeCauses, type PlacedCause } from './yaml-fields';

/** An object as YAML; kubectl hides managedFields unless asked (--show-managed-fields), and so do we unless `managed`. */
export function objectYaml(object: ApiObject, managed = false): string {
  if (managed) return stringify(object);
  const { managedFields: _managed, ...metadata } = object.metadata ?? {};
  return stringify({ ...object, metadata });
}

export interface YamlMethods {
  [name: string]: (...args: never[]) => unknown;
  objectYaml(object: ApiObject, managed: boolean): string;
  draftToSend(yamlText: string, mode: ApplyMode): string;
  placeCauses(yamlText: string, errors: (ApiError | null)[]): PlacedCause[];
}

export function createYamlMethods(): YamlMethods {
  return { objectYaml, draftToSend, placeCauses };
}
