/**
 * Service write-path fix-ups from pkg/registry/core/service: keep allocated values the client
 * omitted (patchAllocatedValues), keep clusterIP/clusterIPs in step (normalizeClusterIPs) and
 * drop fields the new type no longer uses (dropTypeDependentFields).
 */
import { arr, deepEqual, obj, objects, type JsonObject } from '../json.js';

const needsClusterIP = (s: JsonObject) => s.type !== 'ExternalName';
const needsNodePort = (s: JsonObject) => s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
const needsHCNodePort = (s: JsonObject) => (s.type === 'LoadBalancer') && s.externalTrafficPolicy === 'Local';

export function normalizeClusterIPs(spec: JsonObject, oldSpec?: JsonObject): void {
  const ip = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  if (!oldSpec) {
    if (ip && (arr(spec, 'clusterIPs') ?? []).length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = typeof oldSpec.clusterIP === 'string' ? oldSpec.clusterIP : '';
  const oldIPs = arr(oldSpec, 'clusterIPs') ?? [];
  if (oldIPs.length > 0 && (arr(spec, 'clusterIPs') ?? []).length === 0 && oldIP === ip) spec.clusterIPs = [...oldIPs];
  if (oldIP !== ip && deepEqual(arr(spec, 'clusterIPs') ?? [], oldIPs)) {
    if (oldIP && !ip) delete spec.clusterIPs;
    else spec.clusterIPs = [ip];
  }
}

export function patchAllocatedValues(spec: JsonObject, oldSpec: JsonObject): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    const oldIPs = arr(oldSpec, 'clusterIPs') ?? [];
    if ((arr(spec, 'clusterIPs') ?? []).length === 0 && oldIPs.length > 0) spec.clusterIPs = [...oldIPs];
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const used = new Set(objects(spec, 'ports').map((p) => p.nodePort).filter(Boolean));
    const byName = new Map(objects(oldSpec, 'ports').map((p) => [String(p.name ?? ''), p.nodePort]));
    for (const p of objects(spec, 'ports')) {
      if (p.nodePort) continue;
      const oldVal = byName.get(String(p.name ?? ''));
      if (oldVal && !used.has(oldVal)) p.nodePort = oldVal;
    }
  }
  if (needsHCNodePort(oldSpec) && needsHCNodePort(spec) && !spec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
}

export function dropTypeDependentFields(spec: JsonObject, oldSpec: JsonObject): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec) && spec.clusterIP === oldSpec.clusterIP) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
    delete spec.internalTrafficPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const oldPorts = objects(oldSpec, 'ports');
    for (const p of objects(spec, 'ports')) if (oldPorts.some((o) => o.nodePort === p.nodePort)) delete p.nodePort;
  }
  if (needsHCNodePort(oldSpec) && !needsHCNodePort(spec) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const wasExternal = oldSpec.type === 'NodePort' || oldSpec.type === 'LoadBalancer';
  if (wasExternal && !external && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
}

export function prepareServiceUpdate(svc: JsonObject, old: JsonObject): void {
  const spec = obj(svc, 'spec');
  const oldSpec = obj(old, 'spec');
  if (!spec || !oldSpec) return;
  patchAllocatedValues(spec, oldSpec);
  normalizeClusterIPs(spec, oldSpec);
  dropTypeDependentFields(spec, oldSpec);
}
