/**
 * From a metric proposal to the replica count the HPA sets (horizontal.go:
 * normalizeDesiredReplicas[WithBehaviors], stabilizeRecommendation[WithBehaviors],
 * convertDesiredReplicasWithRules / WithBehaviorRate and the scale-event bookkeeping).
 * Remembered recommendations and scale events live in a ScalingHistory per HPA; the
 * clock is passed in so tests can move time.
 */
import type { HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2.js';

/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DEFAULT_DOWNSCALE_STABILIZATION_MS = 300_000;
const SCALE_UP_LIMIT_FACTOR = 2.0;
const SCALE_UP_LIMIT_MINIMUM = 4.0;

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

/** What the controller remembers about one HPA between syncs. */
export class ScalingHistory {
  recommendations: Recommendation[] = [];
  scaleUpEvents: ScaleEvent[] = [];
  scaleDownEvents: ScaleEvent[] = [];

  /** recordInitialRecommendation: the first sync remembers the current size. */
  recordInitial(currentReplicas: number, now: number): void {
    if (this.recommendations.length === 0) this.recommendations.push({ replicas: currentReplicas, at: now });
  }
}

/** A condition change normalization asks for. */
export interface ConditionUpdate {
  type: 'AbleToScale' | 'ScalingLimited';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Normalized {
  desiredReplicas: number;
  conditions: ConditionUpdate[];
}

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules, filling what the API defaulting would. */
export function completeBehavior(b: HorizontalPodAutoscalerBehavior, downscaleStabilizationMs: number): Required<HorizontalPodAutoscalerBehavior> {
  const up: HPAScalingRules = { ...b.scaleUp };
  up.stabilizationWindowSeconds ??= 0;
  up.selectPolicy ??= 'Max';
  if (!up.policies?.length) up.policies = [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }];
  const down: HPAScalingRules = { ...b.scaleDown };
  // maybeInitScaleDownStabilizationWindow: the controller's own window when none was given.
  down.stabilizationWindowSeconds ??= Math.floor(downscaleStabilizationMs / 1000);
  down.selectPolicy ??= 'Max';
  if (!down.policies?.length) down.policies = [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  return { scaleUp: up, scaleDown: down };
}

/** calculateScaleUpLimit: at most double, or 4, per sync when no behavior is set. */
export function scaleUpLimit(currentReplicas: number): number {
  return Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM);
}

/** convertDesiredReplicasWithRules. */
export function convertDesiredReplicasWithRules(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
  const upLimit = scaleUpLimit(current);
  let maximum: number;
  let reason: string;
  let message: string;
  if (max > upLimit) {
    maximum = upLimit;
    reason = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maximum = max;
    reason = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > maximum) return { replicas: maximum, reason, message };
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/** stabilizeRecommendation: the highest recommendation within the downscale window (no behavior). */
export function stabilizeRecommendation(h: ScalingHistory, desired: number, windowMs: number, now: number): number {
  let max = desired;
  let oldIndex = -1;
  const cutoff = now - windowMs;
  h.recommendations.forEach((r, i) => {
    if (r.at < cutoff) oldIndex = i;
    else if (r.replicas > max) max = r.replicas;
  });
  if (oldIndex >= 0) h.recommendations[oldIndex] = { replicas: desired, at: now };
  else h.recommendations.push({ replicas: desired, at: now });
  return max;
}

/** normalizeDesiredReplicas (an HPA without spec.behavior). */
export function normalizeDesiredReplicas(h: ScalingHistory, current: number, desired: number, min: number, max: number, windowMs: number, now: number): Normalized {
  const conditions: ConditionUpdate[] = [];
  const stabilized = stabilizeRecommendation(h, desired, windowMs, now);
  conditions.push(
    stabilized !== desired
      ? { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
      : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
  );
  const r = convertDesiredReplicasWithRules(current, stabilized, min, max);
  conditions.push({ type: 'ScalingLimited', status: r.replicas === stabilized ? 'False' : 'True', reason: r.reason, message: r.message });
  return { desiredReplicas: r.replicas, conditions };
}

/** stabilizeRecommendationWithBehaviors: clamp between the lowest recent (up window) and highest recent (down window). */
export function stabilizeWithBehaviors(h: ScalingHistory, current: number, desired: number, behavior: Required<HorizontalPodAutoscalerBehavior>, now: number): { replicas: number; reason: string; message: string } {
  const upCutoff = now - (behavior.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = now - (behavior.scaleDown.stabilizationWindowSeconds ?? 0) * 1000;
  let up = desired;
  let down = desired;
  let oldIndex = -1;
  h.recommendations.forEach((r, i) => {
    if (r.at > upCutoff) up = Math.min(r.replicas, up);
    if (r.at > downCutoff) down = Math.max(r.replicas, down);
    if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
  });
  let replicas = current;
  if (replicas < up) replicas = up;
  if (replicas > down) replicas = down;
  if (oldIndex >= 0) h.recommendations[oldIndex] = { replicas: desired, at: now };
  else h.recommendations.push({ replicas: desired, at: now });
  return desired >= current
    ? { replicas, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
    : { replicas, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
}

/** getReplicasChangePerPeriod. */
function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

function periodStart(current: number, policy: HPAScalingPolicy, h: ScalingHistory, now: number): number {
  return current - changeInPeriod(policy.periodSeconds, h.scaleUpEvents, now) + changeInPeriod(policy.periodSeconds, h.scaleDownEvents, now);
}

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimitWithRules(current: number, h: ScalingHistory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = periodStart(current, p, h, now);
    // Percent rounds up, or a small target could never grow.
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimitWithRules(current: number, h: ScalingHistory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = periodStart(current, p, h, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate. */
export function convertDesiredReplicasWithBehaviorRate(
  h: ScalingHistory,
  current: number,
  desired: number,
  min: number,
  max: number,
  behavior: Required<HorizontalPodAutoscalerBehavior>,
  now: number,
): { replicas: number; reason: string; message: string } {
  if (desired > current) {
    const limit = Math.max(scaleUpLimitWithRules(current, h, behavior.scaleUp, now), current);
    const [maximum, reason, message] =
      max > limit
        ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
        : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    if (desired > maximum) return { replicas: maximum, reason, message };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimitWithRules(current, h, behavior.scaleDown, now), current);
    const [minimum, reason, message] =
      min < limit
        ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
        : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    if (desired < minimum) return { replicas: minimum, reason, message };
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/** normalizeDesiredReplicasWithBehaviors. */
export function normalizeWithBehaviors(
  h: ScalingHistory,
  current: number,
  desired: number,
  min: number,
  max: number,
  behavior: Required<HorizontalPodAutoscalerBehavior>,
  now: number,
): Normalized {
  const conditions: ConditionUpdate[] = [];
  const s = stabilizeWithBehaviors(h, current, desired, behavior, now);
  conditions.push(
    s.replicas !== desired
      ? { type: 'AbleToScale', status: 'True', reason: s.reason, message: s.message }
      : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
  );
  const r = convertDesiredReplicasWithBehaviorRate(h, current, s.replicas, min, max, behavior, now);
  conditions.push({ type: 'ScalingLimited', status: r.replicas === s.replicas ? 'False' : 'True', reason: r.reason, message: r.message });
  return { desiredReplicas: r.replicas, conditions };
}

function longestPeriodSeconds(rules: HPAScalingRules): number {
  return Math.max(0, ...(rules.policies ?? []).map((p) => p.periodSeconds));
}

/** storeScaleEvent: remember a rescale for the rate policies (only with behavior). */
export function storeScaleEvent(h: ScalingHistory, behavior: Required<HorizontalPodAutoscalerBehavior> | undefined, prev: number, next: number, now: number): void {
  if (!behavior) return;
  const up = next > prev;
  const events = up ? h.scaleUpEvents : h.scaleDownEvents;
  const cutoff = now - longestPeriodSeconds(up ? behavior.scaleUp : behavior.scaleDown) * 1000;
  for (const e of events) if (e.at < cutoff) e.outdated = true;
  const event = { change: Math.abs(next - prev), at: now, outdated: false };
  const reuse = events.findIndex((e) => e.outdated);
  if (reuse >= 0) events[reuse] = event;
  else events.push(event);
}
