/**
 * Resource arithmetic as the scheduler does it (framework.Resource and
 * k8s.io/component-helpers resource.PodRequests): CPU in millicores, memory and
 * storage in bytes, extended resources by name.
 */
import type { Container, Node, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/quantity.js';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Allowed pod count (allocatable only). */
  pods: number;
  /** Extended / other resources (nvidia.com/gpu, hugepages-2Mi, ...). */
  scalar?: Map<string, number>;
}

export const emptyResource = (): Resource => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0 });

/** Requests for containers that set none (schedutil.DefaultMilliCPURequest / DefaultMemoryRequest), used by scoring only. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function addList(r: Resource, list: Record<string, unknown> | undefined, sign = 1): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    const v = parseQuantity(q) ?? 0;
    switch (name) {
      case 'cpu':
        r.milliCPU += sign * Math.round(v * 1000);
        break;
      case 'memory':
        r.memory += sign * v;
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += sign * v;
        break;
      case 'pods':
        r.pods += sign * v;
        break;
      default:
        (r.scalar ??= new Map()).set(name, (r.scalar.get(name) ?? 0) + sign * v);
    }
  }
}

function maxInto(r: Resource, o: Resource): void {
  r.milliCPU = Math.max(r.milliCPU, o.milliCPU);
  r.memory = Math.max(r.memory, o.memory);
  r.ephemeralStorage = Math.max(r.ephemeralStorage, o.ephemeralStorage);
  for (const [k, v] of o.scalar ?? []) (r.scalar ??= new Map()).set(k, Math.max(r.scalar.get(k) ?? 0, v));
}

export function addResource(r: Resource, o: Resource, sign = 1): void {
  r.milliCPU += sign * o.milliCPU;
  r.memory += sign * o.memory;
  r.ephemeralStorage += sign * o.ephemeralStorage;
  for (const [k, v] of o.scalar ?? []) (r.scalar ??= new Map()).set(k, (r.scalar.get(k) ?? 0) + sign * v);
}

const containerRequests = (c: Container): Resource => {
  const r = emptyResource();
  addList(r, c.resources?.requests as Record<string, unknown> | undefined);
  return r;
};

/**
 * The pod's effective request: the sum of app containers (plus restartable init
 * containers, i.e. sidecars), max'ed with each regular init container's request
 * (plus sidecars started before it), plus spec.overhead — resource.PodRequests.
 * With `nonZero`, containers without a cpu/memory request count the defaults.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const spec = pod.spec;
  const total = emptyResource();
  const req = (c: Container) => {
    const r = containerRequests(c);
    if (nonZero) {
      if (!c.resources?.requests || !('cpu' in c.resources.requests)) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
      if (!c.resources?.requests || !('memory' in c.resources.requests)) r.memory = DEFAULT_MEMORY_REQUEST;
    }
    return r;
  };
  for (const c of spec?.containers ?? []) addResource(total, req(c));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of spec?.initContainers ?? []) {
    const r = req(c);
    if (c.restartPolicy === 'Always') {
      addResource(sidecars, r);
      addResource(total, r);
    } else {
      addResource(r, sidecars);
      maxInto(initMax, r);
    }
  }
  maxInto(total, initMax);
  addList(total, spec?.overhead as Record<string, unknown> | undefined);
  return total;
}

/** status.allocatable (falling back to capacity, as a node without allocatable reports). */
export function nodeAllocatable(node: Node): Resource {
  const r = emptyResource();
  addList(r, (node.status?.allocatable ?? node.status?.capacity) as Record<string, unknown> | undefined);
  return r;
}
