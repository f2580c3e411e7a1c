/**
 * The arithmetic of a PodDisruptionBudget's status (pkg/controller/disruption/
 * disruption.go: getExpectedPodCount, countHealthyPods, buildDisruptedPodMap,
 * updatePdbStatus), free of I/O so it can be tested on its own.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudgetSpec, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.js';
import { isPodReady } from '../shared/pod-status.js';
import { scaledValueFromIntOrPercent } from '../shared/int-or-percent.js';

/** How long an evicted pod may take to disappear before the budget counts it again (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/**
 * Whether the budget needs the scale of the pods' controllers: maxUnavailable, or a
 * percentage minAvailable, are relative to how many pods there should be; an integer
 * minAvailable only needs the pods that exist.
 */
export function needsControllerScale(spec: PodDisruptionBudgetSpec | undefined): boolean {
  if (spec?.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec?.minAvailable === 'string';
}

export interface ExpectedPods {
  expectedCount: number;
  desiredHealthy: number;
}

/**
 * getExpectedPodCount. `controllerScale` is the summed scale of the pods' controllers,
 * required when needsControllerScale(spec). Percentages round up in both cases, as
 * upstream calls GetScaledValueFromIntOrPercent(..., true) for each.
 */
export function expectedPods(spec: PodDisruptionBudgetSpec | undefined, podCount: number, controllerScale?: number): ExpectedPods {
  if (spec?.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expectedCount = requireScale(controllerScale);
    const maxUnavailable = scaledValueFromIntOrPercent(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable) };
  }
  if (typeof spec?.minAvailable === 'number') return { expectedCount: podCount, desiredHealthy: spec.minAvailable };
  if (typeof spec?.minAvailable === 'string') {
    const expectedCount = requireScale(controllerScale);
    return { expectedCount, desiredHealthy: scaledValueFromIntOrPercent(spec.minAvailable, expectedCount, true) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

function requireScale(scale: number | undefined): number {
  if (scale === undefined) throw new Error('the scale of the pods\' controllers is needed for this budget');
  return scale;
}

const parseTime = (t: string | undefined) => (t ? Date.parse(t) : NaN);

export interface DisruptedPods {
  /** What stays in status.disruptedPods. */
  disruptedPods: Record<string, string>;
  /** When the earliest remaining entry expires (ms), so the budget is looked at again then. */
  recheckAt?: number;
  /** Pods evicted longer than DELETION_TIMEOUT ago that still exist (upstream warns about them). */
  overdue: string[];
}

/**
 * buildDisruptedPodMap: keeps entries only for selected pods that still exist, are not
 * yet being deleted, and were evicted less than DELETION_TIMEOUT ago.
 */
export function pruneDisruptedPods(pods: readonly Pod[], disrupted: Record<string, string> | undefined, now: number): DisruptedPods {
  const out: DisruptedPods = { disruptedPods: {}, overdue: [] };
  if (!disrupted) return out;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[name];
    if (at === undefined) continue;
    const expires = parseTime(at) + DELETION_TIMEOUT_MS;
    if (Number.isNaN(expires) || expires < now) {
      out.overdue.push(name);
      continue;
    }
    out.disruptedPods[name] = at;
    if (out.recheckAt === undefined || expires < out.recheckAt) out.recheckAt = expires;
  }
  return out;
}

/** countHealthyPods: ready pods, not being deleted, and not recently evicted. */
export function countHealthyPods(pods: readonly Pod[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && parseTime(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** metav1.Condition as PDB status holds it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';

/** meta.SetStatusCondition: lastTransitionTime moves only when the status changes. */
export function setStatusCondition(conditions: readonly Condition[] | undefined, c: Omit<Condition, 'lastTransitionTime'>, now: number): Condition[] {
  const list = (conditions ?? []).map((x) => ({ ...x }));
  const existing = list.find((x) => x.type === c.type);
  const time = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  if (!existing) return [...list, { ...c, lastTransitionTime: time }];
  if (existing.status !== c.status) existing.lastTransitionTime = time;
  Object.assign(existing, { status: c.status, reason: c.reason, message: c.message, observedGeneration: c.observedGeneration });
  return list;
}

export interface BudgetInput {
  spec: PodDisruptionBudgetSpec | undefined;
  status: PodDisruptionBudgetStatus | undefined;
  generation: number | undefined;
  /** The pods the budget selects. */
  pods: readonly Pod[];
  /** Summed scale of the pods' controllers (needed when needsControllerScale). */
  controllerScale?: number;
  now: number;
}

export interface BudgetResult {
  status: PodDisruptionBudgetStatus;
  recheckAt?: number;
  overdue: string[];
}

/** The status the controller writes (trySync + updatePdbStatus + UpdateDisruptionAllowedCondition). */
export function computeBudgetStatus(input: BudgetInput): BudgetResult {
  const { expectedCount, desiredHealthy } = expectedPods(input.spec, input.pods.length, input.controllerScale);
  const pruned = pruneDisruptedPods(input.pods, input.status?.disruptedPods, input.now);
  const currentHealthy = countHealthyPods(input.pods, pruned.disruptedPods, input.now);
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const observedGeneration = input.generation ?? 0;
  const conditions = setStatusCondition(
    input.status?.conditions as Condition[] | undefined,
    disruptionsAllowed > 0
      ? { type: DISRUPTION_ALLOWED, status: 'True', reason: 'SufficientPods', message: '', observedGeneration }
      : { type: DISRUPTION_ALLOWED, status: 'False', reason: 'InsufficientPods', message: '', observedGeneration },
    input.now,
  );
  const status: PodDisruptionBudgetStatus = {
    observedGeneration,
    disruptedPods: Object.keys(pruned.disruptedPods).length ? pruned.disruptedPods : undefined,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods: expectedCount,
    conditions,
  };
  return { status, recheckAt: pruned.recheckAt, overdue: pruned.overdue };
}

/** failSafe: when the status cannot be computed, allow no disruptions and say why. */
export function failSafeStatus(status: PodDisruptionBudgetStatus | undefined, err: unknown, now: number): PodDisruptionBudgetStatus {
  const message = err instanceof Error ? err.message : String(err);
  return {
    ...status,
    disruptionsAllowed: 0,
    conditions: setStatusCondition(status?.conditions as Condition[] | undefined, { type: DISRUPTION_ALLOWED, status: 'False', reason: 'SyncFailed', message, observedGeneration: status?.observedGeneration }, now),
  } as PodDisruptionBudgetStatus;
}

/** Whether two statuses say the same (ignoring key order). */
export function sameStatus(a: PodDisruptionBudgetStatus | undefined, b: PodDisruptionBudgetStatus | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => x.localeCompare(y)));
    }
    return val;
  });
}
