/**
 * Keeps the RBAC authorizer's view of Roles, ClusterRoles and their bindings current:
 * lists them once, then follows the watch hub (as kube-apiserver's RBAC authorizer
 * reads from shared informers, never from etcd per request).
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { InMemoryRbacSource } from '../auth/rbac/index.js';
import type { ResourceRegistry } from '../resources/registry.js';
import type { WatchHub } from '../storage/watch-hub.js';

type RbacObject = ClusterRole | ClusterRoleBinding | Role | RoleBinding;

const KINDS: [resource: string, kind: string][] = [
  ['clusterroles', 'ClusterRole'],
  ['clusterrolebindings', 'ClusterRoleBinding'],
  ['roles', 'Role'],
  ['rolebindings', 'RoleBinding'],
];

export async function startRbacCache(registry: ResourceRegistry, hub: WatchHub): Promise<InMemoryRbacSource> {
  const source = new InMemoryRbacSource();
  for (const [resource, kind] of KINDS) {
    const store = registry.storeFor('rbac.authorization.k8s.io', resource);
    if (!store) throw new Error(`rbac cache: ${resource} not served`);
    const { items, resourceVersion } = await store.list(undefined);
    for (const o of items) source.upsert({ ...o, kind } as RbacObject);
    await hub.subscribe(store.prefix(), Number(resourceVersion), (events) => {
      for (const e of events) {
        if (e.type === 'DELETE') source.delete({ kind, metadata: e.object.metadata } as RbacObject);
        else source.upsert({ ...e.object, kind } as RbacObject);
      }
    }, () => {});
  }
  return source;
}
