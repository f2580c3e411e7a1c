/** rbac.authorization.k8s.io/v1 validation (pkg/apis/rbac/validation). */
import { arr, deepEqual, obj, objects, str, type JsonObject } from '../json.js';
import { child, GoValue, index, invalid, notSupported, required, type FieldCause } from './field.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Subdomain, isValidPathSegmentName, nameIsPathSegment } from './names.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function goStrings(v: unknown[]): GoValue {
  return new GoValue(`[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}`);
}

function validatePolicyRule(rule: JsonObject, namespaced: boolean, fld: string): FieldCause[] {
  const out: FieldCause[] = [];
  if ((arr(rule, 'verbs') ?? []).length === 0) out.push(required(child(fld, 'verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule, 'nonResourceURLs') ?? [];
  if (urls.length > 0) {
    if (namespaced) out.push(invalid(child(fld, 'nonResourceURLs'), goStrings(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if ((arr(rule, 'apiGroups') ?? []).length || (arr(rule, 'resources') ?? []).length || (arr(rule, 'resourceNames') ?? []).length) {
      out.push(invalid(child(fld, 'nonResourceURLs'), goStrings(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return out;
  }
  if ((arr(rule, 'apiGroups') ?? []).length === 0) out.push(required(child(fld, 'apiGroups'), 'resource rules must supply at least one api group'));
  if ((arr(rule, 'resources') ?? []).length === 0) out.push(required(child(fld, 'resources'), 'resource rules must supply at least one resource'));
  return out;
}

export function validateRole(role: JsonObject, namespaced: boolean): FieldCause[] {
  const out = validateObjectMeta(obj(role, 'metadata'), { namespaced, nameFn: nameIsPathSegment });
  objects(role, 'rules').forEach((r, i) => out.push(...validatePolicyRule(r, namespaced, index('rules', i))));
  const agg = obj(role, 'aggregationRule');
  if (agg) objects(agg, 'clusterRoleSelectors').forEach((s, i) => out.push(...validateLabelSelector(s, index('aggregationRule.clusterRoleSelectors', i))));
  return out;
}

function validateSubject(s: JsonObject, namespaced: boolean, fld: string): FieldCause[] {
  const out: FieldCause[] = [];
  const name = str(s, 'name') ?? '';
  if (!name) out.push(required(child(fld, 'name')));
  const apiGroup = str(s, 'apiGroup') ?? '';
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const m of isDNS1123Subdomain(name)) out.push(invalid(child(fld, 'name'), name, m));
      if (apiGroup) out.push(notSupported(child(fld, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && !s.namespace) out.push(required(child(fld, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) out.push(notSupported(child(fld, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      out.push(notSupported(child(fld, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return out;
}

export function validateRoleBinding(binding: JsonObject, namespaced: boolean): FieldCause[] {
  const out = validateObjectMeta(obj(binding, 'metadata'), { namespaced, nameFn: nameIsPathSegment });
  const ref = obj(binding, 'roleRef') ?? {};
  if (ref.apiGroup !== RBAC_GROUP) out.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(String(ref.kind))) out.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  const name = str(ref, 'name') ?? '';
  if (!name) out.push(required('roleRef.name'));
  else for (const m of isValidPathSegmentName(name)) out.push(invalid('roleRef.name', name, m));
  objects(binding, 'subjects').forEach((s, i) => out.push(...validateSubject(s, namespaced, index('subjects', i))));
  return out;
}

export function validateRoleBindingUpdate(binding: JsonObject, old: JsonObject, namespaced: boolean): FieldCause[] {
  const out = [...validateObjectMetaUpdate(obj(binding, 'metadata'), obj(old, 'metadata')), ...validateRoleBinding(binding, namespaced)];
  const ref = obj(binding, 'roleRef') ?? {};
  if (!deepEqual(ref, obj(old, 'roleRef'))) {
    out.push(
      invalid(
        'roleRef',
        new GoValue(`rbac.RoleRef{APIGroup:${JSON.stringify(String(ref.apiGroup ?? ''))}, Kind:${JSON.stringify(String(ref.kind ?? ''))}, Name:${JSON.stringify(String(ref.name ?? ''))}}`),
        'cannot change roleRef',
      ),
    );
  }
  return out;
}
