/**
 * Small helpers the Job, CronJob, DaemonSet and StatefulSet controllers share:
 * an informer index of objects by controller uid (so a reconcile reads only its own
 * children) and pod health as pkg/api/v1/pod reads it (IsPodReady / IsPodAvailable).
 * Kept here until cluster/controllers/shared offers the same.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../client/index.js';
import { canonicalJson } from './hash.js';

/** A distinctive index name so other controllers' indexers on the same informer cannot clash. */
export const CONTROLLER_UID_INDEX = 'workloads.kubarium/controller-uid';

export function controllerOf(meta: ObjectMeta | undefined): OwnerReference | undefined {
  return meta?.ownerReferences?.find((o) => o.controller);
}

/** Index function: the uid of an object's controller (none → not indexed). */
export function controllerUidIndexFunc(obj: KubeObject): string[] {
  const ref = controllerOf(obj.metadata);
  return ref ? [ref.uid] : [];
}

/** metav1.Time: RFC 3339 in whole seconds. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isPodTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

export function isPodReady(pod: Pod): boolean {
  return !!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Running and Ready (StatefulSet's isRunningAndReady). */
export function isPodRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Milliseconds until a ready pod turns available, or undefined if it will not on its own. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  if (!minReadySeconds) return undefined;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready?.lastTransitionTime) return undefined;
  const at = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000;
  return at > nowMs ? at - nowMs : undefined;
}

/** A controller reference to `owner` (metav1.NewControllerRef): controller and blockOwnerDeletion set. */
export function controllerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Drops what JSON encoders omit (null, empty objects and arrays, zero numbers), so a status round-tripped through the server compares equal. */
function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = pruneEmpty(v);
      if (p === undefined || p === null || p === 0 || (Array.isArray(p) && p.length === 0) || (typeof p === 'object' && p && !Array.isArray(p) && Object.keys(p).length === 0)) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}

/** Whether two statuses say the same thing (zero values and empty containers count as absent). */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonicalJson(pruneEmpty(a ?? {})) === canonicalJson(pruneEmpty(b ?? {}));
}
