/**
 * The built-in Kubernetes OpenAPI v2 definitions (io.k8s.api.core.v1.Pod ...), generated at build time by
 * scripts/openapi/generate-definitions.ts into resources/openapi/definitions.json, plus the shape of a
 * custom resource's schema as a CRD declares it.
 */
import { readFileSync } from 'node:fs';
import { resourcePath } from '../../resources.js';

/** A JSON-Schema / OpenAPI schema object as it travels in documents (v2 refs: `#/definitions/<name>`). */
export interface JSONSchema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchema>;
  additionalProperties?: JSONSchema | boolean;
  items?: JSONSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  allOf?: JSONSchema[];
  anyOf?: JSONSchema[];
  oneOf?: JSONSchema[];
  not?: JSONSchema;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  pattern?: string;
  uniqueItems?: boolean;
  multipleOf?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  [extension: `x-${string}`]: unknown;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A custom resource version as a CRD serves it (`spec.versions[].schema.openAPIV3Schema`). */
export interface CustomResourceSchema {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in URLs. */
  plural: string;
  namespaced: boolean;
  openAPIV3Schema: JSONSchema;
  /** Subresources the CRD enables for this version. */
  subresources?: { status?: boolean; scale?: boolean };
}

export const DEFINITION_REF_PREFIX = '#/definitions/';
export const KUBERNETES_VERSION_FALLBACK = 'v1.34.0';

interface DefinitionsFile {
  kubernetesVersion: string;
  definitions: Record<string, JSONSchema>;
}

let loaded: DefinitionsFile | undefined;

function load(): DefinitionsFile {
  loaded ??= JSON.parse(
    readFileSync(resourcePath('openapi', 'definitions.json'), 'utf8'),
  ) as DefinitionsFile;
  return loaded;
}

/** All built-in definitions, keyed by upstream name. Shared and read-only: never mutate. */
export function builtinDefinitions(): Readonly<Record<string, JSONSchema>> {
  return load().definitions;
}

export function kubernetesVersion(): string {
  return load().kubernetesVersion ?? KUBERNETES_VERSION_FALLBACK;
}

/** `x-kubernetes-group-version-kind` key used in indexes. */
export function gvkKey(g: GroupVersionKind): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

/** Definition name upstream gives a custom resource: reversed group + version + kind (`com.example.v1.Widget`). */
export function customResourceDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** Index from GVK to definition name, built from the definitions' x-kubernetes-group-version-kind. */
export function indexByGVK(defs: Readonly<Record<string, JSONSchema>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, schema] of Object.entries(defs)) {
    for (const g of schema['x-kubernetes-group-version-kind'] ?? []) out.set(gvkKey(g), name);
  }
  return out;
}
