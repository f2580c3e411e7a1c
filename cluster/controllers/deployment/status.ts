/**
 * A Deployment's status from its ReplicaSets (sync.go calculateStatus) and the
 * progress bookkeeping of progress.go (syncRolloutStatus): Available by
 * MinimumReplicasAvailable/Unavailable, Progressing by NewReplicaSetAvailable,
 * ReplicaSetUpdated or ProgressDeadlineExceeded, and ReplicaFailure copied from the
 * ReplicaSets.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import * as C from './conditions.js';
import { actualReplicaCount, availableReplicaCount, deploymentComplete, deploymentProgressing, hasProgressDeadline, maxUnavailable, readyReplicaCount, replicaCount, specReplicas } from './util.js';

export function calculateStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicaCount(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= specReplicas(d) - maxUnavailable(d)) C.setCondition(status, C.newCondition(C.AVAILABLE, 'True', C.MIN_AVAILABLE, 'Deployment has minimum availability.', now));
  else C.setCondition(status, C.newCondition(C.AVAILABLE, 'False', C.MIN_UNAVAILABLE, 'Deployment does not have minimum availability.', now));
  return status;
}

/** DeploymentTimedOut: the Progressing condition was last updated more than progressDeadlineSeconds ago. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = C.getCondition(s, C.PROGRESSING);
  if (!c || c.reason === C.NEW_RS_AVAILABLE) return false;
  if (c.reason === C.TIMED_OUT) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : NaN;
  return !Number.isNaN(from) && from + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's. */
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const c = rs?.status?.conditions?.find((x) => x.type === C.REPLICA_FAILURE);
    if (c) return { type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime };
  }
  return undefined;
}

/** The status syncRolloutStatus writes. */
export function rolloutStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) C.removeCondition(s, C.PROGRESSING);
  const current = C.getCondition(d.status, C.PROGRESSING);
  const complete = s.replicas === s.updatedReplicas && current?.reason === C.NEW_RS_AVAILABLE;
  if (hasProgressDeadline(d) && !complete) {
    const name = newRS?.metadata?.name;
    if (deploymentComplete(d, s)) {
      const msg = name ? `ReplicaSet "${name}" has successfully progressed.` : `Deployment "${d.metadata?.name}" has successfully progressed.`;
      C.setCondition(s, C.newCondition(C.PROGRESSING, 'True', C.NEW_RS_AVAILABLE, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = name ? `ReplicaSet "${name}" is progressing.` : `Deployment "${d.metadata?.name}" is progressing.`;
      const cond = C.newCondition(C.PROGRESSING, 'True', C.RS_UPDATED, msg, now);
      // Progress refreshes lastUpdateTime even with the same reason (the deadline restarts).
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      C.removeCondition(s, C.PROGRESSING);
      C.setCondition(s, cond);
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = name ? `ReplicaSet "${name}" has timed out progressing.` : `Deployment "${d.metadata?.name}" has timed out progressing.`;
      C.setCondition(s, C.newCondition(C.PROGRESSING, 'False', C.TIMED_OUT, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) C.setCondition(s, failure);
  else C.removeCondition(s, C.REPLICA_FAILURE);
  return s;
}

/** requeueStuckDeployment: when to look again to notice a missed progress deadline (ms), if ever. */
export function stuckRequeueAfterMs(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const c = C.getCondition(d.status, C.PROGRESSING);
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, s) || c.reason === C.TIMED_OUT) return undefined;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : now;
  const after = from + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 - now;
  return after < 1000 ? 0 : after + 1000;
}
