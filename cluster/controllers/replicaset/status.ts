/**
 * A ReplicaSet's status from its pods (replica_set_utils.go calculateStatus):
 * replicas, fullyLabeledReplicas (pods carrying all the template's labels),
 * readyReplicas, availableReplicas (ready for minReadySeconds), and the
 * ReplicaFailure condition while creating or deleting pods fails.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { isPodAvailable, isPodReady } from '../shared/pod-status.js';
import { canonicalJson } from '../shared/hash.js';
import type { ReplicaSetLike } from './kinds.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ManageError {
  /** Negative: pods were missing (create failed); positive: too many (delete failed). */
  diff: number;
  message: string;
}

export function calculateStatus(rs: ReplicaSetLike, pods: readonly Pod[], manageError: ManageError | undefined, now: number): ReplicaSetStatus {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const fullyLabeled = selectorFromLabelSelector({ matchLabels: templateLabels });
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => fullyLabeled.matches(p.metadata?.labels)).length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata?.generation ?? rs.status?.observedGeneration,
  };
  let conditions: ReplicaSetCondition[] = (rs.status?.conditions ?? []).map((c) => ({ ...c }));
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    conditions.push({
      type: REPLICA_FAILURE,
      status: 'True',
      reason: manageError.diff < 0 ? 'FailedCreate' : 'FailedDelete',
      message: manageError.message,
      lastTransitionTime: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Whether `next` differs from what `rs.status` holds (so an update is needed). */
export function statusChanged(rs: ReplicaSetLike, next: ReplicaSetStatus): boolean {
  const cur: Partial<ReplicaSetStatus> = rs.status ?? {};
  return (
    (cur.replicas ?? 0) !== next.replicas ||
    (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    cur.observedGeneration !== next.observedGeneration ||
    canonicalJson(cur.conditions) !== canonicalJson(next.conditions)
  );
}
