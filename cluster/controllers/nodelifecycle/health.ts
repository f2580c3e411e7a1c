/**
 * Node health decisions of upstream node_lifecycle_controller.go, as pure functions:
 * when a node's kubelet stopped posting (no Lease renewal or Ready heartbeat within the
 * grace period) its conditions turn Unknown; which taints a node's conditions call for
 * (doNoScheduleTaintingPass + doNoExecuteTaintingPass); whether a pod tolerates them.
 */
import type { Node, NodeCondition, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { tolerates } from '../../api/taints.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** nodeConditionToTaintKeyStatusMap: condition type → status → NoSchedule taint key. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
/** Taint keys this controller owns (others' taints are left alone). */
export const MANAGED_TAINT_KEYS = new Set([TAINT_UNSCHEDULABLE, ...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m))]);

const ms = (t: string | undefined) => (t ? Date.parse(t) : NaN);

/** The last sign of life: lease renewal, Ready heartbeat, or (never heard from) creation. */
export function lastProbe(node: Node, leaseRenewTime?: string): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const times = [ms(node.metadata?.creationTimestamp), ms(leaseRenewTime), ms(ready?.lastHeartbeatTime)].filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : 0;
}

/**
 * Conditions after the grace period passed without a sign of life: Ready and the
 * pressure conditions become Unknown (NodeStatusUnknown), or Ready is added as
 * NodeStatusNeverUpdated. Returns undefined when nothing changes.
 */
export function unknownConditions(node: Node, now: string): NodeCondition[] | undefined {
  const current = node.status?.conditions ?? [];
  let changed = false;
  const next = current.map((c) => {
    if (!['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(c.type) || c.status === 'Unknown') return c;
    changed = true;
    return { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now, lastHeartbeatTime: c.lastHeartbeatTime ?? now };
  });
  if (!current.some((c) => c.type === 'Ready')) {
    changed = true;
    next.push({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastTransitionTime: now, lastHeartbeatTime: now });
  }
  return changed ? next : undefined;
}

/** The node's taints with ours recomputed from its conditions; others' taints kept. `timeAdded` kept for unchanged ones. */
export function desiredTaints(node: Node, now: string): Taint[] {
  const current = node.spec?.taints ?? [];
  const want: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  if (ready === 'False') want.push({ key: TAINT_NOT_READY, effect: 'NoExecute' });
  if (ready === 'Unknown') want.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  const kept = current.filter((t) => !MANAGED_TAINT_KEYS.has(t.key));
  const ours = want.map((w) => {
    const prev = current.find((t) => t.key === w.key && t.effect === w.effect);
    if (prev) return prev;
    return w.effect === 'NoExecute' ? { ...w, timeAdded: now } : w;
  });
  return [...kept, ...ours];
}

/**
 * When a pod must be evicted from a node with these NoExecute taints (tainteviction's
 * processPodOnNode): undefined = never (all tolerated forever); a time in ms (0 = at once).
 */
export function evictionTime(taints: readonly Taint[], tolerations: readonly Toleration[]): number | undefined {
  const noExec = taints.filter((t) => t.effect === 'NoExecute');
  if (!noExec.length) return undefined;
  let at: number | undefined;
  for (const taint of noExec) {
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (!matching.length) return 0;
    // getMinTolerationTime: the smallest tolerationSeconds of the matching tolerations; none → forever.
    const secs = matching.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
    if (!secs.length) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : Date.now();
    const t = added + Math.max(0, Math.min(...secs)) * 1000;
    at = at === undefined ? t : Math.min(at, t);
  }
  return at;
}
