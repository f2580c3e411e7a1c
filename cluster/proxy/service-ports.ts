/**
 * What kube-proxy programs, computed from the informers' caches: one entry per
 * (Service, port) with the endpoints of that port taken from the Service's
 * EndpointSlices, as pkg/proxy's ServiceChangeTracker + EndpointsChangeTracker build
 * their ServicePortMap and EndpointsMap. Pure: no I/O.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** On this node (EndpointSlice endpoint nodeName equals ours). */
  local: boolean;
}

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The Service port's name ('' for a single unnamed port). */
  portName: string;
  protocol: Protocol;
  /** IPv4 cluster IP (headless and ExternalName Services have no entry). */
  clusterIP: string;
  port: number;
  /** 0 when the Service has no NodePort. */
  nodePort: number;
  externalIPs: string[];
  /** sessionAffinity ClientIP: the timeout in seconds (default 10800); undefined for None. */
  affinityTimeoutSeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** Sorted by ip:port; duplicates across slices merged. */
  endpoints: EndpointInfo[];
}

/** `ns/name:port` (or `ns/name` for an unnamed port), kube-proxy's ServicePortName.String(). */
export function servicePortName(sp: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName'>): string {
  return `${sp.namespace}/${sp.name}${sp.portName ? `:${sp.portName}` : ''}`;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const DEFAULT_AFFINITY_SECONDS = 10800;
const isIPv4 = (ip: string | undefined): ip is string => !!ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip);

function protocolOf(p: string | undefined): Protocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/**
 * Builds the service ports kube-proxy serves. `nodeName` marks local endpoints
 * (externalTrafficPolicy/internalTrafficPolicy Local).
 */
export function buildServicePorts(services: Service[], slices: EndpointSlice[], nodeName: string): ServicePortInfo[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc || s.addressType !== 'IPv4') continue;
    const key = `${s.metadata?.namespace ?? ''}/${svc}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), s]);
  }
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const spec = svc.spec;
    const namespace = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    // ExternalName and headless Services get no proxy rules (pkg/proxy/servicechangetracker.go).
    if (!spec || spec.type === 'ExternalName' || !isIPv4(spec.clusterIP)) continue;
    const affinity =
      spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
    const svcSlices = slicesByService.get(`${namespace}/${name}`) ?? [];
    for (const p of spec.ports ?? []) {
      const protocol = protocolOf(p.protocol);
      const portName = p.name ?? '';
      const endpoints = new Map<string, EndpointInfo>();
      for (const slice of svcSlices) {
        const sp = (slice.ports ?? []).find((x) => (x.name ?? '') === portName && protocolOf(x.protocol) === protocol);
        if (!sp?.port) continue;
        for (const ep of slice.endpoints ?? []) {
          const ip = ep.addresses?.[0];
          if (!isIPv4(ip)) continue;
          // A nil condition means ready/serving (discovery/v1 API docs); terminating defaults to false.
          const ready = ep.conditions?.ready ?? true;
          const info: EndpointInfo = {
            ip,
            port: sp.port,
            ready,
            serving: ep.conditions?.serving ?? ready,
            terminating: ep.conditions?.terminating ?? false,
            local: !!nodeName && ep.nodeName === nodeName,
          };
          const k = `${ip}:${sp.port}`;
          const seen = endpoints.get(k);
          // The same endpoint in two slices (during a slice move): prefer the ready copy.
          if (!seen || (!seen.ready && info.ready)) endpoints.set(k, info);
        }
      }
      out.push({
        namespace,
        name,
        portName,
        protocol,
        clusterIP: spec.clusterIP,
        port: p.port,
        nodePort: spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? (p.nodePort ?? 0) : 0,
        externalIPs: (spec.externalIPs ?? []).filter(isIPv4),
        affinityTimeoutSeconds: affinity,
        externalPolicyLocal: spec.externalTrafficPolicy === 'Local' && (spec.type === 'NodePort' || spec.type === 'LoadBalancer'),
        internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
        endpoints: [...endpoints.values()].sort((a, b) => compareEndpoints(a, b)),
      });
    }
  }
  return out.sort((a, b) => (servicePortName(a) + a.protocol).localeCompare(servicePortName(b) + b.protocol));
}

function compareEndpoints(a: EndpointInfo, b: EndpointInfo): number {
  const n = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return n(a.ip) - n(b.ip) || a.port - b.port;
}

/**
 * The endpoints traffic may go to, as pkg/proxy/topology.go's CategorizeEndpoints:
 * ready ones; when none is ready, the serving-and-terminating ones (so connections
 * drain during a rolling update instead of failing).
 */
export function usableEndpoints(eps: EndpointInfo[]): EndpointInfo[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
}

/** Endpoints for cluster-wide policy and for Local policy. */
export function categorizeEndpoints(sp: ServicePortInfo): { cluster: EndpointInfo[]; local: EndpointInfo[] } {
  return { cluster: usableEndpoints(sp.endpoints), local: usableEndpoints(sp.endpoints.filter((e) => e.local)) };
}
