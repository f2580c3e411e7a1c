/**
 * Realistic large inputs for the renderer's heavy computations (issue #5), generated in the page:
 * a pod log of N lines (klog-style, with timestamps), a ConfigMap of ~1 MiB (config files as
 * multi-line values, managedFields like the API server stamps), store keys as a cluster with
 * thousands of objects has them, and the trace inputs of a Deployment scaled to N replicas
 * (each pod created, bound, its status written twice by the kubelet, four Events, the store feed).
 */

/** An API object as JSON (structurally the renderer's ApiObject; this file imports nothing, so the bench page and Node's bench/ui/heavy-app.ts both use it). */
export interface FixtureObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}
interface StoreEvent {
  type: 'PUT' | 'DELETE';
  key: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
  size: number;
  prevModRevision: number;
}
/** Structurally the renderer's TraceInput (lib/trace). */
export type FixtureTraceInput = { t: number; watch: { type: 'ADDED' | 'MODIFIED'; object: FixtureObject } } | { t: number; store: StoreEvent[] };

export function logLines(n: number): string[] {
  const out: string[] = [];
  const t0 = Date.parse('2026-11-23T10:00:00Z');
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + i * 7).toISOString();
    out.push(`${ts} I1123 10:00:00.000000       1 controller.go:${100 + (i % 400)}] "Reconciled object" object="default/web-${i % 5000}" revision=${i} duration="${i % 97}ms" worker=${i % 8}`);
  }
  return out;
}

export function bigConfigMap(bytes: number): FixtureObject {
  const data: Record<string, string> = {};
  let size = 0;
  for (let file = 0; size < bytes; file++) {
    const lines: string[] = [];
    for (let l = 0; l < 2000 && size < bytes; l++) {
      const line = `setting_${file}_${l} = "value-${l}" # option ${l} of section ${file}, default ${l % 7 === 0 ? 'true' : l}`;
      lines.push(line);
      size += line.length + 1;
    }
    data[`app-${file}.conf`] = lines.join('\n') + '\n';
  }
  const time = '2026-11-23T10:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'big-config',
      namespace: 'default',
      uid: '6f1c1a7e-0000-4000-8000-000000000001',
      resourceVersion: '4242',
      creationTimestamp: time,
      labels: { app: 'web', tier: 'frontend' },
      managedFields: [{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': Object.fromEntries(Object.keys(data).map((k) => [`f:${k}`, {}])) } }],
    },
    data,
  };
}

const RESOURCES = ['pods', 'events', 'replicasets', 'deployments', 'services', 'endpointslices', 'configmaps', 'secrets', 'leases', 'serviceaccounts'];

export function storeKeys(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const resource = RESOURCES[i % RESOURCES.length];
    const ns = `team-${(i >> 4) % 25}`;
    out.push(resource === 'leases' ? `/registry/leases/kube-node-lease/hollow-node-${i}` : `/registry/${resource}/${ns}/${resource.slice(0, 3)}-${i}`);
  }
  return out;
}

/** What the trace store records while a Deployment `web` goes to `replicas` pods on 100 nodes. */
export function traceInputs(replicas: number): { inputs: FixtureTraceInput[]; since: number } {
  const inputs: FixtureTraceInput[] = [];
  let rv = 1000;
  let t = Date.parse('2026-11-23T10:00:00Z');
  const since = rv;
  const iso = () => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
  const mf = (manager: string, subresource?: string) => ({ manager, operation: 'Update', apiVersion: 'v1', time: iso(), fieldsType: 'FieldsV1', ...(subresource ? { subresource } : {}) });
  const store = (key: string, type: 'PUT' | 'DELETE' = 'PUT'): StoreEvent => ({ type, key, createRevision: rv, modRevision: rv, version: 1, lease: 0, size: 2048, prevModRevision: 0 });
  const push = (object: FixtureObject, type: 'ADDED' | 'MODIFIED', key: string) => {
    rv++;
    t += 1;
    object.metadata = { ...object.metadata, resourceVersion: String(rv) };
    inputs.push({ t, store: [store(key)] });
    inputs.push({ t, watch: { type, object } });
  };
  const dep: FixtureObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'dep-uid', managedFields: [mf('kubectl-client-side-apply')] }, spec: { replicas, selector: { matchLabels: { app: 'web' } } } };
  push(dep, 'ADDED', '/registry/deployments/default/web');
  const rs: FixtureObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d9c', namespace: 'default', uid: 'rs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'dep-uid', controller: true }], managedFields: [mf('kube-controller-manager')] }, spec: { replicas } };
  push(rs, 'ADDED', '/registry/replicasets/default/web-5d9c');
  const event = (reason: string, component: string, involved: { kind: string; name: string; uid: string }, host?: string) => {
    rv++;
    const uid = `ev-${rv}`;
    inputs.push({ t, watch: { type: 'ADDED', object: { apiVersion: 'v1', kind: 'Event', metadata: { name: `${involved.name}.${rv}`, namespace: 'default', uid, resourceVersion: String(rv) }, involvedObject: { ...involved, namespace: 'default' }, reason, message: `${reason} ${involved.name}`, source: { component, host }, count: 1, type: 'Normal' } } });
  };
  for (let i = 0; i < replicas; i++) {
    const name = `web-5d9c-${i.toString(36).padStart(5, '0')}`;
    const uid = `pod-uid-${i}`;
    const key = `/registry/pods/default/${name}`;
    const node = `hollow-node-${i % 100}`;
    const base = { name, namespace: 'default', uid, labels: { app: 'web', 'pod-template-hash': '5d9c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9c', uid: 'rs-uid', controller: true }] };
    const spec = { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }], restartPolicy: 'Always', schedulerName: 'default-scheduler' };
    push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...base, managedFields: [mf('kube-controller-manager')] }, spec, status: { phase: 'Pending' } }, 'ADDED', key);
    event('SuccessfulCreate', 'replicaset-controller', { kind: 'ReplicaSet', name: 'web-5d9c', uid: 'rs-uid' });
    push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...base, managedFields: [mf('kube-controller-manager')] }, spec: { ...spec, nodeName: node }, status: { phase: 'Pending' } }, 'MODIFIED', key);
    event('Scheduled', 'default-scheduler', { kind: 'Pod', name, uid });
    t += 5;
    push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...base, managedFields: [mf('kube-controller-manager'), mf('kubelet', 'status')] }, spec: { ...spec, nodeName: node }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } }, 'MODIFIED', key);
    for (const reason of ['Pulled', 'Created', 'Started']) event(reason, 'kubelet', { kind: 'Pod', name, uid }, node);
    t += 5;
    push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...base, managedFields: [mf('kube-controller-manager'), mf('kubelet', 'status')] }, spec: { ...spec, nodeName: node }, status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] } }, 'MODIFIED', key);
  }
  return { inputs, since };
}

/** A CustomResourceDefinition of about `bytes` of JSON: a deep openAPIV3Schema, as prometheus-operator's CRDs have. */
export function bigCrd(bytes: number): FixtureObject {
  let size = 0;
  const schema = (depth: number, breadth: number): Record<string, unknown> => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < breadth && size < bytes; i++) {
      const name = `field${depth}x${i}`;
      size += 160;
      properties[name] =
        depth > 0 && i % 3 === 0
          ? { type: 'object', description: `The ${name} settings of this resource, as the operator reads them.`, ...schema(depth - 1, breadth) }
          : { type: i % 2 ? 'string' : 'integer', description: `The ${name} value; see the operator's documentation for defaults.`, format: i % 2 ? undefined : 'int32' };
    }
    return { properties, required: Object.keys(properties).slice(0, 2) };
  };
  const versions = [];
  while (size < bytes) versions.push({ name: `v1alpha${versions.length + 1}`, served: true, storage: versions.length === 0, schema: { openAPIV3Schema: { type: 'object', ...schema(4, 12) } } });
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'monitors.example.com', uid: 'crd-uid', resourceVersion: '77' }, spec: { group: 'example.com', names: { kind: 'Monitor', plural: 'monitors' }, scope: 'Namespaced', versions } };
}
