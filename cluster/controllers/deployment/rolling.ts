/**
 * The rolling update's step decisions (rolling.go), pure: how far the new ReplicaSet
 * may grow, and which old ReplicaSets shrink by how much, so that at every step the
 * total stays ≤ replicas + maxSurge and availability ≥ replicas − maxUnavailable.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { byCreationTimestamp } from '../shared/sort.js';
import { maxUnavailable, newRSNewReplicas, replicaCount, rsReplicas, specReplicas } from './util.js';

/**
 * Available replicas a ReplicaSet will keep: its status may still count pods it is
 * about to delete after a scale-down (the status lags the spec), and it deletes
 * not-ready pods first, so at most spec.replicas of them stay available. Upstream
 * reads status alone; this bound keeps a quick second sync from over-scaling down.
 */
export const keptAvailable = (rs: ReplicaSet) => Math.min(rs.status?.availableReplicas ?? 0, rsReplicas(rs));

export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function planNewReplicaSet(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number | undefined {
  const desired = specReplicas(d);
  const cur = rsReplicas(newRS);
  if (cur === desired) return undefined;
  if (cur > desired) return desired;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === cur ? undefined : next;
}

/**
 * reconcileOldReplicaSets: first shrink old ReplicaSets by their unavailable replicas
 * (cleanupUnhealthyReplicas, oldest first), then by whatever availability allows
 * (scaleDownOldReplicaSetsForRollingUpdate). Steps are in the order to apply them.
 */
export function planOldReplicaSets(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet): ScaleStep[] {
  if (replicaCount(oldRSs) === 0) return [];
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - keptAvailable(newRS);
  const maxScaledDown = replicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  // Sizes as the steps change them; status (availability) is what the ReplicaSets report.
  const size = new Map<ReplicaSet, number>(allRSs.map((rs) => [rs, rsReplicas(rs)]));
  const steps: ScaleStep[] = [];
  const step = (rs: ReplicaSet, replicas: number) => {
    size.set(rs, replicas);
    steps.push({ rs, replicas });
  };
  const oldest = [...oldRSs].sort(byCreationTimestamp);

  let cleaned = 0;
  for (const rs of oldest) {
    if (cleaned >= maxScaledDown) break;
    const cur = size.get(rs) ?? rsReplicas(rs);
    const available = keptAvailable(rs);
    if (cur === 0 || cur <= available) continue;
    const n = Math.min(maxScaledDown - cleaned, cur - available);
    step(rs, cur - n);
    cleaned += n;
  }

  const availableNow = allRSs.reduce((n, rs) => n + keptAvailable(rs), 0);
  if (availableNow > minAvailable) {
    const total = availableNow - minAvailable;
    let done = 0;
    for (const rs of oldest) {
      if (done >= total) break;
      const cur = size.get(rs) ?? rsReplicas(rs);
      if (cur === 0) continue;
      const n = Math.min(cur, total - done);
      step(rs, cur - n);
      done += n;
    }
  }
  return steps;
}
