/**
 * How a Service's selected pods become endpoints, shared by the Endpoints and
 * EndpointSlice controllers (pkg/controller/util/endpoint and podutil): which pods
 * count, whether they are ready, and which port each service port reaches on them
 * (named targetPorts resolved against the pod's container ports, as podutil.FindPort).
 */
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { Selector } from '../../api/labels.js';

export interface ResolvedPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** The selector of a Service as a Selector; undefined when it has none (endpoints not managed). */
export function serviceSelector(svc: Service): Selector | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return new Selector(Object.entries(sel).map(([key, v]) => ({ key, operator: 'Equals' as const, values: [v] })));
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * ShouldPodBeInEndpoints: the pod has an IP, is not finished (unless it will restart),
 * and is not terminating unless `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  const phase = pod.status?.phase;
  const restart = pod.spec?.restartPolicy ?? 'Always';
  if (restart === 'Never' && (phase === 'Failed' || phase === 'Succeeded')) return false;
  if (restart === 'OnFailure' && phase === 'Succeeded') return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** podutil.FindPort: the container port a service port's targetPort names on this pod. */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The service's ports as they land on `pod`; ports the pod does not expose are left out. */
export function resolvePorts(svc: Service, pod: Pod): ResolvedPort[] {
  const out: ResolvedPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const rp: ResolvedPort = { port, protocol: sp.protocol ?? 'TCP' };
    if (sp.name) rp.name = sp.name;
    if (sp.appProtocol) rp.appProtocol = sp.appProtocol;
    out.push(rp);
  }
  return out;
}

/** The pod's hostname in the service's DNS, only for headless services that are the pod's subdomain. */
export function podHostname(pod: Pod, svc: Service): string | undefined {
  const h = pod.spec?.hostname;
  if (h && pod.spec?.subdomain === svc.metadata?.name && svc.spec?.clusterIP === 'None') return h;
  return undefined;
}

/** A stable key of a port set (for grouping endpoints by identical ports). */
export function portsKey(ports: readonly ResolvedPort[]): string {
  return JSON.stringify([...ports].map((p) => [p.name ?? '', p.port, p.protocol, p.appProtocol ?? '']).sort());
}

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}
