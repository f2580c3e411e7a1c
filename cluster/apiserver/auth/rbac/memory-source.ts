/**
 * A plain in-memory RbacSource: holds RBAC objects, bumps a revision on every change.
 * Handy for tests and as the store behind an informer that feeds it upserts/deletes.
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { RbacSource } from './types.js';

type RbacObject = ClusterRole | ClusterRoleBinding | Role | RoleBinding;

export class InMemoryRbacSource implements RbacSource {
  private rev = 0;
  private readonly crs = new Map<string, ClusterRole>();
  private readonly crbs = new Map<string, ClusterRoleBinding>();
  private readonly rolesByNs = new Map<string, Map<string, Role>>();
  private readonly bindingsByNs = new Map<string, Map<string, RoleBinding>>();

  constructor(objects: readonly RbacObject[] = []) {
    for (const o of objects) this.upsert(o);
  }

  /** Adds or replaces an object (by kind, namespace and name). */
  upsert(obj: RbacObject): void {
    this.mapFor(obj).set(obj.metadata?.name ?? '', obj as never);
    this.rev++;
  }

  delete(obj: Pick<RbacObject, 'kind' | 'metadata'>): void {
    if (this.mapFor(obj).delete(obj.metadata?.name ?? '')) this.rev++;
  }

  revision(): number {
    return this.rev;
  }

  clusterRoles(): ClusterRole[] {
    return [...this.crs.values()];
  }
  clusterRoleBindings(): ClusterRoleBinding[] {
    return [...this.crbs.values()];
  }
  roles(namespace: string): Role[] {
    return [...(this.rolesByNs.get(namespace)?.values() ?? [])];
  }
  roleBindings(namespace: string): RoleBinding[] {
    return [...(this.bindingsByNs.get(namespace)?.values() ?? [])];
  }
  getClusterRole(name: string): ClusterRole | undefined {
    return this.crs.get(name);
  }
  getRole(namespace: string, name: string): Role | undefined {
    return this.rolesByNs.get(namespace)?.get(name);
  }

  private mapFor(obj: Pick<RbacObject, 'kind' | 'metadata'>): Map<string, RbacObject> {
    const ns = obj.metadata?.namespace ?? '';
    const nsMap = (m: Map<string, Map<string, RbacObject>>): Map<string, RbacObject> => {
      let inner = m.get(ns);
      if (!inner) m.set(ns, (inner = new Map()));
      return inner;
    };
    switch (obj.kind) {
      case 'ClusterRole':
        return this.crs as Map<string, RbacObject>;
      case 'ClusterRoleBinding':
        return this.crbs as Map<string, RbacObject>;
      case 'Role':
        return nsMap(this.rolesByNs as Map<string, Map<string, RbacObject>>);
      case 'RoleBinding':
        return nsMap(this.bindingsByNs as Map<string, Map<string, RbacObject>>);
      default:
        throw new Error(`not an RBAC kind: ${String(obj.kind)}`);
    }
  }
}
