/**
 * Definitions for CRD-served kinds, built as apiextensions-apiserver's OpenAPI builder does: the version's
 * openAPIV3Schema with apiVersion/kind/metadata filled in from the standard types, tagged with the GVK, plus a
 * `<Kind>List` definition.
 */
import type { CustomResourceSchema, JSONSchema } from './definitions.js';
import { customResourceDefinitionName, DEFINITION_REF_PREFIX } from './definitions.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** Keys OpenAPI v2 cannot carry; upstream drops them when publishing CRD schemas in v2 (v3 keeps them). */
const V2_UNSUPPORTED = new Set(['oneOf', 'anyOf', 'not', 'nullable', 'x-kubernetes-validations']);

function toV2(schema: JSONSchema): JSONSchema {
  const out: JSONSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (V2_UNSUPPORTED.has(k)) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, JSONSchema>).map(([p, s]) => [p, toV2(s)]));
    } else if (k === 'items' && v && typeof v === 'object') {
      out.items = toV2(v as JSONSchema);
    } else if (k === 'additionalProperties' && v && typeof v === 'object') {
      out.additionalProperties = toV2(v as JSONSchema);
    } else if (k === 'allOf' && Array.isArray(v)) {
      continue; // structural schemas only use allOf for value validation; v2 consumers need the structure only
    } else {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  // int-or-string has no single v2 type; upstream publishes it untyped.
  if (out['x-kubernetes-int-or-string']) delete out.type;
  // kubectl's proto parser requires arrays to have items.
  if (out.type === 'array' && !out.items) out.items = {};
  return out;
}

function objectSchema(def: CustomResourceSchema, v2: boolean): JSONSchema {
  const base = v2 ? toV2(def.openAPIV3Schema) : structuredClone(def.openAPIV3Schema);
  const properties: Record<string, JSONSchema> = { ...(base.properties ?? {}) };
  properties.apiVersion = { description: API_VERSION_DOC, type: 'string' };
  properties.kind = { description: KIND_DOC, type: 'string' };
  properties.metadata = { $ref: `${DEFINITION_REF_PREFIX}${META}.ObjectMeta` };
  return {
    ...base,
    type: 'object',
    properties,
    'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: def.kind }],
  };
}

function listSchema(def: CustomResourceSchema, itemName: string): JSONSchema {
  return {
    description: `${def.kind}List is a list of ${def.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      items: {
        description: `List of ${def.plural}. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md`,
        type: 'array',
        items: { $ref: `${DEFINITION_REF_PREFIX}${itemName}` },
      },
      kind: { description: KIND_DOC, type: 'string' },
      metadata: { $ref: `${DEFINITION_REF_PREFIX}${META}.ListMeta` },
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: `${def.kind}List` }],
  };
}

/**
 * Definitions (v2 refs) for the given custom resources. `v2: true` strips keywords OpenAPI v2 lacks;
 * `v2: false` keeps the schema as written (for v3 documents and validation).
 */
export function customResourceDefinitions(defs: readonly CustomResourceSchema[], v2: boolean): Record<string, JSONSchema> {
  const out: Record<string, JSONSchema> = {};
  for (const d of defs) {
    const name = customResourceDefinitionName(d.group, d.version, d.kind);
    out[name] = objectSchema(d, v2);
    out[`${name}List`] = listSchema(d, name);
  }
  return out;
}
