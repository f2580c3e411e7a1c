/**
 * quota.CalculateUsage + the status the controller writes (syncResourceQuota): usage of
 * the names in spec.hard only, summed over the namespace's objects, with scoped quotas
 * counting only the pods in their scopes; quantities formatted as the API shows them.
 */
import type { Pod, ResourceQuota, ResourceQuotaStatus } from 'kubernetes-types/core/v1.js';
import { formatQuantity, parseQuantity } from '../../api/quantity.js';
import { objectUsage, podMatchesScope, quotaScopes, scopedNames } from './usage.js';
import type { Usage } from './usage.js';
import { resourceForName } from './tracked.js';

export interface ObjectsOf {
  group: string;
  resource: string;
  /** The objects of the quota's namespace. */
  items: readonly object[];
}

/** Usage of the names a quota tracks (its hard names, narrowed by its scopes). */
export function calculateUsage(quota: ResourceQuota, objects: readonly ObjectsOf[], now: number): Usage {
  const scopes = quotaScopes(quota.spec);
  const names = scopedNames(Object.keys(quota.spec?.hard ?? {}), scopes);
  const used: Usage = new Map();
  for (const n of names) {
    const gr = resourceForName(n);
    if (gr && objects.some((o) => o.group === gr.group && o.resource === gr.resource)) used.set(n, 0);
  }
  for (const { group, resource, items } of objects) {
    for (const item of items) {
      const isPod = !group && resource === 'pods';
      if (scopes.length && (!isPod || !scopes.every((s) => podMatchesScope(item as Pod, s)))) continue;
      for (const [k, v] of objectUsage(group, resource, item, now)) if (used.has(k)) used.set(k, used.get(k)! + v);
    }
  }
  return used;
}

/** Memory-like names are shown with binary suffixes (Mi, Gi). */
export function isBinaryName(name: string): boolean {
  return /memory|storage|hugepages/.test(name);
}

/**
 * The status to write: hard = spec.hard; used = the fresh usage, keeping earlier
 * observations of names not recomputed now, masked to the hard names. A value equal to
 * the one already shown keeps its text (no churn between `1Gi` and `1024Mi`).
 */
export function quotaStatus(quota: ResourceQuota, usage: Usage): ResourceQuotaStatus {
  const hard = { ...(quota.spec?.hard ?? {}) };
  const previous = quota.status?.used ?? {};
  const used: Record<string, string> = {};
  for (const name of Object.keys(hard)) {
    const v = usage.get(name);
    if (v === undefined) {
      if (previous[name] !== undefined) used[name] = previous[name];
      continue;
    }
    const old = parseQuantity(previous[name]);
    used[name] = old !== undefined && Math.abs(old - v) < 1e-9 ? previous[name] : formatQuantity(v, isBinaryName(name));
  }
  return { hard, used };
}

/** Whether the status differs from what the quota shows (quota.Equals on hard and used). */
export function quotaStatusChanged(quota: ResourceQuota, next: ResourceQuotaStatus): boolean {
  const cur = quota.status;
  if (!cur?.hard || !cur.used) return true;
  return !sameList(cur.hard, next.hard ?? {}) || !sameList(cur.used, next.used ?? {});
}

function sameList(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && (a[k] === b[k] || parseQuantity(a[k]) === parseQuantity(b[k])));
}
