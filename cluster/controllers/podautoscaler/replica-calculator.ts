/**
 * The replica calculator (pkg/controller/podautoscaler/replica_calculator.go) as pure
 * functions: from per-pod metrics and the target's pods, how many replicas bring usage
 * to the target. Pods being deleted or failed are ignored; pending pods, and (for cpu)
 * pods not yet ready or still warming up, count as unready; running pods without a
 * metric are missing. Unready and missing pods are filled in pessimistically (0 on a
 * scale-up, the full request or target on a scale-down) before the ratio is recomputed,
 * and a change within the tolerance (10 %) or one that would flip direction is no change.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { milliValue } from './metrics.js';
import type { PodMetricsInfo } from './metrics.js';

export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const DEFAULT_CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const DEFAULT_INITIAL_READINESS_DELAY_MS = 30_000;

export interface CalculatorOptions {
  tolerance?: number;
  cpuInitializationPeriodMs?: number;
  delayOfInitialReadinessStatusMs?: number;
  now: number;
}

export interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

/** groupPods. */
export function groupPods(pods: readonly Pod[], metrics: PodMetricsInfo, resource: string, o: CalculatorOptions): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unreadyPods: new Set(), missingPods: new Set(), ignoredPods: new Set() };
  const initPeriod = o.cpuInitializationPeriodMs ?? DEFAULT_CPU_INITIALIZATION_PERIOD_MS;
  const readinessDelay = o.delayOfInitialReadinessStatusMs ?? DEFAULT_INITIAL_READINESS_DELAY_MS;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignoredPods.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unreadyPods.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missingPods.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let unready: boolean;
      if (!ready || start === undefined) {
        unready = true;
      } else {
        const transition = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
        if (start + initPeriod > o.now) {
          // Warming up: ignore the sample if unready, or if no full window was collected since it became ready.
          unready = ready.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Past warm-up: ignore only pods that are unready and have never been ready.
          unready = ready.status === 'False' && start + readinessDelay > transition;
        }
      }
      if (unready) {
        g.unreadyPods.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculatePodRequests: each pod's request (milli-units), summed over containers; a missing request is an error. */
export function calculatePodRequests(pods: readonly Pod[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const podLevel = milliValue((pod.spec as { resources?: { requests?: Record<string, string> } } | undefined)?.resources?.requests?.[resource]);
    if (podLevel !== undefined && !container) {
      out.set(name, podLevel);
      continue;
    }
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const v = milliValue(c.resources?.requests?.[resource]);
      if (v === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${name}`);
      sum += v;
    }
    out.set(name, sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: integer utilization (percent of request) over matched pods. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [pod, m] of metrics) {
    const req = requests.get(pod);
    if (req === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += req;
    n++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

/** GetMetricUsageRatio: average usage over the metrics against a per-pod target. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

export interface ReplicaProposal {
  replicas: number;
  /** Utilization in percent (Utilization targets). */
  utilization?: number;
  /** Average usage per pod, milli-units. */
  rawAverage: number;
}

export interface ResourceInput {
  currentReplicas: number;
  resource: string;
  metrics: PodMetricsInfo;
  pods: readonly Pod[];
  container?: string;
}

const withoutPods = (metrics: PodMetricsInfo, names: Set<string>) => new Map([...metrics].filter(([n]) => !names.has(n)));

/**
 * The shared tail of both calculations: pessimistic filling of unready and missing pods,
 * then the tolerance and direction checks.
 */
function propose(
  input: ResourceInput,
  groups: PodGroups,
  metrics: PodMetricsInfo,
  ratioOf: (m: PodMetricsInfo) => number,
  missingValue: (pod: string, scaleDown: boolean) => number,
  tolerance: number,
): number {
  const usageRatio = ratioOf(metrics);
  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (Math.abs(1.0 - usageRatio) <= tolerance) return input.currentReplicas;
    return Math.ceil(usageRatio * groups.readyPodCount);
  }
  const filled: PodMetricsInfo = new Map(metrics);
  if (groups.missingPods.size > 0) {
    if (usageRatio < 1.0) for (const p of groups.missingPods) filled.set(p, { timestamp: 0, windowMs: 0, value: missingValue(p, true) });
    else if (usageRatio > 1.0) for (const p of groups.missingPods) filled.set(p, { timestamp: 0, windowMs: 0, value: 0 });
  }
  if (scaleUpWithUnready) for (const p of groups.unreadyPods) filled.set(p, { timestamp: 0, windowMs: 0, value: 0 });
  const newRatio = ratioOf(filled);
  if (Math.abs(1.0 - newRatio) <= tolerance || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0)) return input.currentReplicas;
  const newReplicas = Math.ceil(newRatio * filled.size);
  if ((newRatio < 1.0 && newReplicas > input.currentReplicas) || (newRatio > 1.0 && newReplicas < input.currentReplicas)) return input.currentReplicas;
  return newReplicas;
}

function prepare(input: ResourceInput, o: CalculatorOptions): { groups: PodGroups; metrics: PodMetricsInfo } {
  if (input.pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const groups = groupPods(input.pods, input.metrics, input.resource, o);
  const metrics = withoutPods(withoutPods(input.metrics, groups.ignoredPods), groups.unreadyPods);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  return { groups, metrics };
}

/** GetResourceReplicas: a Utilization target (percent of the pods' requests). */
export function resourceReplicas(input: ResourceInput, targetUtilization: number, o: CalculatorOptions): ReplicaProposal {
  const { groups, metrics } = prepare(input, o);
  const requests = calculatePodRequests(input.pods, input.resource, input.container);
  const first = resourceUtilizationRatio(metrics, requests, targetUtilization);
  const fallbackUtilization = Math.max(100, targetUtilization);
  const replicas = propose(
    input,
    groups,
    metrics,
    (m) => resourceUtilizationRatio(m, requests, targetUtilization).ratio,
    (pod) => Math.trunc(((requests.get(pod) ?? 0) * fallbackUtilization) / 100),
    o.tolerance ?? DEFAULT_TOLERANCE,
  );
  return { replicas, utilization: first.utilization, rawAverage: first.rawAverage };
}

/** GetRawResourceReplicas: an AverageValue target (milli-units per pod). */
export function rawResourceReplicas(input: ResourceInput, targetUsage: number, o: CalculatorOptions): ReplicaProposal {
  const { groups, metrics } = prepare(input, o);
  const first = metricUsageRatio(metrics, targetUsage);
  const replicas = propose(input, groups, metrics, (m) => metricUsageRatio(m, targetUsage).ratio, () => targetUsage, o.tolerance ?? DEFAULT_TOLERANCE);
  return { replicas, rawAverage: first.usage };
}
