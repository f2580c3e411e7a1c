/**
 * What the DNS server knows of the cluster: Services, EndpointSlices and Pods, looked up
 * the ways CoreDNS's kubernetes plugin indexes its caches (service by namespace/name and
 * by cluster IP, slices by their `kubernetes.io/service-name` label, pods and endpoints
 * by IP). Two implementations: arrays (tests) and shared informers (the server).
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface DnsSource {
  service(namespace: string, name: string): Service | undefined;
  /** Services whose spec.clusterIPs hold `ip`. */
  servicesByClusterIP(ip: string): Service[];
  /** The EndpointSlices of one Service. */
  endpointSlices(namespace: string, service: string): EndpointSlice[];
  /** Slices that list `ip` among their endpoints' addresses. */
  endpointSlicesByIP(ip: string): EndpointSlice[];
  /** Pods whose status.podIPs hold `ip`. */
  podsByIP(ip: string): Pod[];
  /** True when any Service lives in the namespace (CoreDNS answers NXDOMAIN for unknown namespaces). */
  namespaceHasServices(namespace: string): boolean;
  /** SOA serial: seconds since the epoch of the last change seen (CoreDNS uses the same). */
  serial(): number;
}

export function clusterIPs(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  return ips.length ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}

export function sliceAddresses(slice: EndpointSlice): string[] {
  return slice.endpoints?.flatMap((e) => e.addresses ?? []) ?? [];
}

const ns = (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace ?? 'default';

/** A source over plain arrays (a fake informer state for tests, or a snapshot). */
export function staticDnsSource(state: { services?: Service[]; endpointSlices?: EndpointSlice[]; pods?: Pod[]; serial?: number }): DnsSource {
  const services = state.services ?? [];
  const slices = state.endpointSlices ?? [];
  const pods = state.pods ?? [];
  return {
    service: (namespace, name) => services.find((s) => ns(s) === namespace && s.metadata?.name === name),
    servicesByClusterIP: (ip) => services.filter((s) => clusterIPs(s).includes(ip)),
    endpointSlices: (namespace, service) => slices.filter((s) => ns(s) === namespace && s.metadata?.labels?.[SERVICE_NAME_LABEL] === service),
    endpointSlicesByIP: (ip) => slices.filter((s) => sliceAddresses(s).includes(ip)),
    podsByIP: (ip) => pods.filter((p) => podIPs(p).includes(ip)),
    namespaceHasServices: (namespace) => services.some((s) => ns(s) === namespace),
    serial: () => state.serial ?? 1,
  };
}
