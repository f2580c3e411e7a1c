/** Service validation (pkg/apis/core/validation: ValidateService, ValidateServiceUpdate). */
import { isIP } from 'node:net';
import { arr, obj, objects, str, type JsonObject } from '../json.js';
import { child, duplicate, forbidden, GoValue, index, invalid, notSupported, required, type FieldCause } from './field.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { validatePortNumOrName } from './pod.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const IP_FAMILIES = ['IPv4', 'IPv6'];

/** The service node-port range (kube-apiserver --service-node-port-range default). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

function isHeadless(spec: JsonObject): boolean {
  return spec.clusterIP === 'None';
}

/** Go `%#v` of the core.ServicePort key used in duplicate port/protocol errors. */
function goServicePortKey(port: unknown, protocol: unknown): GoValue {
  return new GoValue(
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(String(protocol ?? ''))}, AppProtocol:(*string)(nil), Port:${Number(port ?? 0)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

export function validateService(svc: JsonObject): FieldCause[] {
  const out = validateObjectMeta(obj(svc, 'metadata'), { namespaced: true, nameFn: nameIsDNS1035Label });
  const spec = obj(svc, 'spec') ?? {};
  const type = str(spec, 'type') ?? 'ClusterIP';
  const ports = objects(spec, 'ports');
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') out.push(required('spec.ports'));
  if (!SERVICE_TYPES.includes(type)) out.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ExternalName') {
    const clusterIPs = arr(spec, 'clusterIPs') ?? [];
    if ((spec.clusterIP && spec.clusterIP !== '') || clusterIPs.length > 0) out.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    const externalName = str(spec, 'externalName') ?? '';
    if (!externalName) out.push(required('spec.externalName'));
    else {
      const name = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName;
      const msgs = isDNS1123Subdomain(name);
      if (msgs.length) out.push(invalid('spec.externalName', name, msgs.join(',')));
      else if (name.split('.').length < 2) out.push(invalid('spec.externalName', name, 'should be a domain with at least two segments separated by dots'));
    }
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    const p = index('spec.ports', i);
    const name = str(sp, 'name') ?? '';
    if (ports.length > 1 && !name) out.push(required(child(p, 'name')));
    else if (name) {
      for (const m of isDNS1123Label(name)) out.push(invalid(child(p, 'name'), name, m));
      if (names.has(name)) out.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    for (const m of isValidPortNum(sp.port)) out.push(invalid(child(p, 'port'), sp.port ?? 0, m));
    if (!sp.protocol) out.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(String(sp.protocol))) out.push(notSupported(child(p, 'protocol'), sp.protocol, PROTOCOLS));
    if (sp.targetPort !== undefined && sp.targetPort !== null && sp.targetPort !== 0 && sp.targetPort !== '') {
      out.push(...validatePortNumOrName(sp.targetPort, child(p, 'targetPort')));
    }
    const k = `${String(sp.port)}/${String(sp.protocol)}`;
    if (keys.has(k)) out.push(duplicate(p, goServicePortKey(sp.port, sp.protocol)));
    keys.add(k);
    if (sp.nodePort) {
      if (type === 'ClusterIP' || type === 'ExternalName') out.push(forbidden(child(p, 'nodePort'), `may not be used when \`type\` is '${type}'`));
      else {
        const np = Number(sp.nodePort);
        if (np < NODE_PORT_RANGE.min || np > NODE_PORT_RANGE.max) {
          out.push(invalid(child(p, 'nodePort'), np, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
        }
        const nk = `${np}/${String(sp.protocol)}`;
        if (nodePorts.has(nk)) out.push(duplicate(child(p, 'nodePort'), np));
        nodePorts.add(nk);
      }
    }
  });
  out.push(...validateLabels(spec.selector, 'spec.selector'));
  if (spec.sessionAffinity && !SESSION_AFFINITIES.includes(String(spec.sessionAffinity))) out.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, SESSION_AFFINITIES));
  const timeout = obj(obj(spec, 'sessionAffinityConfig'), 'clientIP')?.timeoutSeconds;
  if (typeof timeout === 'number' && (timeout <= 0 || timeout > 86400)) {
    out.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  }
  for (const [f, allowed] of [['internalTrafficPolicy', TRAFFIC_POLICIES], ['externalTrafficPolicy', TRAFFIC_POLICIES], ['ipFamilyPolicy', IP_FAMILY_POLICIES]] as const) {
    const v = spec[f];
    if (v !== undefined && v !== null && v !== '' && !allowed.includes(String(v))) out.push(notSupported(`spec.${f}`, v, allowed));
  }
  (arr(spec, 'ipFamilies') ?? []).forEach((f, i) => {
    if (!IP_FAMILIES.includes(String(f))) out.push(notSupported(index('spec.ipFamilies', i), f, IP_FAMILIES));
  });
  const clusterIPs = (arr(spec, 'clusterIPs') ?? []).map(String);
  clusterIPs.forEach((ip, i) => {
    if (ip === 'None' || ip === '') {
      if (i > 0 && ip === 'None') out.push(invalid(index('spec.clusterIPs', i), ip, "may only be set to 'None' for the first IP"));
    } else if (isIP(ip) === 0) out.push(invalid(index('spec.clusterIPs', i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  const clusterIP = str(spec, 'clusterIP');
  if (clusterIP && clusterIPs.length > 0 && clusterIPs[0] !== clusterIP) {
    out.push(invalid('spec.clusterIPs', new GoValue(`[]string{${clusterIPs.map((x) => JSON.stringify(x)).join(', ')}}`), 'element [0] must match clusterIP'));
  } else if (clusterIP && clusterIP !== 'None' && clusterIPs.length === 0 && isIP(clusterIP) === 0) {
    out.push(invalid('spec.clusterIP', clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  return out;
}

/** ValidateServiceUpdate: the primary cluster IP may not change (except to/from ExternalName). */
export function validateServiceUpdate(svc: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(obj(svc, 'metadata'), obj(old, 'metadata')), ...validateService(svc)];
  const spec = obj(svc, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return out;
  const oldIPs = (arr(oldSpec, 'clusterIPs') ?? (oldSpec.clusterIP ? [oldSpec.clusterIP] : [])).map(String);
  const newIPs = (arr(spec, 'clusterIPs') ?? (spec.clusterIP ? [spec.clusterIP] : [])).map(String);
  if (oldIPs.length > 0 && oldIPs[0] !== '' && newIPs[0] !== oldIPs[0]) {
    out.push(invalid('spec.clusterIPs[0]', new GoValue(`[]string{${newIPs.map((x) => JSON.stringify(x)).join(', ')}}`), 'may not change once set'));
  }
  return out;
}
