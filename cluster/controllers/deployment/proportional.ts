/**
 * Scaling a Deployment that is not rolling out (sync.go `scale`): the only active
 * ReplicaSet takes the full count; a saturated new ReplicaSet retires the old ones;
 * otherwise (mid-rollout, or paused) the change is spread over the active ReplicaSets
 * in proportion to their size (GetProportion with the max-replicas annotation), the
 * rounding leftover going to the largest.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { ScaleStep } from './rolling.js';
import { bySize, filterActive, findActiveOrLatest, isRollingUpdate, isSaturated, maxSurge, MAX_REPLICAS_ANNOTATION, replicaCount, rsReplicas, specReplicas } from './util.js';

/** Go's math.Round: halves away from zero. */
const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction: this ReplicaSet's share of the size change. */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (specReplicas(d) === 0) return -rsReplicas(rs);
  const maxReplicas = specReplicas(d) + maxSurge(d);
  let before = Number(rs.metadata?.annotations?.[MAX_REPLICAS_ANNOTATION] ?? NaN);
  if (!Number.isInteger(before) || before === 0) {
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  return roundHalfAway((rsReplicas(rs) * maxReplicas) / before) - rsReplicas(rs);
}

/** GetProportion. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The sizes to set; every active ReplicaSet appears when proportional (its annotations get refreshed). */
export function planScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScaleStep[] {
  const desired = specReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) return rsReplicas(only) === desired ? [] : [{ rs: only, replicas: desired }];
  if (isSaturated(d, newRS)) return filterActive(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const all = filterActive([...oldRSs, newRS]);
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  if (toAdd > 0) all.sort(bySize(true));
  else if (toAdd < 0) all.sort(bySize(false));
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return rsReplicas(rs) + p;
  });
  if (toAdd !== 0 && sizes.length) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: sizes[i] }));
}
