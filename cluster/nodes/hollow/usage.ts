/**
 * Simulated resource usage of hollow pods, for a metrics.k8s.io-style view later: each
 * running container uses a steady share of its request (or a small floor without one)
 * plus a slow per-pod wave, so numbers move but stay plausible. Computed on demand; no
 * state, no timers.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/quantity.js';

export interface ResourceUsage {
  /** CPU in millicores. */
  cpuMillis: number;
  memoryBytes: number;
}

export interface PodUsage extends ResourceUsage {
  namespace: string;
  name: string;
  node: string;
  containers: Array<ResourceUsage & { name: string }>;
}

/** A number in [0, 1) fixed per string (FNV-1a). */
function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

const CPU_FLOOR_MILLIS = 1;
const MEMORY_FLOOR_BYTES = 4 * 2 ** 20;

/** Usage of one running pod at `nowMs`. */
export function podUsage(pod: Pod, nowMs: number): PodUsage {
  const id = pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const phase = unitHash(id) * 2 * Math.PI;
  // A five-minute wave between 0.85× and 1.15× of the base.
  const wave = 1 + 0.15 * Math.sin(phase + (2 * Math.PI * nowMs) / 300_000);
  const containers = (pod.spec?.containers ?? []).map((c) => {
    const share = 0.2 + 0.5 * unitHash(`${id}/${c.name}`);
    const cpuReq = parseQuantity(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
    const memReq = parseQuantity(c.resources?.requests?.memory ?? c.resources?.limits?.memory);
    const cpuMillis = Math.max(CPU_FLOOR_MILLIS, Math.round((cpuReq ? cpuReq * 1000 * share : 5 * share) * wave));
    const memoryBytes = Math.max(MEMORY_FLOOR_BYTES, Math.round((memReq ? memReq * (0.3 + share) : 16 * 2 ** 20 * share) * wave));
    return { name: c.name, cpuMillis, memoryBytes };
  });
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName ?? '',
    containers,
    cpuMillis: containers.reduce((a, c) => a + c.cpuMillis, 0),
    memoryBytes: containers.reduce((a, c) => a + c.memoryBytes, 0),
  };
}
