/**
 * The EndpointSlices a Service should have (pkg/controller/endpointslice and
 * staging/src/k8s.io/endpointslice reconciler, simplified): one endpoint per selected
 * pod address (terminating pods included, with conditions ready/serving/terminating as
 * podToEndpoint sets them), grouped by address type and resolved port set, at most
 * `maxEndpointsPerSlice` (100) per slice; a placeholder slice without endpoints when
 * nothing is selected.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isHeadless, isPodReady, podHostname, portsKey, resolvePorts, shouldPodBeInEndpoints } from '../endpoints/pod-endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

export type AddressType = 'IPv4' | 'IPv6';

/** What one slice should hold (name and metadata are chosen when writing). */
export interface SliceContent {
  addressType: AddressType;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export const addressTypeOf = (ip: string): AddressType => (ip.includes(':') ? 'IPv6' : 'IPv4');

function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  return ips.length ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}

export function podToEndpoint(pod: Pod, svc: Service, ip: string): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ep: Endpoint = {
    addresses: [ip],
    conditions: { ready: !!svc.spec?.publishNotReadyAddresses || (serving && !terminating), serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
  };
  const hostname = podHostname(pod, svc);
  if (hostname) ep.hostname = hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  return ep;
}

export function desiredSlices(svc: Service, pods: readonly Pod[], maxPerSlice = DEFAULT_MAX_ENDPOINTS_PER_SLICE): SliceContent[] {
  const families = new Set<AddressType>((svc.spec?.ipFamilies ?? ['IPv4']) as AddressType[]);
  const groups = new Map<string, SliceContent>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = resolvePorts(svc, pod);
    if (!ports.length && svc.spec?.ports?.length) continue;
    for (const ip of podIPs(pod)) {
      const addressType = addressTypeOf(ip);
      if (!families.has(addressType)) continue;
      const key = `${addressType}|${portsKey(ports)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType, ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })), endpoints: [] }));
      g.endpoints.push(podToEndpoint(pod, svc, ip));
    }
  }
  if (!groups.size) return [{ addressType: [...families][0] ?? 'IPv4', ports: [], endpoints: [] }];
  const out: SliceContent[] = [];
  for (const [, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    g.endpoints.sort((a, b) => a.addresses[0].localeCompare(b.addresses[0], undefined, { numeric: true }));
    g.ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0));
    for (let i = 0; i < g.endpoints.length; i += maxPerSlice) out.push({ ...g, endpoints: g.endpoints.slice(i, i + maxPerSlice) });
  }
  return out;
}

export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata?.labels, [SERVICE_NAME_LABEL]: svc.metadata!.name!, [MANAGED_BY_LABEL]: CONTROLLER_NAME };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

export const contentKey = (s: Pick<SliceContent, 'addressType' | 'ports'>) => `${s.addressType}|${JSON.stringify([...(s.ports ?? [])].map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort())}`;

export interface SlicePlan {
  create: SliceContent[];
  update: Array<{ slice: EndpointSlice; content: SliceContent }>;
  delete: EndpointSlice[];
}

/**
 * Pairs desired content with existing slices of the same address type and ports (reusing
 * them in name order), so a steady state makes no writes; unmatched slices are deleted.
 */
export function planSlices(existing: readonly EndpointSlice[], desired: readonly SliceContent[], labels: Record<string, string>): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const pool = new Map<string, EndpointSlice[]>();
  for (const s of [...existing].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const k = contentKey({ addressType: s.addressType as AddressType, ports: s.ports ?? [] });
    pool.set(k, [...(pool.get(k) ?? []), s]);
  }
  for (const d of desired) {
    const slice = pool.get(contentKey(d))?.shift();
    if (!slice) plan.create.push(d);
    else if (!isDeepStrictEqual(slice.endpoints ?? [], d.endpoints) || !isDeepStrictEqual(slice.metadata?.labels ?? {}, labels)) plan.update.push({ slice, content: d });
  }
  for (const rest of pool.values()) plan.delete.push(...rest);
  return plan;
}
