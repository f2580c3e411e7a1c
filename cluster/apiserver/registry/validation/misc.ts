/**
 * Validation for the remaining built-ins: Namespace, Node, ServiceAccount, PVC, PV, Endpoints,
 * Event, Lease, StorageClass, PriorityClass, HPA, PDB, EndpointSlice, Ingress, NetworkPolicy...
 */
import { isIP } from 'node:net';
import { arr, deepEqual, isObject, obj, objects, str, type JsonObject } from '../json.js';
import { child, duplicate, forbidden, GoValue, index, invalid, key, notSupported, required, type FieldCause } from './field.js';
import { validateLabelName, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE_ERROR, isQualifiedName, isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names.js';
import { validateResources } from './pod.js';

const metaOf = (o: JsonObject) => obj(o, 'metadata');

export function validateMeta(o: JsonObject, namespaced: boolean, nameFn: NameValidator = nameIsDNSSubdomain): FieldCause[] {
  return validateObjectMeta(metaOf(o), { namespaced, nameFn });
}

function nonNegative(v: unknown, fld: string): FieldCause[] {
  return typeof v === 'number' && v < 0 ? [invalid(fld, v, IS_NEGATIVE_ERROR)] : [];
}

function intOrPercent(v: unknown, fld: string): FieldCause[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return isValidPercent(v).length ? [invalid(fld, new GoValue(v), "must be an integer or percentage (e.g '5%')")] : [];
  return nonNegative(v, fld);
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateNamespace(ns: JsonObject): FieldCause[] {
  const out = validateMeta(ns, false, nameIsDNSLabel);
  for (const f of arr(obj(ns, 'spec'), 'finalizers') ?? []) {
    const s = String(f);
    const msgs = isQualifiedName(s);
    if (msgs.length) for (const m of msgs) out.push(invalid('spec.finalizers', s, m));
    else if (!s.includes('/') && !STANDARD_FINALIZERS.has(s)) out.push(invalid('spec.finalizers', s, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return out;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateNode(node: JsonObject): FieldCause[] {
  const out = validateMeta(node, false);
  const spec = obj(node, 'spec') ?? {};
  const seen = new Set<string>();
  objects(spec, 'taints').forEach((t, i) => {
    const p = index('spec.taints', i);
    const k = str(t, 'key') ?? '';
    out.push(...validateLabelName(k, child(p, 'key')));
    if (!t.effect) out.push(required(child(p, 'effect')));
    else if (!TAINT_EFFECTS.includes(String(t.effect))) out.push(notSupported(child(p, 'effect'), t.effect, TAINT_EFFECTS));
    const id = `${k}:${String(t.effect)}`;
    if (seen.has(id)) out.push(duplicate(p, new GoValue(`core.Taint{Key:${JSON.stringify(k)}, Value:${JSON.stringify(String(t.value ?? ''))}, Effect:${JSON.stringify(String(t.effect ?? ''))}, TimeAdded:<nil>}`)));
    seen.add(id);
  });
  (arr(spec, 'podCIDRs') ?? []).forEach((c, i) => {
    const [ip, bits] = String(c).split('/');
    if (!ip || bits === undefined || isIP(ip) === 0) out.push(invalid(index('spec.podCIDRs', i), c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  return out;
}

export function validateNodeUpdate(node: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(metaOf(node), metaOf(old)), ...validateNode(node)];
  const spec = obj(node, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  const oldCIDRs = arr(oldSpec, 'podCIDRs') ?? [];
  if (oldCIDRs.length > 0 && !deepEqual(arr(spec, 'podCIDRs') ?? [], oldCIDRs)) out.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  if (oldSpec.providerID && spec.providerID !== oldSpec.providerID) out.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  return out;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(spec: JsonObject, fld: string): FieldCause[] {
  const modes = arr(spec, 'accessModes') ?? [];
  const out: FieldCause[] = [];
  if (modes.length === 0) out.push(required(fld, 'at least 1 access mode is required'));
  for (const m of modes) if (!ACCESS_MODES.includes(String(m))) out.push(notSupported(fld, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) out.push(forbidden(fld, 'may not use ReadWriteOncePod with other access modes'));
  return out;
}

export function validatePersistentVolumeClaim(pvc: JsonObject): FieldCause[] {
  const out = validateMeta(pvc, true);
  const spec = obj(pvc, 'spec') ?? {};
  out.push(...validateAccessModes(spec, 'spec.accessModes'));
  const requests = obj(obj(spec, 'resources'), 'requests');
  if (!requests || requests.storage === undefined) out.push(required(key('spec.resources', 'storage')));
  out.push(...validateResources(obj(spec, 'resources'), 'spec.resources'));
  if (spec.volumeMode && !['Block', 'Filesystem'].includes(String(spec.volumeMode))) out.push(notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  if (isObject(spec.selector)) out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  return out;
}

export function validatePersistentVolumeClaimUpdate(pvc: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(metaOf(pvc), metaOf(old)), ...validatePersistentVolumeClaim(pvc)];
  const spec = structuredClone(obj(pvc, 'spec') ?? {});
  const oldSpec = obj(old, 'spec') ?? {};
  // Binding sets volumeName once; requests may grow (expansion); the attributes class may change.
  if (!oldSpec.volumeName) spec.volumeName = oldSpec.volumeName;
  spec.resources = oldSpec.resources;
  spec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  // RetroactiveDefaultStorageClass (GA 1.28): a claim without a class may get one set once.
  if (oldSpec.storageClassName === undefined || oldSpec.storageClassName === null) spec.storageClassName = oldSpec.storageClassName;
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  if (!deepEqual(spec, oldSpec)) out.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  return out;
}

const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local',
  'storageos', 'csi',
];

export function validatePersistentVolume(pv: JsonObject): FieldCause[] {
  const out = validateMeta(pv, false);
  const spec = obj(pv, 'spec') ?? {};
  out.push(...validateAccessModes(spec, 'spec.accessModes'));
  const capacity = obj(spec, 'capacity');
  if (!capacity || Object.keys(capacity).length === 0) out.push(required('spec.capacity'));
  else if (capacity.storage === undefined) out.push(notSupported('spec.capacity', new GoValue('map[core.ResourceName]resource.Quantity{...}'), ['storage']));
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp && !['Delete', 'Recycle', 'Retain'].includes(String(rp))) out.push(notSupported('spec.persistentVolumeReclaimPolicy', rp, ['Delete', 'Recycle', 'Retain']));
  const sources = PV_SOURCES.filter((s) => isObject(spec[s]));
  if (sources.length === 0) out.push(required('spec', 'must specify a volume type'));
  for (const s of sources.slice(1)) out.push(forbidden(child('spec', s), 'may not specify more than 1 volume type'));
  return out;
}

export function validateServiceAccount(sa: JsonObject): FieldCause[] {
  return validateMeta(sa, true);
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateEndpoints(ep: JsonObject): FieldCause[] {
  const out = validateMeta(ep, true);
  objects(ep, 'subsets').forEach((ss, i) => {
    const p = index('subsets', i);
    for (const kind of ['addresses', 'notReadyAddresses']) {
      objects(ss, kind).forEach((a, j) => {
        const ip = str(a, 'ip') ?? '';
        if (isIP(ip) === 0) out.push(invalid(child(index(child(p, kind), j), 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
      });
    }
    objects(ss, 'ports').forEach((port, j) => {
      const pp = index(child(p, 'ports'), j);
      if (typeof port.port !== 'number' || port.port < 1 || port.port > 65535) out.push(invalid(child(pp, 'port'), port.port ?? 0, 'must be between 1 and 65535, inclusive'));
      if (!PROTOCOLS.includes(String(port.protocol))) out.push(notSupported(child(pp, 'protocol'), port.protocol ?? '', PROTOCOLS));
    });
  });
  return out;
}

export function validateEndpointSlice(slice: JsonObject): FieldCause[] {
  const out = validateMeta(slice, true);
  const at = slice.addressType;
  if (!at) out.push(required('addressType'));
  else if (!['FQDN', 'IPv4', 'IPv6'].includes(String(at))) out.push(notSupported('addressType', at, ['FQDN', 'IPv4', 'IPv6']));
  objects(slice, 'endpoints').forEach((e, i) => {
    const addrs = arr(e, 'addresses') ?? [];
    if (addrs.length === 0) out.push(required(child(index('endpoints', i), 'addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) out.push(invalid(child(index('endpoints', i), 'addresses'), addrs.length, 'must have at most 100 addresses'));
  });
  return out;
}

/** core/v1 Event (ValidateEventCreate; events.k8s.io/v1 requires the new-style fields). */
export function validateEvent(ev: JsonObject, group: string): FieldCause[] {
  const out = validateMeta(ev, true);
  const ns = str(metaOf(ev), 'namespace') ?? '';
  const involved = obj(ev, group === 'events.k8s.io' ? 'regarding' : 'involvedObject');
  const ins = str(involved, 'namespace') ?? '';
  if (ins && ns && ins !== ns) out.push(invalid(group === 'events.k8s.io' ? 'regarding.namespace' : 'involvedObject.namespace', ins, 'does not match event.namespace'));
  if (group === 'events.k8s.io') {
    if (!ev.reportingController) out.push(required('reportingController'));
    if (!ev.reportingInstance) out.push(required('reportingInstance'));
    if (!ev.action) out.push(required('action'));
    if (!ev.reason) out.push(required('reason'));
    if (!ev.eventTime) out.push(required('eventTime'));
    if (ev.type !== 'Normal' && ev.type !== 'Warning') out.push(invalid('type', '', `has invalid value: ${String(ev.type ?? '')}`));
  }
  return out;
}

export function validateLease(lease: JsonObject): FieldCause[] {
  const out = validateMeta(lease, true);
  const spec = obj(lease, 'spec') ?? {};
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) out.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  out.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return out;
}

export function validateStorageClass(sc: JsonObject): FieldCause[] {
  const out = validateMeta(sc, false);
  const provisioner = str(sc, 'provisioner') ?? '';
  if (!provisioner) out.push(required('provisioner'));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) out.push(invalid('provisioner', provisioner, m));
  if (sc.reclaimPolicy && !['Delete', 'Retain'].includes(String(sc.reclaimPolicy))) out.push(notSupported('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
  if (sc.volumeBindingMode && !['Immediate', 'WaitForFirstConsumer'].includes(String(sc.volumeBindingMode))) {
    out.push(notSupported('volumeBindingMode', sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  }
  return out;
}

export function validateStorageClassUpdate(sc: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(metaOf(sc), metaOf(old)), ...validateStorageClass(sc)];
  if (!deepEqual(sc.parameters ?? {}, old.parameters ?? {})) out.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) out.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) out.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (sc.volumeBindingMode !== old.volumeBindingMode) out.push(invalid('volumeBindingMode', sc.volumeBindingMode ?? '', FIELD_IMMUTABLE));
  return out;
}

/** scheduling.HighestUserDefinablePriority. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export function validatePriorityClass(pc: JsonObject): FieldCause[] {
  const out = validateMeta(pc, false);
  const name = str(metaOf(pc), 'name') ?? '';
  const value = typeof pc.value === 'number' ? pc.value : 0;
  if (name in SYSTEM_PRIORITY_CLASSES) {
    if (value !== SYSTEM_PRIORITY_CLASSES[name]) out.push(forbidden('metadata.name', `priority class name ${name} is reserved for system use only and must have value ${SYSTEM_PRIORITY_CLASSES[name]}`));
  } else {
    if (name.startsWith('system-')) out.push(forbidden('metadata.name', "priority class names with 'system-' prefix are reserved for system use only"));
    if (value > HIGHEST_USER_DEFINABLE_PRIORITY) out.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy && !['Never', 'PreemptLowerPriority'].includes(String(pc.preemptionPolicy))) {
    out.push(notSupported('preemptionPolicy', pc.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  return out;
}

export function validatePriorityClassUpdate(pc: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(metaOf(pc), metaOf(old)), ...validatePriorityClass(pc)];
  if (pc.value !== old.value) out.push(forbidden('value', 'may not be changed in an update.'));
  if (pc.preemptionPolicy !== old.preemptionPolicy) out.push(invalid('preemptionPolicy', pc.preemptionPolicy ?? '', FIELD_IMMUTABLE));
  return out;
}

export function validateHorizontalPodAutoscaler(hpa: JsonObject): FieldCause[] {
  const out = validateMeta(hpa, true);
  const spec = obj(hpa, 'spec') ?? {};
  const ref = obj(spec, 'scaleTargetRef') ?? {};
  if (!ref.kind) out.push(required('spec.scaleTargetRef.kind'));
  if (!ref.name) out.push(required('spec.scaleTargetRef.name'));
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
  if (min < 1) out.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas;
  if (typeof max !== 'number' || max < 1) out.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (max < min) out.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  return out;
}

export function validatePodDisruptionBudget(pdb: JsonObject): FieldCause[] {
  const out = validateMeta(pdb, true);
  const spec = obj(pdb, 'spec') ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined && spec.minAvailable !== null && spec.maxUnavailable !== null) {
    out.push(invalid('spec.minAvailable', new GoValue(String(spec.minAvailable)), 'minAvailable and maxUnavailable cannot be both set'));
  }
  out.push(...intOrPercent(spec.minAvailable, 'spec.minAvailable'), ...intOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  if (isObject(spec.selector)) out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const p = spec.unhealthyPodEvictionPolicy;
  if (p && !['AlwaysAllow', 'IfHealthyBudget'].includes(String(p))) out.push(notSupported('spec.unhealthyPodEvictionPolicy', p, ['AlwaysAllow', 'IfHealthyBudget']));
  return out;
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

export function validateIngress(ing: JsonObject): FieldCause[] {
  const out = validateMeta(ing, true);
  const spec = obj(ing, 'spec') ?? {};
  const rules = objects(spec, 'rules');
  if (rules.length === 0 && !isObject(spec.defaultBackend)) out.push(invalid('spec', new GoValue('networking.IngressSpec{...}'), 'either `defaultBackend` or `rules` must be specified'));
  rules.forEach((r, i) => {
    objects(obj(r, 'http'), 'paths').forEach((path, j) => {
      const p = index(child(index('spec.rules', i), 'http', 'paths'), j);
      const pt = path.pathType;
      if (!pt) out.push(required(child(p, 'pathType'), 'pathType must be specified'));
      else if (!PATH_TYPES.includes(String(pt))) out.push(notSupported(child(p, 'pathType'), pt, PATH_TYPES));
      else if ((pt === 'Exact' || pt === 'Prefix') && !String(path.path ?? '').startsWith('/')) out.push(invalid(child(p, 'path'), path.path ?? '', 'must be an absolute path'));
    });
  });
  return out;
}

export function validateNetworkPolicy(np: JsonObject): FieldCause[] {
  const out = validateMeta(np, true);
  const spec = obj(np, 'spec') ?? {};
  out.push(...validateLabelSelector(obj(spec, 'podSelector'), 'spec.podSelector'));
  (arr(spec, 'policyTypes') ?? []).forEach((t, i) => {
    if (!['Ingress', 'Egress'].includes(String(t))) out.push(notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  return out;
}

/** Generic update rule for kinds without special rules: ObjectMeta identity plus create validation of the new object. */
export function validateMetaUpdate(o: JsonObject, old: JsonObject): FieldCause[] {
  return validateObjectMetaUpdate(metaOf(o), metaOf(old));
}
