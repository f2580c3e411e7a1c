/**
 * ResourceQuota admission, as the upstream plugin: a create that would take a
 * namespace's usage past any quota's `hard` limits is rejected with upstream's
 * `exceeded quota` message; an admitted one is charged to the quotas' status.used.
 * Usage is recounted from the stored objects each time (quotas are rare and small),
 * so it stays right even before a quota controller has run.
 */
import { StatusError } from '../../../api/status.js';
import { formatQuantity, parseQuantity } from '../../../api/quantity.js';
import type { ObjectLister } from '../../caches/object-cache.js';
import type { ResourceRegistry } from '../../resources/registry.js';
import type { KubeObject } from '../../storage/object.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

type Usage = Map<string, number>;

/** Object-count quota names: `pods` style and `count/<resource>[.<group>]` style. */
const COUNT_NAMES: Record<string, string> = {
  pods: '/pods',
  services: '/services',
  configmaps: '/configmaps',
  secrets: '/secrets',
  persistentvolumeclaims: '/persistentvolumeclaims',
  replicationcontrollers: '/replicationcontrollers',
  resourcequotas: '/resourcequotas',
};

const BINARY_RESOURCES = /memory|storage/;

function isTerminal(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

interface ContainerRes {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** Pod requests/limits: the sum over containers, or the largest init container if bigger (upstream's PodRequests). */
function podResources(pod: KubeObject, kind: 'requests' | 'limits'): Usage {
  const spec = (pod.spec ?? {}) as { containers?: ContainerRes[]; initContainers?: ContainerRes[] };
  const sum: Usage = new Map();
  for (const c of spec.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[kind] ?? {})) sum.set(k, (sum.get(k) ?? 0) + (parseQuantity(v) ?? 0));
  }
  for (const c of spec.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[kind] ?? {})) sum.set(k, Math.max(sum.get(k) ?? 0, parseQuantity(v) ?? 0));
  }
  return sum;
}

/** What one object contributes to each quota resource name. */
function contribution(group: string, resource: string, obj: KubeObject): Usage {
  const u: Usage = new Map();
  const plural = group ? `${resource}.${group}` : resource;
  u.set(`count/${plural}`, 1);
  if (!group && COUNT_NAMES[resource]) u.set(resource, 1);
  if (!group && resource === 'pods') {
    if (isTerminal(obj)) return new Map();
    for (const [k, v] of podResources(obj, 'requests')) {
      u.set(`requests.${k}`, v);
      if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') u.set(k, v);
    }
    for (const [k, v] of podResources(obj, 'limits')) u.set(`limits.${k}`, v);
  }
  if (!group && resource === 'services') {
    const type = (obj.spec as { type?: string; ports?: unknown[] } | undefined)?.type;
    if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', ((obj.spec as { ports?: unknown[] }).ports ?? []).length);
    if (type === 'LoadBalancer') u.set('services.loadbalancers', 1);
  }
  if (!group && resource === 'persistentvolumeclaims') {
    const storage = parseQuantity((obj.spec as { resources?: { requests?: { storage?: unknown } } } | undefined)?.resources?.requests?.storage);
    if (storage) u.set('requests.storage', storage);
  }
  return u;
}

export function resourceQuota(registry: ResourceRegistry, quotaLister: ObjectLister): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    async validate(a: AdmissionAttributes): Promise<void> {
      if (a.operation !== 'CREATE' || a.subresource || !a.object || !a.namespace || a.dryRun) return;
      const quotas = registry.storeFor('', 'resourcequotas');
      if (!quotas) return;
      const items = await quotaLister.list(a.namespace);
      if (!items.length) return;
      const { group, resource } = a.resource.info;
      const delta = contribution(group, resource, a.object);
      const relevant = items.filter((q) => Object.keys((q.spec as { hard?: object } | undefined)?.hard ?? {}).some((k) => delta.has(k)));
      if (!relevant.length) return;
      // Current usage of this kind in the namespace.
      const store = registry.storeFor(group, resource);
      const used: Usage = new Map();
      for (const o of (await store?.list(a.namespace))?.items ?? []) {
        for (const [k, v] of contribution(group, resource, o)) used.set(k, (used.get(k) ?? 0) + v);
      }
      for (const q of relevant) {
        const hard = ((q.spec as { hard?: Record<string, unknown> }).hard ?? {}) as Record<string, unknown>;
        const exceeded: string[] = [];
        const requested: string[] = [];
        const usedText: string[] = [];
        const limited: string[] = [];
        for (const [k, h] of Object.entries(hard)) {
          const d = delta.get(k);
          if (d === undefined) continue;
          const limit = parseQuantity(h) ?? 0;
          const now = used.get(k) ?? 0;
          if (now + d > limit) {
            const bin = BINARY_RESOURCES.test(k);
            exceeded.push(k);
            requested.push(`${k}=${formatQuantity(d, bin)}`);
            usedText.push(`${k}=${formatQuantity(now, bin)}`);
            limited.push(`${k}=${String(h)}`);
          }
        }
        if (exceeded.length) {
          throw new StatusError(403, 'Forbidden', `${resource}${group ? '.' + group : ''} "${a.name ?? ''}" is forbidden: exceeded quota: ${q.metadata!.name}, requested: ${requested.join(',')}, used: ${usedText.join(',')}, limited: ${limited.join(',')}`, { name: a.name, kind: resource });
        }
      }
      // Charge the admitted object to each quota (status.hard mirrors spec.hard, as the quota controller writes it).
      for (const q of relevant) {
        await quotas.update(a.namespace, q.metadata!.name!, (cur) => {
          const hard = ((cur.spec as { hard?: Record<string, string> }).hard ?? {}) as Record<string, string>;
          const st = (cur.status ??= {}) as { hard?: Record<string, string>; used?: Record<string, string> };
          st.hard = { ...hard };
          st.used = { ...st.used };
          for (const k of Object.keys(hard)) {
            if (!delta.has(k) && !used.has(k)) continue;
            st.used[k] = formatQuantity((used.get(k) ?? 0) + (delta.get(k) ?? 0), BINARY_RESOURCES.test(k));
          }
          return cur;
        });
      }
    },
  };
}
