/** Defaulting for the remaining built-in groups (autoscaling, discovery, rbac, scheduling, networking, apiextensions). */
import { ensureObject, isObject, obj, objects, setDefault, setDefaultString, type JsonObject } from '../json.js';

/** autoscaling/v2 GenerateHPAScaleUpRules defaults. */
function defaultScaleUp(rules: JsonObject): void {
  setDefault(rules, 'stabilizationWindowSeconds', 0);
  setDefault(rules, 'selectPolicy', 'Max');
  if (!Array.isArray(rules.policies) || rules.policies.length === 0) {
    rules.policies = [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ];
  }
}

/** autoscaling/v2 GenerateHPAScaleDownRules defaults. */
function defaultScaleDown(rules: JsonObject): void {
  setDefault(rules, 'stabilizationWindowSeconds', 300);
  setDefault(rules, 'selectPolicy', 'Max');
  if (!Array.isArray(rules.policies) || rules.policies.length === 0) rules.policies = [{ type: 'Percent', value: 100, periodSeconds: 15 }];
}

export function defaultHorizontalPodAutoscaler(hpa: JsonObject): void {
  const spec = ensureObject(hpa, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  // Behavior is only completed when the user gave one.
  const behavior = obj(spec, 'behavior');
  if (behavior) {
    defaultScaleUp(ensureObject(behavior, 'scaleUp'));
    defaultScaleDown(ensureObject(behavior, 'scaleDown'));
  }
}

/** discovery/v1 SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(slice: JsonObject): void {
  for (const p of objects(slice, 'ports')) {
    setDefault(p, 'name', '');
    setDefault(p, 'protocol', 'TCP');
  }
}

/** rbac/v1 SetDefaults_Subject: apiGroup for User and Group subjects. */
export function defaultRoleBinding(binding: JsonObject): void {
  for (const s of objects(binding, 'subjects')) {
    if (s.apiGroup) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

export function defaultPriorityClass(pc: JsonObject): void {
  setDefault(pc, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** networking/v1 SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
export function defaultNetworkPolicy(np: JsonObject): void {
  const spec = ensureObject(np, 'spec');
  for (const dir of ['ingress', 'egress']) {
    for (const rule of objects(spec, dir)) for (const p of objects(rule, 'ports')) setDefault(p, 'protocol', 'TCP');
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    const types = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
    spec.policyTypes = types;
  }
}

/** apiextensions/v1 SetDefaults_CustomResourceDefinitionSpec and SetDefaults_ServiceReference. */
export function defaultCustomResourceDefinition(crd: JsonObject): void {
  const spec = ensureObject(crd, 'spec');
  const names = obj(spec, 'names');
  if (names && typeof names.kind === 'string') {
    setDefaultString(names, 'singular', names.kind.toLowerCase());
    setDefaultString(names, 'listKind', `${names.kind}List`);
  }
  const conversion = ensureObject(spec, 'conversion');
  setDefaultString(conversion, 'strategy', 'None');
  const service = obj(obj(obj(conversion, 'webhook'), 'clientConfig'), 'service');
  if (service) setDefault(service, 'port', 443);
  // Status acceptedNames mirror defaults for the served names (the API always shows storedVersions).
  const status = obj(crd, 'status');
  if (status && isObject(status.acceptedNames)) {
    const accepted = status.acceptedNames;
    if (typeof accepted.kind === 'string' && accepted.kind) setDefaultString(accepted, 'listKind', `${accepted.kind}List`);
  }
}
