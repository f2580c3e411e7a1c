/**
 * What objects use against a ResourceQuota (pkg/quota/v1/evaluator/core: the pod,
 * service and persistentvolumeclaim evaluators, plus the generic object-count
 * evaluator), as pure functions: one object → its usage by quota resource name.
 */
import type { Container, PersistentVolumeClaim, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { ScopedResourceSelectorRequirement } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/quantity.js';

export type Usage = Map<string, number>;

/** Quota names the legacy object-count form tracks, by core resource (`pods` is the pod evaluator's). */
export const LEGACY_COUNT_NAMES: Record<string, string> = {
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
  pods: 'pods',
};

/** The `count/<resource>[.<group>]` name of a resource. */
export function countName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/**
 * QuotaV1Pod: whether a pod is charged at all — not terminal, and not stuck terminating
 * past its grace period (a lost node must not keep a namespace from scaling).
 */
export function isPodCharged(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const del = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (del && grace !== undefined && now > Date.parse(del) + grace * 1000) return false;
  return true;
}

function addList(into: Usage, list: Record<string, unknown> | undefined): void {
  for (const [k, v] of Object.entries(list ?? {})) into.set(k, (into.get(k) ?? 0) + (parseQuantity(v) ?? 0));
}

/**
 * resourcehelper.PodRequests / PodLimits: the sum over app containers (and sidecar init
 * containers, restartPolicy Always), raised to any single init container's need, plus
 * the pod overhead.
 */
export function podResourceList(pod: Pod, kind: 'requests' | 'limits'): Usage {
  const sum: Usage = new Map();
  for (const c of pod.spec?.containers ?? []) addList(sum, c.resources?.[kind]);
  const sidecars: Usage = new Map();
  const initMax: Usage = new Map();
  for (const c of (pod.spec?.initContainers ?? []) as Container[]) {
    if (c.restartPolicy === 'Always') {
      addList(sum, c.resources?.[kind]);
      addList(sidecars, c.resources?.[kind]);
      continue;
    }
    // A regular init container runs beside the sidecars started before it.
    const need: Usage = new Map(sidecars);
    addList(need, c.resources?.[kind]);
    for (const [k, v] of need) initMax.set(k, Math.max(initMax.get(k) ?? 0, v));
  }
  for (const [k, v] of initMax) sum.set(k, Math.max(sum.get(k) ?? 0, v));
  addList(sum, pod.spec?.overhead);
  return sum;
}

/** podComputeUsageHelper: pods, count/pods and the compute names (cpu = requests.cpu, ...). */
export function podUsage(pod: Pod, now: number): Usage {
  const u: Usage = new Map();
  if (!isPodCharged(pod, now)) return u;
  u.set('pods', 1);
  u.set('count/pods', 1);
  const requests = podResourceList(pod, 'requests');
  const limits = podResourceList(pod, 'limits');
  for (const [k, v] of requests) {
    u.set(`requests.${k}`, v);
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') u.set(k, v);
    if (k.startsWith('hugepages-')) u.set(k, v);
  }
  for (const [k, v] of limits) u.set(`limits.${k}`, v);
  return u;
}

/** The service evaluator: services, services.nodeports, services.loadbalancers. */
export function serviceUsage(svc: Service): Usage {
  const u: Usage = new Map([['services', 1], ['count/services', 1]]);
  const type = svc.spec?.type ?? 'ClusterIP';
  if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', (svc.spec?.ports ?? []).length);
  if (type === 'LoadBalancer') u.set('services.loadbalancers', 1);
  return u;
}

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/** The PVC evaluator: count, requests.storage, and the per-storage-class forms. */
export function pvcUsage(pvc: PersistentVolumeClaim): Usage {
  const u: Usage = new Map([['persistentvolumeclaims', 1], ['count/persistentvolumeclaims', 1]]);
  const requested = parseQuantity(pvc.spec?.resources?.requests?.storage) ?? 0;
  // An expansion in progress charges the larger of the request and what is allocated.
  const allocated = parseQuantity(pvc.status?.allocatedResources?.storage) ?? 0;
  const storage = Math.max(requested, allocated);
  u.set('requests.storage', storage);
  const sc = pvc.spec?.storageClassName;
  if (sc) {
    u.set(`${sc}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, 1);
    u.set(`${sc}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  }
  return u;
}

/** Usage of any other object: its count, and the legacy name for the core kinds that have one. */
export function objectCountUsage(group: string, resource: string): Usage {
  const u: Usage = new Map([[countName(group, resource), 1]]);
  if (!group && LEGACY_COUNT_NAMES[resource]) u.set(LEGACY_COUNT_NAMES[resource], 1);
  return u;
}

/** One object's usage, by the evaluator its resource has. */
export function objectUsage(group: string, resource: string, obj: object, now: number): Usage {
  if (!group && resource === 'pods') return podUsage(obj as Pod, now);
  if (!group && resource === 'services') return serviceUsage(obj as Service);
  if (!group && resource === 'persistentvolumeclaims') return pvcUsage(obj as PersistentVolumeClaim);
  return objectCountUsage(group, resource);
}

// ---- Scopes (pkg/quota/v1/evaluator/core/pods.go podMatchesScopeFunc). ----

/** qos.GetPodQOS == BestEffort: no container asks for or limits cpu or memory. */
export function isBestEffort(pod: Pod): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all.every((c) => {
    const names = [...Object.keys(c.resources?.requests ?? {}), ...Object.keys(c.resources?.limits ?? {})];
    return !names.some((n) => n === 'cpu' || n === 'memory');
  });
}

/** Whether `pod` is in one scope requirement (a scope name alone means `Exists`). */
export function podMatchesScope(pod: Pod, req: ScopedResourceSelectorRequirement): boolean {
  const terminating = pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds !== null && pod.spec.activeDeadlineSeconds >= 0;
  switch (req.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = pod.spec?.priorityClassName ?? '';
      const values = req.values ?? [];
      switch (req.operator) {
        case 'In':
          return values.includes(pc);
        case 'NotIn':
          return !values.includes(pc);
        case 'Exists':
          return pc !== '';
        case 'DoesNotExist':
          return pc === '';
        default:
          return false;
      }
    }
    case 'CrossNamespacePodAffinity': {
      const terms = [
        ...(pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(pod.spec?.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
        ...(pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(pod.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
      ];
      return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
    }
    default:
      return false;
  }
}

/** All of a quota's scopes (spec.scopes and spec.scopeSelector) as requirements. */
export function quotaScopes(spec: { scopes?: string[]; scopeSelector?: { matchExpressions?: ScopedResourceSelectorRequirement[] } } | undefined): ScopedResourceSelectorRequirement[] {
  return [
    ...(spec?.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists' })),
    ...(spec?.scopeSelector?.matchExpressions ?? []),
  ];
}

/** Compute names a BestEffort scope may not track: only the pod count applies to it. */
const isComputeName = (n: string) => n !== 'pods' && n !== 'count/pods';

/**
 * Which of the hard names a scoped quota tracks: scoped quotas track only pods (upstream
 * validation allows nothing else), and a BestEffort scope only their count.
 */
export function scopedNames(hard: readonly string[], scopes: readonly ScopedResourceSelectorRequirement[]): string[] {
  if (!scopes.length) return [...hard];
  const bestEffort = scopes.some((s) => s.scopeName === 'BestEffort');
  return hard.filter((n) => {
    if (!isPodName(n)) return false;
    return !(bestEffort && isComputeName(n));
  });
}

/** Whether a quota name is one the pod evaluator answers. */
export function isPodName(n: string): boolean {
  if (n === 'pods' || n === 'count/pods') return true;
  if (n === 'cpu' || n === 'memory' || n === 'ephemeral-storage' || n.startsWith('hugepages-')) return true;
  if (n === 'requests.storage') return false;
  return n.startsWith('requests.') || n.startsWith('limits.');
}
