/**
 * What a node card shows of its resources: the pods' requests against the node's
 * allocatable (as the scheduler's NodeResourcesFit adds them up: the larger of the
 * containers' sum and any one init container, for pods not yet finished), and what
 * metrics.k8s.io reports in use. Quantities in Kubernetes' notation (`250m`, `1.5`,
 * `128Mi`, `1G`, `1e3`).
 */
import type { ApiObject } from '../../../electron/preload/api';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A quantity's value in base units (cores, bytes); NaN when it is not one. */
export function quantityValue(q: string | number | undefined): number {
  if (typeof q === 'number') return q;
  if (!q) return NaN;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1] + (m[2] ?? ''));
  if (m[2]) return n;
  return n * (BINARY[m[3] ?? ''] ?? DECIMAL[m[3] ?? '']);
}

export interface Resources {
  /** CPU in millicores. */
  cpu: number;
  /** Memory in bytes. */
  memory: number;
}

interface ContainerView {
  resources?: { requests?: Record<string, string> };
}

function requestsOf(c: ContainerView): Resources {
  const r = c.resources?.requests ?? {};
  return { cpu: (quantityValue(r.cpu) || 0) * 1000, memory: quantityValue(r.memory) || 0 };
}

/** The requests of the pods that still hold their node's resources (not Succeeded or Failed). */
export function podRequests(pods: readonly ApiObject[]): Resources {
  const total: Resources = { cpu: 0, memory: 0 };
  for (const pod of pods) {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const spec = (pod.spec ?? {}) as { containers?: ContainerView[]; initContainers?: ContainerView[] };
    const sum: Resources = { cpu: 0, memory: 0 };
    for (const c of spec.containers ?? []) {
      const r = requestsOf(c);
      sum.cpu += r.cpu;
      sum.memory += r.memory;
    }
    for (const c of spec.initContainers ?? []) {
      const r = requestsOf(c);
      sum.cpu = Math.max(sum.cpu, r.cpu);
      sum.memory = Math.max(sum.memory, r.memory);
    }
    total.cpu += sum.cpu;
    total.memory += sum.memory;
  }
  return total;
}

/** A NodeMetrics object's usage (metrics.k8s.io/v1beta1). */
export function metricsUsage(metrics: ApiObject): Resources {
  const usage = (metrics as { usage?: Record<string, string> }).usage ?? {};
  return { cpu: (quantityValue(usage.cpu) || 0) * 1000, memory: quantityValue(usage.memory) || 0 };
}

export function formatCpu(milli: number): string {
  return milli >= 1000 ? `${Number((milli / 1000).toFixed(2))}` : `${Math.round(milli)}m`;
}

export function formatMemory(bytes: number): string {
  for (const [unit, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${Math.round(bytes)}`;
}

/** `part` as a percentage of `whole`, 0–100 and rounded; 0 when the whole is unknown. */
export function percent(part: number, whole: number): number {
  return whole > 0 && Number.isFinite(whole) ? Math.min(100, Math.round((part / whole) * 100)) : 0;
}
