/**
 * Pod, PodSpec and PodTemplateSpec validation (pkg/apis/core/validation/validation.go:
 * ValidatePodSpec, validateContainers, validateVolumes, ValidateTolerations, ValidatePodUpdate).
 */
import { clone, deepEqual, isObject, obj, objects, str, type JsonObject } from '../json.js';
import { parseQuantity, quantityText } from '../../../api/quantity.js';
import { defaultPodSpec } from '../defaults/pod.js';
import { child, duplicate, forbidden, index, invalid, key, notFound, notSupported, required, type FieldCause } from './field.js';
import { validateAnnotations, validateLabelName, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import {
  IS_NEGATIVE_ERROR,
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const MAX_INT32 = 2147483647;
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function nonNegative(v: unknown, fld: string): FieldCause[] {
  return typeof v === 'number' && v < 0 ? [invalid(fld, v, IS_NEGATIVE_ERROR)] : [];
}

function validateMode(v: unknown, fld: string): FieldCause[] {
  return typeof v === 'number' && (v < 0 || v > 0o777) ? [invalid(fld, v, FILE_MODE_ERROR)] : [];
}

function validateKeyToPaths(src: JsonObject, fld: string): FieldCause[] {
  const out: FieldCause[] = [];
  objects(src, 'items').forEach((item, i) => {
    const p = index(child(fld, 'items'), i);
    if (!item.key) out.push(required(child(p, 'key')));
    if (!item.path) out.push(required(child(p, 'path')));
    else if (String(item.path).startsWith('/')) out.push(invalid(child(p, 'path'), item.path, 'must be a relative path'));
    else if (String(item.path).split('/').includes('..')) out.push(invalid(child(p, 'path'), item.path, "must not contain '..'"));
    out.push(...validateMode(item.mode, child(p, 'mode')));
  });
  return out;
}

function validateVolumeSource(v: JsonObject, fld: string): FieldCause[] {
  const out: FieldCause[] = [];
  const present = VOLUME_SOURCES.filter((k) => v[k] !== undefined && v[k] !== null);
  if (present.length === 0) return [required(fld, 'must specify a volume type')];
  for (const extra of present.slice(1)) out.push(forbidden(child(fld, extra), 'may not specify more than 1 volume type'));
  const cm = obj(v, 'configMap');
  if (cm) {
    if (!cm.name) out.push(required(child(fld, 'configMap', 'name')));
    out.push(...validateMode(cm.defaultMode, child(fld, 'configMap', 'defaultMode')), ...validateKeyToPaths(cm, child(fld, 'configMap')));
  }
  const secret = obj(v, 'secret');
  if (secret) {
    if (!secret.secretName) out.push(required(child(fld, 'secret', 'secretName')));
    out.push(...validateMode(secret.defaultMode, child(fld, 'secret', 'defaultMode')), ...validateKeyToPaths(secret, child(fld, 'secret')));
  }
  const hostPath = obj(v, 'hostPath');
  if (hostPath && !hostPath.path) out.push(required(child(fld, 'hostPath', 'path')));
  const pvc = obj(v, 'persistentVolumeClaim');
  if (pvc && !pvc.claimName) out.push(required(child(fld, 'persistentVolumeClaim', 'claimName')));
  const nfs = obj(v, 'nfs');
  if (nfs) {
    if (!nfs.server) out.push(required(child(fld, 'nfs', 'server')));
    if (!nfs.path) out.push(required(child(fld, 'nfs', 'path')));
  }
  for (const k of ['downwardAPI', 'projected']) {
    const src = obj(v, k);
    if (src) out.push(...validateMode(src.defaultMode, child(fld, k, 'defaultMode')));
  }
  return out;
}

/** Volume names must be unique DNS-1123 labels; returns the set of names for volumeMount checks. */
function validateVolumes(spec: JsonObject, fld: string, names: Set<string>): FieldCause[] {
  const out: FieldCause[] = [];
  objects(spec, 'volumes').forEach((v, i) => {
    const p = index(fld, i);
    const name = str(v, 'name') ?? '';
    if (!name) out.push(required(child(p, 'name')));
    else {
      for (const m of isDNS1123Label(name)) out.push(invalid(child(p, 'name'), name, m));
      if (names.has(name)) out.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    out.push(...validateVolumeSource(v, p));
  });
  return out;
}

function validatePorts(c: JsonObject, fld: string, hostNetwork: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  const names = new Set<string>();
  objects(c, 'ports').forEach((port, i) => {
    const p = index(fld, i);
    const name = str(port, 'name') ?? '';
    if (name) {
      for (const m of isValidPortName(name)) out.push(invalid(child(p, 'name'), name, m));
      if (names.has(name)) out.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    if (!port.containerPort) out.push(required(child(p, 'containerPort')));
    else for (const m of isValidPortNum(port.containerPort)) out.push(invalid(child(p, 'containerPort'), port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) out.push(invalid(child(p, 'hostPort'), port.hostPort, m));
    if (hostNetwork && port.hostPort && port.hostPort !== port.containerPort) {
      out.push(invalid(child(p, 'hostPort'), port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
    if (!port.protocol) out.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(String(port.protocol))) out.push(notSupported(child(p, 'protocol'), port.protocol, PROTOCOLS));
  });
  return out;
}

function validateEnv(c: JsonObject, fld: string): FieldCause[] {
  const out: FieldCause[] = [];
  objects(c, 'env').forEach((e, i) => {
    const p = index(fld, i);
    const name = str(e, 'name') ?? '';
    if (!name) out.push(required(child(p, 'name')));
    else for (const m of isEnvVarName(name)) out.push(invalid(child(p, 'name'), name, m));
    const vf = obj(e, 'valueFrom');
    if (vf) {
      if (e.value) out.push(invalid(child(p, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => isObject(vf[k]));
      if (sources.length === 0) out.push(invalid(child(p, 'valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) out.push(invalid(child(p, 'valueFrom'), '', 'may not have more than one field specified at a time'));
      for (const k of ['configMapKeyRef', 'secretKeyRef']) {
        const ref = obj(vf, k);
        if (!ref) continue;
        if (!ref.key) out.push(required(child(p, 'valueFrom', k, 'key')));
        else for (const m of isConfigMapKey(String(ref.key))) out.push(invalid(child(p, 'valueFrom', k, 'key'), ref.key, m));
      }
      const fieldRef = obj(vf, 'fieldRef');
      if (fieldRef && !fieldRef.fieldPath) out.push(required(child(p, 'valueFrom', 'fieldRef', 'fieldPath')));
    }
  });
  return out;
}

function validateVolumeMounts(c: JsonObject, fld: string, volumes: Set<string>): FieldCause[] {
  const out: FieldCause[] = [];
  const paths = new Set<string>();
  objects(c, 'volumeMounts').forEach((m, i) => {
    const p = index(fld, i);
    const name = str(m, 'name') ?? '';
    if (!name) out.push(required(child(p, 'name')));
    else if (!volumes.has(name)) out.push(notFound(child(p, 'name'), name));
    const mountPath = str(m, 'mountPath') ?? '';
    if (!mountPath) out.push(required(child(p, 'mountPath')));
    else {
      if (paths.has(mountPath)) out.push(invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
      paths.add(mountPath);
    }
    if (m.subPath && String(m.subPath).startsWith('/')) out.push(invalid(child(p, 'subPath'), m.subPath, 'must be a relative path'));
  });
  return out;
}

/** ValidateResourceRequirements: quantities parse, are non-negative, and requests <= limits. */
export function validateResources(resources: JsonObject | undefined, fld: string): FieldCause[] {
  if (!resources) return [];
  const out: FieldCause[] = [];
  const limits = obj(resources, 'limits') ?? {};
  const requests = obj(resources, 'requests') ?? {};
  for (const [kind, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, q] of Object.entries(list)) {
      const p = key(child(fld, kind), name);
      const v = parseQuantity(q);
      if (v === undefined) out.push(invalid(p, quantityText(q), 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''));
      else if (v < 0) out.push(invalid(p, quantityText(q), IS_NEGATIVE_ERROR));
    }
  }
  for (const [name, q] of Object.entries(requests)) {
    if (!(name in limits)) continue;
    const r = parseQuantity(q);
    const l = parseQuantity(limits[name]);
    if (r !== undefined && l !== undefined && r > l) {
      out.push(invalid(key(child(fld, 'requests'), name), quantityText(q), `must be less than or equal to ${name} limit of ${quantityText(limits[name])}`));
    }
  }
  return out;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: JsonObject | undefined, fld: string, mustSucceedOnce: boolean): FieldCause[] {
  if (!probe) return [];
  const out: FieldCause[] = [];
  const handlers = PROBE_HANDLERS.filter((h) => isObject(probe[h]));
  if (handlers.length === 0) out.push(required(fld, 'must specify a handler type'));
  for (const extra of handlers.slice(1)) out.push(forbidden(child(fld, extra), 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) out.push(...nonNegative(probe[f], child(fld, f)));
  if (mustSucceedOnce && typeof probe.successThreshold === 'number' && probe.successThreshold !== 1) {
    out.push(invalid(child(fld, 'successThreshold'), probe.successThreshold, 'must be 1'));
  }
  const httpGet = obj(probe, 'httpGet');
  if (httpGet) out.push(...validatePortNumOrName(httpGet.port, child(fld, 'httpGet', 'port')));
  const tcp = obj(probe, 'tcpSocket');
  if (tcp) out.push(...validatePortNumOrName(tcp.port, child(fld, 'tcpSocket', 'port')));
  return out;
}

/** ValidatePortNumOrName for intstr ports (targetPort, probe ports). */
export function validatePortNumOrName(port: unknown, fld: string): FieldCause[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(fld, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(fld, port, m));
  return [required(fld)];
}

function validateContainer(c: JsonObject, fld: string, ctx: { volumes: Set<string>; names: Set<string>; hostNetwork: boolean; regular: boolean }): FieldCause[] {
  const out: FieldCause[] = [];
  const name = str(c, 'name') ?? '';
  if (!name) out.push(required(child(fld, 'name')));
  else {
    for (const m of isDNS1123Label(name)) out.push(invalid(child(fld, 'name'), name, m));
    if (ctx.names.has(name)) out.push(duplicate(child(fld, 'name'), name));
    ctx.names.add(name);
  }
  const image = str(c, 'image') ?? '';
  if (!image) out.push(required(child(fld, 'image')));
  else if (image.trim() !== image) out.push(invalid(child(fld, 'image'), image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy && !PULL_POLICIES.includes(String(c.imagePullPolicy))) out.push(notSupported(child(fld, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  if (c.terminationMessagePolicy && !TERMINATION_MESSAGE_POLICIES.includes(String(c.terminationMessagePolicy))) {
    out.push(notSupported(child(fld, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
  out.push(...validatePorts(c, child(fld, 'ports'), ctx.hostNetwork));
  out.push(...validateEnv(c, child(fld, 'env')));
  out.push(...validateVolumeMounts(c, child(fld, 'volumeMounts'), ctx.volumes));
  out.push(...validateResources(obj(c, 'resources'), child(fld, 'resources')));
  const sidecar = c.restartPolicy === 'Always';
  if (ctx.regular || sidecar) {
    out.push(...validateProbe(obj(c, 'livenessProbe'), child(fld, 'livenessProbe'), true));
    out.push(...validateProbe(obj(c, 'readinessProbe'), child(fld, 'readinessProbe'), false));
    out.push(...validateProbe(obj(c, 'startupProbe'), child(fld, 'startupProbe'), true));
  } else {
    for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (isObject(c[p])) out.push(forbidden(child(fld, p), `may not be set for init containers without restartPolicy=Always`));
    }
  }
  if (!ctx.regular && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') out.push(notSupported(child(fld, 'restartPolicy'), c.restartPolicy, ['Always']));
  if (ctx.regular && c.restartPolicy !== undefined) out.push(forbidden(child(fld, 'restartPolicy'), 'may not be set for non-init containers'));
  return out;
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown, fld: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (!Array.isArray(tolerations)) return out;
  tolerations.forEach((t, i) => {
    const p = index(fld, i);
    const tol = isObject(t) ? t : {};
    const k = str(tol, 'key') ?? '';
    if (k) out.push(...validateLabelName(k, child(p, 'key')));
    const op = str(tol, 'operator') ?? '';
    if (!k && op !== 'Exists') out.push(invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (tol.tolerationSeconds !== undefined && tol.tolerationSeconds !== null && tol.effect !== 'NoExecute') {
      out.push(invalid(child(p, 'effect'), tol.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case '':
      case 'Equal':
        for (const m of isValidLabelValue(String(tol.value ?? ''))) out.push(invalid(child(p, 'operator'), tol.value ?? '', m));
        break;
      case 'Exists':
        if (tol.value) out.push(invalid(child(p, 'operator'), tol, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        out.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (tol.effect && !TAINT_EFFECTS.includes(String(tol.effect))) out.push(notSupported(child(p, 'effect'), tol.effect, TAINT_EFFECTS));
  });
  return out;
}

export interface PodSpecOptions {
  /** Validating a pod template (workloads) rather than a Pod: ephemeral containers are not allowed either way. */
  template?: boolean;
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: JsonObject | undefined, fld: string, _opts: PodSpecOptions = {}): FieldCause[] {
  if (!spec) return [required(fld)];
  const out: FieldCause[] = [];
  const volumes = new Set<string>();
  out.push(...validateVolumes(spec, child(fld, 'volumes'), volumes));
  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  objects(spec, 'initContainers').forEach((c, i) => out.push(...validateContainer(c, index(child(fld, 'initContainers'), i), { volumes, names, hostNetwork, regular: false })));
  const containers = objects(spec, 'containers');
  if (containers.length === 0) out.push(required(child(fld, 'containers')));
  containers.forEach((c, i) => out.push(...validateContainer(c, index(child(fld, 'containers'), i), { volumes, names, hostNetwork, regular: true })));
  const restart = spec.restartPolicy;
  if (!restart) out.push(required(child(fld, 'restartPolicy')));
  else if (!RESTART_POLICIES.includes(String(restart))) out.push(notSupported(child(fld, 'restartPolicy'), restart, RESTART_POLICIES));
  const dns = spec.dnsPolicy;
  if (!dns) out.push(required(child(fld, 'dnsPolicy')));
  else if (!DNS_POLICIES.includes(String(dns))) out.push(notSupported(child(fld, 'dnsPolicy'), dns, DNS_POLICIES));
  else if (dns === 'None' && !isObject(spec.dnsConfig)) out.push(required(child(fld, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  out.push(...validateLabels(spec.nodeSelector, child(fld, 'nodeSelector')));
  const sa = str(spec, 'serviceAccountName');
  if (sa) for (const m of isDNS1123Subdomain(sa)) out.push(invalid(child(fld, 'serviceAccountName'), sa, m));
  const nodeName = str(spec, 'nodeName');
  if (nodeName) for (const m of isDNS1123Subdomain(nodeName)) out.push(invalid(child(fld, 'nodeName'), nodeName, m));
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec, f);
    if (v) for (const m of isDNS1123Label(v)) out.push(invalid(child(fld, f), v, m));
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (typeof ads !== 'number' || ads < 1 || ads > MAX_INT32)) {
    out.push(invalid(child(fld, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  out.push(...nonNegative(spec.terminationGracePeriodSeconds, child(fld, 'terminationGracePeriodSeconds')));
  out.push(...validateTolerations(spec.tolerations, child(fld, 'tolerations')));
  out.push(...validateResources(obj(spec, 'resources'), child(fld, 'resources')));
  objects(spec, 'schedulingGates').forEach((g, i) => out.push(...validateLabelName(String(g.name ?? ''), child(index(child(fld, 'schedulingGates'), i), 'name'))));
  return out;
}

/** ValidatePodTemplateSpec: template labels/annotations and the pod spec. */
export function validatePodTemplateSpec(template: JsonObject | undefined, fld: string): FieldCause[] {
  if (!template) return [required(fld)];
  const meta = obj(template, 'metadata');
  return [
    ...validateLabels(meta?.labels, child(fld, 'metadata', 'labels')),
    ...validateAnnotations(meta?.annotations, child(fld, 'metadata', 'annotations')),
    ...validatePodSpec(obj(template, 'spec'), child(fld, 'spec'), { template: true }),
  ];
}

const POD_META = { namespaced: true, nameFn: nameIsDNSSubdomain };

export function validatePod(pod: JsonObject): FieldCause[] {
  const spec = obj(pod, 'spec');
  return [...validateObjectMeta(obj(pod, 'metadata'), POD_META), ...validatePodSpec(spec, 'spec')];
}

export function validatePodCreate(pod: JsonObject): FieldCause[] {
  const out = validatePod(pod);
  const eph = obj(pod, 'spec')?.ephemeralContainers;
  if (Array.isArray(eph) && eph.length > 0) out.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return out;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** A short cmp.Diff-like listing of the changed top-level spec fields (upstream appends cmp.Diff output). */
function specDiff(oldSpec: JsonObject, newSpec: JsonObject): string {
  const lines = ['  core.PodSpec{'];
  for (const k of [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort()) {
    if (deepEqual(oldSpec[k], newSpec[k])) continue;
    const goName = k.charAt(0).toUpperCase() + k.slice(1);
    if (oldSpec[k] !== undefined) lines.push(`- \t${goName}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${goName}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

function validateOnlyAddedTolerations(newT: unknown, oldT: unknown, fld: string): FieldCause[] {
  const newList = Array.isArray(newT) ? newT : [];
  for (const o of Array.isArray(oldT) ? oldT : []) {
    const found = newList.some((n) => isObject(n) && isObject(o) && deepEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [forbidden(fld, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and a few more may change. */
export function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldCause[] {
  const out = validateObjectMetaUpdate(obj(pod, 'metadata'), obj(old, 'metadata'));
  // Most updates (labels, annotations, finalizers, status) leave the spec alone. The spec
  // then is the stored one, valid when it was written, so only the metadata needs checking
  // (upstream validates the unchanged spec again; the verdict is the same).
  if (deepEqual(obj(pod, 'spec') ?? {}, obj(old, 'spec') ?? {})) {
    out.push(...validateObjectMeta(obj(pod, 'metadata'), POD_META));
    return out;
  }
  out.push(...validatePod(pod));
  const newSpec = clone(obj(pod, 'spec') ?? {});
  const oldSpec = clone(obj(old, 'spec') ?? {});
  // Both sides as the decoder would default them, so an omitted default is not a change.
  defaultPodSpec(newSpec);
  defaultPodSpec(oldSpec);
  const nAds = newSpec.activeDeadlineSeconds;
  const oAds = oldSpec.activeDeadlineSeconds;
  if (typeof oAds === 'number') {
    if (nAds === undefined || nAds === null) out.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    else if (typeof nAds === 'number' && nAds > oAds) out.push(invalid('spec.activeDeadlineSeconds', nAds, 'must be less than or equal to previous value'));
  }
  out.push(...validateOnlyAddedTolerations(newSpec.tolerations, oldSpec.tolerations, 'spec.tolerations'));
  // Munge the allowed mutations into the new spec, then require equality with the old.
  const munged = clone(newSpec);
  for (const list of ['containers', 'initContainers']) {
    const oldList = objects(oldSpec, list);
    objects(munged, list).forEach((c, i) => {
      if (oldList[i]) c.image = oldList[i].image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.tolerations = oldSpec.tolerations;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && newSpec.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  // Scheduling gates may only be removed; node selector/affinity may be added while gated.
  if (Array.isArray(oldSpec.schedulingGates)) munged.schedulingGates = oldSpec.schedulingGates;
  if (!deepEqual(munged, oldSpec)) out.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${specDiff(oldSpec, munged)}`));
  return out;
}
