/**
 * ClusterRole aggregation (pkg/controller/clusterroleaggregation): a ClusterRole with an
 * aggregationRule gets the union of the rules of every ClusterRole matching one of its
 * selectors, in name order, without duplicates. Its own `rules` are controller-owned and
 * ignored. Aggregated roles that match other aggregated roles (view → edit → admin)
 * resolve transitively here, so no controller has to run first.
 */
import type { ClusterRole, PolicyRule } from 'kubernetes-types/rbac/v1.js';
import { selectorFromLabelSelector } from '../../../api/labels.js';
import type { Selector } from '../../../api/labels.js';
import { ruleKey } from './rules.js';

function selectorsOf(role: ClusterRole): Selector[] {
  const out: Selector[] = [];
  for (const ls of role.aggregationRule?.clusterRoleSelectors ?? []) {
    try {
      out.push(selectorFromLabelSelector(ls));
    } catch {
      // An invalid selector matches nothing (upstream validation rejects it anyway).
    }
  }
  return out;
}

/**
 * Effective rules of every ClusterRole by name: own rules, or for aggregated roles the
 * aggregated union. `roles` is the full set of ClusterRoles.
 */
export function effectiveClusterRoleRules(roles: readonly ClusterRole[]): Map<string, PolicyRule[]> {
  const byName = new Map<string, ClusterRole>();
  for (const r of roles) if (r.metadata?.name) byName.set(r.metadata.name, r);
  const sorted = [...byName.values()].sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
  const result = new Map<string, PolicyRule[]>();
  const inProgress = new Set<string>();

  const resolve = (role: ClusterRole): PolicyRule[] => {
    const name = role.metadata!.name!;
    const done = result.get(name);
    if (done) return done;
    if (!role.aggregationRule) {
      const rules = role.rules ?? [];
      result.set(name, rules);
      return rules;
    }
    if (inProgress.has(name)) return []; // aggregation cycle: contribute nothing further
    inProgress.add(name);
    const selectors = selectorsOf(role);
    const seen = new Set<string>();
    const rules: PolicyRule[] = [];
    for (const selector of selectors) {
      for (const other of sorted) {
        if (other === role || !selector.matches(other.metadata?.labels)) continue;
        for (const rule of resolve(other)) {
          const key = ruleKey(rule);
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(rule);
        }
      }
    }
    inProgress.delete(name);
    result.set(name, rules);
    return rules;
  };

  for (const role of sorted) resolve(role);
  return result;
}

/** The rules an aggregation controller should write into `role.rules`. */
export function aggregateClusterRoleRules(role: ClusterRole, allRoles: readonly ClusterRole[]): PolicyRule[] {
  const name = role.metadata?.name ?? '';
  const others = allRoles.filter((r) => r.metadata?.name !== name);
  return effectiveClusterRoleRules([...others, role]).get(name) ?? [];
}
