/**
 * Which pods a ReplicaSet deletes first when scaling down — upstream's getPodsToDelete
 * with controller.ActivePodsWithRanks (LogarithmicScaleDown and PodDeletionCost on, as
 * they are by default):
 *   1. unscheduled < scheduled
 *   2. Pending < Unknown < Running
 *   3. not ready < ready
 *   4. lower controller.kubernetes.io/pod-deletion-cost < higher
 *   5. more related pods on the same node < fewer (doubled-up pods go first)
 *   6. both ready: ready for a shorter time (log2 buckets) < longer
 *   7. more container restarts < fewer
 *   8. newer < older (log2 buckets), ties broken by UID
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady, podReadyTime } from './pod-status.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

/** log2 of the age in ns, as logarithmicRankDiff buckets it (-1 for zero or future). */
function logBucket(t: number, now: number): number {
  const ageNs = (now - t) * 1e6;
  return ageNs <= 0 ? -1 : Math.floor(Math.log2(ageNs));
}

/** afterOrZero: a zero time sorts first, then the later time. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function timeCompare(a: number | undefined, b: number | undefined, now: number, uidA: string, uidB: string): boolean | undefined {
  if (a === b) return undefined;
  if (a === undefined || b === undefined) return afterOrZero(a, b);
  const diff = logBucket(a, now) - logBucket(b, now);
  if (diff === 0) return uidA < uidB;
  return diff < 0;
}

export interface RankedPod {
  pod: Pod;
  /** Related active pods on the same node (more → deleted earlier). */
  rank: number;
}

/** Less(i, j) of ActivePodsWithRanks: true when `a` should be deleted before `b`. */
export function deleteBefore(a: RankedPod, b: RankedPod, now: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (!na || !nb)) return !na;
  const oa = PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0;
  const ob = PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  const uidA = pa.metadata?.uid ?? '';
  const uidB = pb.metadata?.uid ?? '';
  if (ra && rb) {
    const r = timeCompare(podReadyTime(pa), podReadyTime(pb), now, uidA, uidB);
    if (r !== undefined) return r;
  }
  const xa = maxRestarts(pa);
  const xb = maxRestarts(pb);
  if (xa !== xb) return xa > xb;
  const ta = pa.metadata?.creationTimestamp ? Date.parse(pa.metadata.creationTimestamp) : undefined;
  const tb = pb.metadata?.creationTimestamp ? Date.parse(pb.metadata.creationTimestamp) : undefined;
  return timeCompare(ta, tb, now, uidA, uidB) ?? false;
}

/**
 * getPodsToDelete: the `diff` pods to delete from `pods`, ranked against `related`
 * (active pods of the same owner's other ReplicaSets, for the doubled-up rule).
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], diff: number, now: number): Pod[] {
  if (diff >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node && isPodActive(p)) onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? (onNode.get(pod.spec.nodeName) ?? 0) : 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}
