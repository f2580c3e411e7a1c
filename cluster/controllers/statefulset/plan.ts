/**
 * A StatefulSet sync as one pure decision (updateStatefulSet in
 * pkg/controller/statefulset/stateful_set_control.go):
 *  1. bring ordinals [start, start+replicas) into being in order — OrderedReady stops at
 *     the first pod it creates, deletes (failed) or that is not yet Running and Ready;
 *     Parallel does them all;
 *  2. delete condemned pods (ordinals beyond replicas), highest first — OrderedReady
 *     one at a time and only when every other pod is healthy;
 *  3. RollingUpdate: from the highest ordinal down to the partition, delete one pod not
 *     at the update revision, waiting for each replacement to become healthy.
 */
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CONTROLLER_REVISION_HASH_LABEL, isPodAvailable, isPodRunningAndReady, isPodTerminal, msUntilAvailable } from '../history/index.js';
import { ordinalOf } from './identity.js';

export interface StatefulSetPlanInput {
  set: StatefulSet;
  /** Pods this StatefulSet controls. */
  pods: readonly Pod[];
  currentRevision: string;
  updateRevision: string;
  nowMs: number;
  collisionCount?: number;
}

export interface PodToCreate {
  ordinal: number;
  /** Which revision's template the new pod gets. */
  revision: string;
}

export interface StatefulSetPlan {
  create: PodToCreate[];
  deletePods: Pod[];
  /** Condemned pods deleted by scale-down (their claims may need the whenScaled policy applied first). */
  condemned: Pod[];
  status: StatefulSetStatus;
  requeueAfterMs?: number;
}

const revisionOf = (pod: Pod) => pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
const terminating = (pod: Pod) => !!pod.metadata?.deletionTimestamp;

/** newVersionedStatefulSetPod's choice: ordinals below the partition keep the current revision. */
export function revisionForOrdinal(set: StatefulSet, ordinal: number, currentRevision: string, updateRevision: string): string {
  const start = set.spec?.ordinals?.start ?? 0;
  const strategy = set.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const partition = strategy?.rollingUpdate ? (strategy.rollingUpdate.partition ?? 0) : undefined;
    if (partition === undefined ? ordinal < start + (set.status?.currentReplicas ?? 0) : ordinal < start + partition) return currentRevision;
  }
  return updateRevision;
}

export function planStatefulSet({ set, pods, currentRevision, updateRevision, nowMs, collisionCount }: StatefulSetPlanInput): StatefulSetPlan {
  const start = set.spec?.ordinals?.start ?? 0;
  const count = set.spec?.replicas ?? 1;
  const minReady = set.spec?.minReadySeconds ?? 0;
  const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
  const plan: StatefulSetPlan = { create: [], deletePods: [], condemned: [], status: {} as StatefulSetStatus };
  const healthy = (p: Pod) => isPodRunningAndReady(p) && !terminating(p) && isPodAvailable(p, minReady, nowMs);
  const noteWait = (p: Pod) => {
    const ms = msUntilAvailable(p, minReady, nowMs);
    if (ms !== undefined) plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, ms);
  };

  const replicas = new Map<number, Pod>();
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(set, p);
    if (ord === undefined) continue;
    if (ord >= start && ord < start + count) replicas.set(ord, p);
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(set, b)! - ordinalOf(set, a)!);

  // Status from what exists now.
  const all = [...replicas.values(), ...condemned];
  const status: StatefulSetStatus = {
    ...(set.status ?? {}),
    observedGeneration: set.metadata?.generation,
    replicas: all.length,
    readyReplicas: all.filter((p) => isPodRunningAndReady(p) && !terminating(p)).length,
    availableReplicas: all.filter((p) => isPodRunningAndReady(p) && !terminating(p) && isPodAvailable(p, minReady, nowMs)).length,
    currentReplicas: all.filter((p) => revisionOf(p) === currentRevision).length,
    updatedReplicas: all.filter((p) => revisionOf(p) === updateRevision).length,
    currentRevision,
    updateRevision,
    ...(collisionCount ? { collisionCount } : {}),
  };
  const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = updateRevision;
  }
  plan.status = status;

  const steps = (): void => {
    // 1. Replicas in ordinal order.
    for (let ord = start; ord < start + count; ord++) {
      const pod = replicas.get(ord);
      if (!pod) {
        plan.create.push({ ordinal: ord, revision: revisionForOrdinal(set, ord, currentRevision, updateRevision) });
        if (monotonic) return;
        continue;
      }
      if (isPodTerminal(pod) && !terminating(pod)) {
        plan.deletePods.push(pod); // recreated on a later sync
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(pod)) {
        noteWait(pod);
        return;
      }
    }
    // 2. Condemned pods, highest ordinal first.
    for (const pod of condemned) {
      if (terminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && all.some((p) => p !== pod && !healthy(p) && !condemned.includes(p))) return;
      if (monotonic && !healthy(pod) && condemned.some((p) => p !== pod && !healthy(p) && ordinalOf(set, p)! > ordinalOf(set, pod)!)) return;
      plan.deletePods.push(pod);
      plan.condemned.push(pod);
      if (monotonic) return;
    }
    // 3. Rolling update down to the partition.
    if (!rolling) return;
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let ord = start + count - 1; ord >= start + partition; ord--) {
      const pod = replicas.get(ord);
      if (!pod) return;
      if (revisionOf(pod) !== updateRevision && !terminating(pod)) {
        plan.deletePods.push(pod);
        return;
      }
      if (!healthy(pod)) {
        noteWait(pod);
        return;
      }
    }
  };
  steps();
  return plan;
}
