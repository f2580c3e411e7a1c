/** core/v1 defaulting other than pods (pkg/apis/core/v1/defaults.go). */
import { ensureObject, isObject, obj, objects, setDefault, setDefaultString, str, type JsonObject } from '../json.js';
import { defaultPodTemplateSpec } from './pod.js';

/** SetDefaults_Service (plus ipFamilyPolicy/ipFamilies, which the service REST layer fills on a single-stack IPv4 cluster). */
export function defaultService(svc: JsonObject): void {
  const spec = ensureObject(svc, 'spec');
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = obj(obj(spec, 'sessionAffinityConfig'), 'clientIP')?.timeoutSeconds;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  for (const p of objects(spec, 'ports')) {
    setDefaultString(p, 'protocol', 'TCP');
    // targetPort zero value (unset, 0 or "") means "same as port".
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  if (type === 'NodePort' || type === 'LoadBalancer') setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (type !== 'ExternalName') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
    // clusterIPs mirrors clusterIP (normalizeClusterIPs in the service strategy).
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && !Array.isArray(spec.clusterIPs)) spec.clusterIPs = [spec.clusterIP];
  }
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  // ServiceStatus.loadBalancer is a non-pointer struct: always shown as `loadBalancer: {}`.
  const lb = ensureObject(ensureObject(svc, 'status'), 'loadBalancer');
  if (type === 'LoadBalancer') for (const ing of objects(lb, 'ingress')) if (ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
}

export function defaultNamespace(ns: JsonObject): void {
  // SetDefaults_Namespace: the immutable kubernetes.io/metadata.name label.
  const meta = ensureObject(ns, 'metadata');
  const name = str(meta, 'name');
  if (name) ensureObject(meta, 'labels')['kubernetes.io/metadata.name'] = name;
  setDefaultString(ensureObject(ns, 'status'), 'phase', 'Active');
}

export function defaultSecret(secret: JsonObject): void {
  setDefaultString(secret, 'type', 'Opaque');
}

export function defaultNode(node: JsonObject): void {
  // SetDefaults_NodeStatus: allocatable defaults to capacity.
  const status = obj(node, 'status');
  const capacity = obj(status, 'capacity');
  if (status && capacity && !isObject(status.allocatable)) status.allocatable = { ...capacity };
}

export function defaultEndpoints(ep: JsonObject): void {
  for (const subset of objects(ep, 'subsets')) for (const p of objects(subset, 'ports')) setDefaultString(p, 'protocol', 'TCP');
}

/** SetDefaults_ReplicationController: selector and labels from the template, replicas 1. */
export function defaultReplicationController(rc: JsonObject): void {
  const spec = ensureObject(rc, 'spec');
  const template = obj(spec, 'template');
  const labels = obj(obj(template, 'metadata'), 'labels');
  if (labels) {
    if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = ensureObject(rc, 'metadata');
    if (!isObject(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(template);
}

export function defaultPodTemplate(pt: JsonObject): void {
  defaultPodTemplateSpec(obj(pt, 'template'));
}

/** core/v1 Event has non-omitempty fields the API always shows. */
export function defaultCoreEvent(ev: JsonObject): void {
  setDefault(ev, 'reportingComponent', '');
  setDefault(ev, 'reportingInstance', '');
}

/** SetDefaults_LimitRangeItem: for Container items, default/defaultRequest from max/limits. */
export function defaultLimitRange(lr: JsonObject): void {
  for (const item of objects(obj(lr, 'spec'), 'limits')) {
    if (item.type !== 'Container') continue;
    const max = obj(item, 'max');
    if (max) {
      const def = ensureObject(item, 'default');
      for (const [k, v] of Object.entries(max)) if (def[k] === undefined) def[k] = v;
    }
    const def = obj(item, 'default');
    if (def) {
      const req = ensureObject(item, 'defaultRequest');
      for (const [k, v] of Object.entries(def)) if (req[k] === undefined) req[k] = v;
    }
    const min = obj(item, 'min');
    if (min) {
      const req = ensureObject(item, 'defaultRequest');
      for (const [k, v] of Object.entries(min)) if (req[k] === undefined) req[k] = v;
    }
  }
}
