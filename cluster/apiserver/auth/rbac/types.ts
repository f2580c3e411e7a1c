import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';

/**
 * Read access to RBAC objects. The API server backs it with informer-style in-memory
 * caches; calls must be cheap and synchronous. If `revision()` is provided, the
 * authorizer rebuilds its indexes whenever the value changes; otherwise call
 * `RbacAuthorizer.invalidate()` after any RBAC object changes.
 */
export interface RbacSource {
  clusterRoles(): readonly ClusterRole[];
  clusterRoleBindings(): readonly ClusterRoleBinding[];
  roles(namespace: string): readonly Role[];
  roleBindings(namespace: string): readonly RoleBinding[];
  getClusterRole(name: string): ClusterRole | undefined;
  getRole(namespace: string, name: string): Role | undefined;
  /** Changes whenever any ClusterRole/ClusterRoleBinding/Role/RoleBinding changes (e.g. the latest resourceVersion seen). */
  revision?(): number | string;
}

/**
 * What a request wants to do, as upstream's authorizer.Attributes. A resource request has
 * `resource`; a non-resource request has only `path` (e.g. `/healthz`, `/apis`).
 * Verbs are the Kubernetes verbs (get/list/watch/create/update/patch/delete/deletecollection,
 * or impersonate/bind/escalate/approve/use…); for non-resource requests the lower-case HTTP method.
 */
export interface RequestAttributes {
  verb: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** Upstream-style explanation, e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`; empty on deny. */
  reason: string;
}

export function isResourceRequest(attrs: RequestAttributes): boolean {
  return attrs.resource !== undefined && attrs.resource !== '';
}
