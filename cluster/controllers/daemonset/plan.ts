/**
 * A DaemonSet sync as one pure decision (pkg/controller/daemon: manage, rollingUpdate,
 * updateDaemonSetStatus): which nodes get a new pod, which pods go, and the status.
 * Pods are grouped by the node they run on or are pinned to.
 */
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
type IntOrString = number | string;
import { CONTROLLER_REVISION_HASH_LABEL, isPodAvailable, isPodReady, msUntilAvailable } from '../history/index.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './eligibility.js';

export interface DaemonSetPlanInput {
  ds: DaemonSet;
  nodes: readonly Node[];
  /** Pods this DaemonSet controls. */
  pods: readonly Pod[];
  /** controller-revision-hash of the current template's revision. */
  hash: string;
  nowMs: number;
  collisionCount?: number;
}

export interface DaemonSetPlan {
  /** Node names that get a new pod of the current revision. */
  createOn: string[];
  deletePods: Pod[];
  status: DaemonSetStatus;
  /** Sync again after this long (a pod turning available after minReadySeconds). */
  requeueAfterMs?: number;
}

/** intstr.GetScaledValueFromIntOrPercent, rounding up as the DaemonSet controller does. */
export function scaledValue(v: IntOrString | undefined, total: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return /^\d+$/.test(v) ? Number(v) : fallback;
  return Math.ceil((Number(m[1]) * total) / 100);
}

const byAge = (a: Pod, b: Pod) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
const isUpdated = (pod: Pod, hash: string) => pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;

/** findUpdatedPodsOnNode: at most one new and one old live pod, else `ok: false`. */
function updatedPodsOnNode(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isUpdated(p, hash)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

export function planDaemonSet({ ds, nodes, pods, hash, nowMs, collisionCount }: DaemonSetPlanInput): DaemonSetPlan {
  const template = ds.spec?.template;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = targetNodeName(p) ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const nodeNames = new Set(nodes.map((n) => n.metadata?.name ?? ''));
  const fits = new Map(nodes.map((n) => [n.metadata?.name ?? '', nodeShouldRunDaemonPod(n, template)]));
  const desired = [...fits.values()].filter((f) => f.shouldRun).length;
  const rolling = (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  let maxSurge = rolling ? scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge, desired, 0) : 0;
  let maxUnavailable = rolling ? scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, desired, 1) : 0;
  if (rolling && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (!rolling) maxSurge = 0;
  const surge = maxSurge > 0;

  const createOn: string[] = [];
  const deletePods: Pod[] = [];
  let requeueAfterMs: number | undefined;
  const soon = (ms: number | undefined) => {
    if (ms !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, ms);
  };

  // manage(): one live pod per node that should run one, none elsewhere.
  for (const [nodeName, nodePods] of byNode) {
    if (!nodeNames.has(nodeName)) {
      deletePods.push(...nodePods.filter((p) => !p.metadata?.deletionTimestamp));
    }
  }
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const fit = fits.get(name)!;
    const nodePods = byNode.get(name) ?? [];
    if (fit.shouldRun) {
      const running: Pod[] = [];
      for (const p of nodePods) {
        if (p.metadata?.deletionTimestamp) continue;
        // Failed pods are replaced; Succeeded ones too (daemon pods always restart).
        if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') deletePods.push(p);
        else running.push(p);
      }
      if (!surge) {
        if (running.length === 0) createOn.push(name);
        else if (running.length > 1) deletePods.push(...[...running].sort(byAge).slice(1));
      } else {
        const olds = running.filter((p) => !isUpdated(p, hash)).sort(byAge);
        const news = running.filter((p) => isUpdated(p, hash)).sort(byAge);
        if (olds.length === 0 && news.length === 0) createOn.push(name);
        deletePods.push(...olds.slice(1), ...news.slice(1));
      }
    } else if (!fit.shouldContinueRunning) {
      deletePods.push(...nodePods.filter((p) => !p.metadata?.deletionTimestamp));
    }
  }

  // rollingUpdate(): replace old pods within maxUnavailable, or surge within maxSurge.
  if (rolling) {
    const deleting = new Set(deletePods);
    if (!surge) {
      let numUnavailable = 0;
      const allowed: Pod[] = [];
      const candidates: Pod[] = [];
      for (const [nodeName, nodePods] of byNode) {
        if (!fits.get(nodeName)?.shouldRun) continue;
        const { newPod, oldPod, ok } = updatedPodsOnNode(nodePods, hash);
        if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
        else if (newPod) {
          if (!isPodAvailable(newPod, minReady, nowMs)) {
            numUnavailable++;
            soon(msUntilAvailable(newPod, minReady, nowMs));
          }
        } else if (oldPod) {
          if (!isPodAvailable(oldPod, minReady, nowMs)) allowed.push(oldPod);
          else candidates.push(oldPod);
        }
      }
      const room = Math.max(0, Math.min(maxUnavailable - numUnavailable, candidates.length));
      for (const p of [...allowed, ...candidates.sort(byAge).slice(0, room)]) if (!deleting.has(p)) deletePods.push(p);
    } else {
      let numSurge = 0;
      const allowedNodes: string[] = [];
      const candidateNodes: string[] = [];
      for (const [nodeName, nodePods] of byNode) {
        if (!fits.get(nodeName)?.shouldRun) continue;
        const { newPod, oldPod, ok } = updatedPodsOnNode(nodePods, hash);
        if (!ok) numSurge++;
        else if (!oldPod) continue;
        else if (!newPod) {
          if (!isPodAvailable(oldPod, minReady, nowMs)) allowedNodes.push(nodeName);
          else candidateNodes.push(nodeName);
        } else if (!isPodAvailable(newPod, minReady, nowMs)) {
          numSurge++;
          soon(msUntilAvailable(newPod, minReady, nowMs));
        } else if (!deleting.has(oldPod)) deletePods.push(oldPod);
      }
      const room = Math.max(0, Math.min(maxSurge - numSurge, candidateNodes.length));
      for (const n of [...allowedNodes, ...candidateNodes.sort().slice(0, room)]) if (!createOn.includes(n)) createOn.push(n);
    }
  }

  // updateDaemonSetStatus().
  let current = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  let misscheduled = 0;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const nodePods = [...(byNode.get(name) ?? [])].sort(byAge);
    const scheduled = nodePods.length > 0;
    if (fits.get(name)!.shouldRun) {
      if (!scheduled) continue;
      current++;
      const pod = nodePods[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, nowMs)) available++;
        else soon(msUntilAvailable(pod, minReady, nowMs));
      }
      if (isUpdated(pod, hash)) updated++;
    } else if (scheduled) misscheduled++;
  }
  const status: DaemonSetStatus = {
    ...(ds.status ?? {}),
    currentNumberScheduled: current,
    desiredNumberScheduled: desired,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: available,
    numberUnavailable: desired - available,
    updatedNumberScheduled: updated,
    observedGeneration: ds.metadata?.generation,
    ...(collisionCount ? { collisionCount } : {}),
  };
  return { createOn, deletePods: [...new Set(deletePods)], status, requeueAfterMs };
}
