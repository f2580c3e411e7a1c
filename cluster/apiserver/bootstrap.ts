/**
 * What kube-apiserver's post-start hooks create on a fresh store and keep in place:
 * the system namespaces, the `kubernetes` Service with the API server's endpoints,
 * the default RBAC policy (ClusterRoles and bindings marked autoupdate), and the
 * system PriorityClasses. Idempotent: existing objects are left as the user changed
 * them, except autoupdate RBAC defaults which are reconciled as upstream does.
 */
import { StatusError } from '../api/status.js';
import { bootstrapPolicy } from './auth/rbac/index.js';
import type { Strategy } from './handlers/context.js';
import type { ResourceRegistry } from './resources/registry.js';
import { jsonEqual, type KubeObject } from './storage/object.js';

export interface BootstrapOptions {
  registry: ResourceRegistry;
  strategy: Strategy;
  /** Address and port clients in the cluster reach the API server on (the `kubernetes` endpoints). */
  endpointIP: string;
  endpointPort: number;
  serviceIP: string;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(o: BootstrapOptions, group: string, resource: string, obj: KubeObject, reconcile = false): Promise<void> {
  const served = o.registry.all().find((s) => s.info.group === group && s.info.resource === resource && s.store);
  if (!served?.store) throw new Error(`bootstrap: ${resource} not served`);
  const ns = obj.metadata?.namespace;
  const existing = await served.store.tryGet(ns, obj.metadata!.name!);
  o.strategy.defaults(served, obj);
  if (!existing) {
    o.strategy.prepareForCreate(served, obj);
    try {
      await served.store.create(obj);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
    return;
  }
  if (!reconcile) return;
  await served.store.update(ns, obj.metadata!.name!, (cur) => {
    const next = { ...cur, ...Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'metadata')) };
    next.metadata = { ...cur.metadata, labels: { ...cur.metadata?.labels, ...obj.metadata?.labels }, annotations: { ...cur.metadata?.annotations, ...obj.metadata?.annotations } };
    return jsonEqual(next, cur) ? cur : next;
  });
}

export async function bootstrapCluster(o: BootstrapOptions): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(o, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  await ensure(o, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: o.serviceIP, clusterIPs: [o.serviceIP], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: o.endpointPort }], sessionAffinity: 'None' },
  });
  // The endpoint reconciler: the API server's own address behind the `kubernetes` Service.
  await ensure(
    o,
    '',
    'endpoints',
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: o.endpointIP }], ports: [{ name: 'https', port: o.endpointPort, protocol: 'TCP' }] }],
    },
    true,
  );
  await ensure(
    o,
    'discovery.k8s.io',
    'endpointslices',
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [o.endpointIP], conditions: { ready: true } }],
      ports: [{ name: 'https', port: o.endpointPort, protocol: 'TCP' }],
    },
    true,
  );
  const policy = bootstrapPolicy();
  for (const r of policy.clusterRoles) await ensure(o, 'rbac.authorization.k8s.io', 'clusterroles', r as unknown as KubeObject, true);
  for (const b of policy.clusterRoleBindings) await ensure(o, 'rbac.authorization.k8s.io', 'clusterrolebindings', b as unknown as KubeObject, true);
  for (const [name, value] of [
    ['system-node-critical', 2000001000],
    ['system-cluster-critical', 2000000000],
  ] as const) {
    await ensure(o, 'scheduling.k8s.io', 'priorityclasses', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      description: name === 'system-node-critical' ? 'Used for system critical pods that must not be moved from their current node.' : 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
      preemptionPolicy: 'PreemptLowerPriority',
    });
  }
}
