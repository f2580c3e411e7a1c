/**
 * The Endpoints object a Service should have (endpoints_controller.go syncService):
 * one address per selected pod (ready → addresses, else notReadyAddresses, unless the
 * service publishes not-ready addresses), grouped into subsets by identical resolved
 * ports (RepackSubsets), sorted, and truncated to 1000 addresses with the over-capacity
 * annotation as upstream.
 */
import { isDeepStrictEqual } from 'node:util';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { isHeadless, isPodReady, podHostname, portsKey, resolvePorts, shouldPodBeInEndpoints } from './pod-endpoints.js';

export const MAX_CAPACITY = 1000;
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

function address(pod: Pod, svc: Service): EndpointAddress {
  const a: EndpointAddress = { ip: pod.status?.podIP ?? pod.status!.podIPs![0].ip! };
  const hostname = podHostname(pod, svc);
  if (hostname) a.hostname = hostname;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid };
  return a;
}

const byIP = (a: EndpointAddress, b: EndpointAddress) => a.ip.localeCompare(b.ip, undefined, { numeric: true }) || (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');

export function desiredSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  const noPorts = !(svc.spec?.ports?.length);
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ports = resolvePorts(svc, pod);
    // A port-less headless service still lists its pods; otherwise a pod exposing none of the ports is skipped.
    if (!ports.length && !(noPorts && isHeadless(svc))) continue;
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports: ports.map((p) => ({ ...p })), ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(address(pod, svc));
  }
  const subsets: EndpointSubset[] = [];
  for (const [, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const s: EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort(byIP);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(byIP);
    if (g.ports.length) s.ports = g.ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    subsets.push(s);
  }
  return subsets;
}

/** Keeps at most MAX_CAPACITY addresses (ready first), as truncateEndpoints; returns whether it cut. */
export function truncate(subsets: EndpointSubset[]): boolean {
  let total = 0;
  for (const s of subsets) total += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (total <= MAX_CAPACITY) return false;
  let room = MAX_CAPACITY;
  for (const s of subsets) {
    if (s.addresses) s.addresses = s.addresses.slice(0, Math.max(0, room));
    room -= s.addresses?.length ?? 0;
  }
  for (const s of subsets) {
    if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, Math.max(0, room));
    room -= s.notReadyAddresses?.length ?? 0;
  }
  return true;
}

export function desiredEndpoints(svc: Service, pods: readonly Pod[], current?: Endpoints): Endpoints {
  const subsets = desiredSubsets(svc, pods);
  const cut = truncate(subsets);
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  const annotations: Record<string, string> = { ...current?.metadata?.annotations };
  if (cut) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  const ep: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { ...current?.metadata, name: svc.metadata!.name, namespace: svc.metadata!.namespace, labels, annotations },
    subsets,
  };
  if (!Object.keys(annotations).length) delete ep.metadata!.annotations;
  return ep;
}

/** Whether `current` already says what `want` says (no write needed). */
export function endpointsEqual(current: Endpoints, want: Endpoints): boolean {
  const norm = (e: Endpoints) => [e.subsets ?? [], e.metadata?.labels ?? {}, e.metadata?.annotations ?? {}];
  return isDeepStrictEqual(norm(current), norm(want));
}
