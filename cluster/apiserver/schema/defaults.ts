/**
 * Defaulting from a structural schema, as apiextensions-apiserver applies
 * `default:` values of a CRD's openAPIV3Schema on every read and write: an absent
 * property with a default gets a copy of it, recursively through properties, array
 * items and additionalProperties (upstream's structuraldefaulting.Default).
 */

interface SchemaNode {
  type?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function applySchemaDefaults(schema: unknown, value: unknown): void {
  const s = schema as SchemaNode | undefined;
  if (!s || typeof s !== 'object') return;
  if (Array.isArray(value)) {
    if (s.items) for (const item of value) applySchemaDefaults(s.items, item);
    return;
  }
  if (!isObject(value)) return;
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    if (value[name] === undefined && prop.default !== undefined) value[name] = structuredClone(prop.default);
    if (value[name] !== undefined) applySchemaDefaults(prop, value[name]);
  }
  if (isObject(s.additionalProperties)) {
    const known = new Set(Object.keys(s.properties ?? {}));
    for (const [k, v] of Object.entries(value)) if (!known.has(k)) applySchemaDefaults(s.additionalProperties, v);
  }
}
