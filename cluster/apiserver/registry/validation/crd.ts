/** apiextensions.k8s.io/v1 CustomResourceDefinition validation (apiextensions validation, structural basics). */
import { arr, isObject, obj, objects, str, type JsonObject } from '../json.js';
import { child, GoValue, index, invalid, key, notSupported, required, type FieldCause } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { FIELD_IMMUTABLE, isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';

const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

/** Structural schema basics: a type on every specified field unless int-or-string/preserve-unknown-fields. */
function validateStructural(s: JsonObject, fld: string, root: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  if (root && s.type !== 'object') {
    if (!s.type) out.push(required(child(fld, 'type'), 'must not be empty at the root'));
    else out.push(invalid(child(fld, 'type'), s.type, 'must be object at the root'));
  }
  if (s.type && !SCHEMA_TYPES.includes(String(s.type))) out.push(notSupported(child(fld, 'type'), s.type, SCHEMA_TYPES));
  const props = obj(s, 'properties');
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (!isObject(v)) continue;
      const p = key(child(fld, 'properties'), k);
      if (!v.type && v['x-kubernetes-int-or-string'] !== true && v['x-kubernetes-preserve-unknown-fields'] !== true) {
        out.push(required(child(p, 'type'), 'must not be empty for specified object fields'));
      }
      out.push(...validateStructural(v, p, false));
    }
  }
  const items = obj(s, 'items');
  if (items) {
    if (!items.type && items['x-kubernetes-int-or-string'] !== true && items['x-kubernetes-preserve-unknown-fields'] !== true) {
      out.push(required(child(fld, 'items', 'type'), 'must not be empty for specified array items'));
    }
    out.push(...validateStructural(items, child(fld, 'items'), false));
  } else if (s.type === 'array') out.push(required(child(fld, 'items'), 'must be specified'));
  return out;
}

export function validateCustomResourceDefinition(crd: JsonObject): FieldCause[] {
  const out = validateObjectMeta(obj(crd, 'metadata'), { namespaced: false, nameFn: nameIsDNSSubdomain });
  const spec = obj(crd, 'spec') ?? {};
  const names = obj(spec, 'names') ?? {};
  const group = str(spec, 'group') ?? '';
  const plural = str(names, 'plural') ?? '';
  const name = str(obj(crd, 'metadata'), 'name') ?? '';
  if (name !== `${plural}.${group}`) out.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  if (!group) out.push(required('spec.group'));
  else {
    for (const m of isDNS1123Subdomain(group)) out.push(invalid('spec.group', group, m));
    if (group.split('.').length < 2) out.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) out.push(required('spec.scope'));
  else if (!['Cluster', 'Namespaced'].includes(String(spec.scope))) out.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  if (!plural) out.push(required('spec.names.plural'));
  else for (const m of isDNS1035Label(plural)) out.push(invalid('spec.names.plural', plural, m));
  const singular = str(names, 'singular') ?? '';
  if (singular) for (const m of isDNS1035Label(singular)) out.push(invalid('spec.names.singular', singular, m));
  const kind = str(names, 'kind') ?? '';
  if (!kind) out.push(required('spec.names.kind'));
  else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(kind)) out.push(invalid('spec.names.kind', kind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  const listKind = str(names, 'listKind') ?? '';
  if (!listKind) out.push(required('spec.names.listKind'));
  else if (listKind === kind) out.push(invalid('spec.names.listKind', listKind, 'kind and listKind may not be the same'));
  (arr(names, 'shortNames') ?? []).forEach((s, i) => {
    for (const m of isDNS1035Label(String(s))) out.push(invalid(index('spec.names.shortNames', i), s, m));
  });
  const versions = objects(spec, 'versions');
  if (versions.length === 0) out.push(required('spec.versions', 'must have at least one version'));
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    const p = index('spec.versions', i);
    const vn = str(v, 'name') ?? '';
    if (seen.has(vn)) unique = false;
    seen.add(vn);
    if (v.storage === true) storage++;
    const msgs = isDNS1035Label(vn);
    if (msgs.length) out.push(invalid(child(p, 'name'), vn, msgs.join(',')));
    const schema = obj(obj(v, 'schema'), 'openAPIV3Schema');
    if (!schema) out.push(required(child(p, 'schema', 'openAPIV3Schema'), 'schemas are required'));
    else out.push(...validateStructural(schema, child(p, 'schema', 'openAPIV3Schema'), true));
  });
  const versionsValue = new GoValue(`[]apiextensions.CustomResourceDefinitionVersion{${versions.map((v) => `{Name:${JSON.stringify(String(v.name ?? ''))}, Served:${String(v.served === true)}, Storage:${String(v.storage === true)}}`).join(', ')}}`);
  if (!unique) out.push(invalid('spec.versions', versionsValue, 'must contain unique version names'));
  if (versions.length > 0 && storage !== 1) out.push(invalid('spec.versions', versionsValue, 'must have exactly one version marked as storage version'));
  const conv = obj(spec, 'conversion');
  if (conv?.strategy && !['None', 'Webhook'].includes(String(conv.strategy))) out.push(notSupported('spec.conversion.strategy', conv.strategy, ['None', 'Webhook']));
  return out;
}

export function validateCustomResourceDefinitionUpdate(crd: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(obj(crd, 'metadata'), obj(old, 'metadata')), ...validateCustomResourceDefinition(crd)];
  const spec = obj(crd, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  if (spec.scope !== oldSpec.scope) out.push(invalid('spec.scope', spec.scope ?? '', FIELD_IMMUTABLE));
  // Versions still stored must stay in spec.versions.
  const stored = arr(obj(old, 'status'), 'storedVersions') ?? [];
  const names = new Set(objects(spec, 'versions').map((v) => String(v.name)));
  stored.forEach((sv, i) => {
    if (!names.has(String(sv))) out.push(invalid(index('status.storedVersions', i), sv, 'must appear in spec.versions'));
  });
  return out;
}
