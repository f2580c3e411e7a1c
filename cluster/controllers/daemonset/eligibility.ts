/**
 * Which nodes a DaemonSet's pod belongs on (pkg/controller/daemon: NodeShouldRunDaemonPod
 * and its predicates): the pod must fit the node's name, the template's nodeSelector and
 * required node affinity, and tolerate the node's NoSchedule/NoExecute taints — with the
 * tolerations every DaemonSet pod gets (util.AddOrUpdateDaemonPodTolerations). A pod that
 * no longer fits only because of a NoSchedule taint may keep running.
 */
import type { Node, NodeSelector, NodeSelectorRequirement, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { tolerates } from '../../api/taints.js';

/** Tolerations added to every DaemonSet pod, as upstream adds them. */
export function defaultDaemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** The template's tolerations plus the daemon defaults (an existing one with the same key and effect wins). */
export function withDaemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const own = [...(spec?.tolerations ?? [])];
  for (const d of defaultDaemonTolerations(spec)) if (!own.some((o) => o.key === d.key && o.effect === d.effect)) own.push(d);
  return own;
}

export function untoleratedTaints(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[], effects: readonly string[]): Taint[] {
  return (taints ?? []).filter((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(value);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !/^-?\d+$/.test(value) || !r.values?.length) return false;
      const v = Number(value);
      const bound = Number(r.values[0]);
      return r.operator === 'Gt' ? v > bound : v < bound;
    }
    default:
      return false;
  }
}

/** Node selector terms are ORed; a term's expressions and fields are ANDed; an empty term matches nothing. */
export function nodeSelectorMatches(sel: NodeSelector, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return sel.nodeSelectorTerms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return exprs.every((r) => requirementMatches(r, labels[r.key])) && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata?.name));
  });
}

export interface NodeFit {
  /** A new daemon pod should be created on this node. */
  shouldRun: boolean;
  /** An existing daemon pod may stay on this node. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, template: PodTemplateSpec | undefined): NodeFit {
  const spec = template?.spec;
  if (spec?.nodeName && spec.nodeName !== node.metadata?.name) return { shouldRun: false, shouldContinueRunning: false };
  const labels = node.metadata?.labels ?? {};
  const fitsSelector = Object.entries(spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!fitsSelector || (required && !nodeSelectorMatches(required, node))) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec);
  if (untoleratedTaints(node.spec?.taints, tolerations, ['NoSchedule', 'NoExecute']).length === 0) return { shouldRun: true, shouldContinueRunning: true };
  // Untolerated NoSchedule only: keep what runs; untolerated NoExecute: evict.
  return { shouldRun: false, shouldContinueRunning: untoleratedTaints(node.spec?.taints, tolerations, ['NoExecute']).length === 0 };
}

/**
 * Pins a pod to a node the way upstream does (ReplaceDaemonSetPodNodeNameNodeAffinity):
 * the required node affinity becomes one term `metadata.name In [node]`, so the
 * scheduler — not the controller — binds it.
 */
export function pinToNode(spec: PodSpec, nodeName: string): PodSpec {
  const affinity = structuredClone(spec.affinity ?? {});
  affinity.nodeAffinity = {
    ...(affinity.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
  };
  return { ...spec, affinity };
}

/** The node a daemon pod is on, or is pinned to while unscheduled (util.GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
