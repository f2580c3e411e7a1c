/** Taints and tolerations, as k8s.io/api/core/v1 helpers define them; shared by the scheduler and controllers. */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}
