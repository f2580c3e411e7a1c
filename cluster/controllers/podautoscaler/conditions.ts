/**
 * HPA status conditions (horizontal.go setConditionInList): one entry per type, the
 * transition time moving only when the status flips; and how a milli-value is shown
 * (resource.NewMilliQuantity(v, DecimalSI).String()).
 */
import type { HorizontalPodAutoscalerCondition } from 'kubernetes-types/autoscaling/v2.js';

export type HpaConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function setCondition(
  list: HorizontalPodAutoscalerCondition[],
  type: HpaConditionType,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: number,
): void {
  let c = list.find((x) => x.type === type);
  if (!c) {
    c = { type, status };
    list.push(c);
  }
  if (c.status !== status || !c.lastTransitionTime) c.lastTransitionTime = rfc3339(now);
  c.status = status;
  c.reason = reason;
  c.message = message;
}

export { rfc3339 };

const DECIMAL_SUFFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** A milli-value in canonical DecimalSI form: `250m`, `1`, `1500m`, `128M`. */
export function formatMilliQuantity(milli: number): string {
  const m = Math.round(milli);
  if (m % 1000 !== 0) return `${m}m`;
  let v = m / 1000;
  let i = 0;
  while (v !== 0 && v % 1000 === 0 && i < DECIMAL_SUFFIXES.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v}${DECIMAL_SUFFIXES[i]}`;
}
