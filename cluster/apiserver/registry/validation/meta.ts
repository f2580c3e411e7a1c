/**
 * ObjectMeta, labels, annotations and label-selector validation
 * (apimachinery api/validation/objectmeta.go, apis/meta/v1/validation).
 */
import { arr, deepEqual, isObject, obj, objects, str, type JsonObject } from '../json.js';
import { child, forbidden, GoValue, goStringMap, index, invalid, required, tooLong, type FieldCause } from './field.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE_ERROR, isDNS1123Label, isQualifiedName, isValidLabelValue, type NameValidator } from './names.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

export function validateLabelName(name: string, fld: string): FieldCause[] {
  return isQualifiedName(name).map((m) => invalid(fld, name, m));
}

export function validateLabels(labels: unknown, fld: string): FieldCause[] {
  if (!isObject(labels)) return [];
  const out: FieldCause[] = [];
  for (const k of Object.keys(labels).sort()) {
    out.push(...validateLabelName(k, fld));
    const v = labels[k];
    const value = typeof v === 'string' ? v : String(v);
    for (const m of isValidLabelValue(value)) out.push(invalid(fld, value, m));
  }
  return out;
}

export function validateAnnotations(annotations: unknown, fld: string): FieldCause[] {
  if (!isObject(annotations)) return [];
  const out: FieldCause[] = [];
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    // Annotation keys are qualified names, case-insensitively.
    for (const m of isQualifiedName(k.toLowerCase())) out.push(invalid(fld, k, m));
    const v = annotations[k];
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) out.push(tooLong(fld, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return out;
}

export function validateFinalizers(finalizers: unknown, fld: string): FieldCause[] {
  if (!Array.isArray(finalizers)) return [];
  const out: FieldCause[] = [];
  for (const f of finalizers) {
    const s = String(f);
    for (const m of isQualifiedName(s)) out.push(invalid(fld, s, m));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    out.push(invalid(fld, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return out;
}

export function validateOwnerReferences(refs: unknown, fld: string): FieldCause[] {
  if (!Array.isArray(refs)) return [];
  const out: FieldCause[] = [];
  let controller = '';
  refs.forEach((r) => {
    const ref = isObject(r) ? r : {};
    const apiVersion = str(ref, 'apiVersion') ?? '';
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    if (!version) out.push(invalid(child(fld, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!ref.kind) out.push(invalid(child(fld, 'kind'), ref.kind ?? '', 'must not be empty'));
    if (!ref.name) out.push(invalid(child(fld, 'name'), ref.name ?? '', 'must not be empty'));
    if (!ref.uid) out.push(invalid(child(fld, 'uid'), ref.uid ?? '', 'must not be empty'));
    if (apiVersion === 'v1' && ref.kind === 'BindingList') out.push(invalid(fld, r, '/v1, Kind=BindingList is disallowed from being an owner'));
    if (ref.controller === true) {
      const cur = `${String(ref.kind)}/${String(ref.name)}`;
      if (controller) {
        out.push(invalid(fld, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${cur}`));
      } else controller = cur;
    }
  });
  return out;
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameFn: NameValidator;
}

/** ValidateObjectMeta: names, namespace, generation, labels, annotations, ownerReferences, finalizers. */
export function validateObjectMeta(meta: JsonObject | undefined, opts: ObjectMetaOptions, fld = 'metadata'): FieldCause[] {
  const m = meta ?? {};
  const out: FieldCause[] = [];
  const generateName = str(m, 'generateName') ?? '';
  if (generateName) for (const msg of opts.nameFn(generateName, true)) out.push(invalid(child(fld, 'generateName'), generateName, msg));
  const name = str(m, 'name') ?? '';
  if (!name) out.push(required(child(fld, 'name'), 'name or generateName is required'));
  else for (const msg of opts.nameFn(name, false)) out.push(invalid(child(fld, 'name'), name, msg));
  const namespace = str(m, 'namespace') ?? '';
  if (opts.namespaced) {
    if (!namespace) out.push(required(child(fld, 'namespace')));
    else for (const msg of isDNS1123Label(namespace)) out.push(invalid(child(fld, 'namespace'), namespace, msg));
  } else if (namespace) {
    out.push(forbidden(child(fld, 'namespace'), 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) out.push(invalid(child(fld, 'generation'), m.generation, IS_NEGATIVE_ERROR));
  out.push(...validateLabels(m.labels, child(fld, 'labels')));
  out.push(...validateAnnotations(m.annotations, child(fld, 'annotations')));
  out.push(...validateOwnerReferences(m.ownerReferences, child(fld, 'ownerReferences')));
  out.push(...validateFinalizers(m.finalizers, child(fld, 'finalizers')));
  return out;
}

function immutable(newVal: unknown, oldVal: unknown, fld: string, detail = FIELD_IMMUTABLE): FieldCause[] {
  return deepEqual(newVal ?? undefined, oldVal ?? undefined) ? [] : [invalid(fld, newVal ?? '', detail)];
}

/** ValidateObjectMetaUpdate: identity fields are immutable; no new finalizers while deleting. */
export function validateObjectMetaUpdate(meta: JsonObject | undefined, old: JsonObject | undefined, fld = 'metadata'): FieldCause[] {
  const m = meta ?? {};
  const o = old ?? {};
  const out: FieldCause[] = [];
  out.push(...immutable(m.name, o.name, child(fld, 'name')));
  out.push(...immutable(m.namespace, o.namespace, child(fld, 'namespace')));
  out.push(...immutable(m.uid, o.uid, child(fld, 'uid')));
  out.push(...immutable(m.creationTimestamp, o.creationTimestamp, child(fld, 'creationTimestamp')));
  out.push(...immutable(m.deletionTimestamp, o.deletionTimestamp, child(fld, 'deletionTimestamp'), 'field is immutable; may only be changed via deletion'));
  out.push(
    ...immutable(m.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, child(fld, 'deletionGracePeriodSeconds'), 'field is immutable; may only be changed via deletion'),
  );
  if (o.deletionTimestamp) {
    const oldF = new Set((arr(o, 'finalizers') ?? []).map(String));
    const extra = (arr(m, 'finalizers') ?? []).map(String).filter((f) => !oldF.has(f));
    if (extra.length) {
      out.push(forbidden(child(fld, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  return out;
}

/** ValidateLabelSelector (metav1 validation). */
export function validateLabelSelector(sel: JsonObject | undefined, fld: string): FieldCause[] {
  if (!sel) return [];
  const out: FieldCause[] = [];
  objects(sel, 'matchExpressions').forEach((req, i) => {
    const p = child(index(child(fld, 'matchExpressions'), i));
    const values = arr(req, 'values') ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) out.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) out.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        out.push(invalid(child(p, 'operator'), req.operator ?? '', 'not a valid selector operator'));
    }
    out.push(...validateLabelName(String(req.key ?? ''), child(p, 'key')));
  });
  out.push(...validateLabels(sel.matchLabels, child(fld, 'matchLabels')));
  return out;
}

/** Go's `%#v` of a v1.LabelSelector, as immutability errors print it. */
export function goLabelSelector(sel: JsonObject | undefined): GoValue {
  const ml = obj(sel, 'matchLabels') as Record<string, string> | undefined;
  const exprs = objects(sel, 'matchExpressions');
  const me = exprs.length
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((e) => {
          const vals = arr(e, 'values');
          const v = vals ? `[]string{${vals.map((x) => JSON.stringify(String(x))).join(', ')}}` : '[]string(nil)';
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(e.key ?? ''))}, Operator:${JSON.stringify(String(e.operator ?? ''))}, Values:${v}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(`v1.LabelSelector{MatchLabels:${goStringMap(ml)}, MatchExpressions:${me}}`);
}
