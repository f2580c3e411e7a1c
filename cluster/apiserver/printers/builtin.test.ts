import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Endpoints, Event, Node, Service } from 'kubernetes-types/core/v1.js';
import { BUILTIN_RESOURCES } from '../resources/catalog.js';
import type { ResourceInfo } from '../resources/catalog.js';
import { printTable } from './builtin.js';
import { parseIncludeObject } from './table.js';
import type { PrintOptions, Table } from './table.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function info(group: string, resource: string): ResourceInfo {
  const r = BUILTIN_RESOURCES.find((x) => x.group === group && x.resource === resource);
  assert.ok(r, `${group}/${resource} in catalog`);
  return r;
}

const opts: PrintOptions = { includeObject: 'None', withColumns: true, now: NOW };
const print = (group: string, resource: string, objs: object[]): Table => printTable(info(group, resource), objs, opts);
const header = (t: Table) => t.columnDefinitions?.map((c) => (c.priority > 0 ? `${c.name}*` : c.name));

const node = (name: string, extra: { labels?: Record<string, string>; ready?: string; unschedulable?: boolean } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: extra.labels, creationTimestamp: ago(12 * DAY), resourceVersion: '7' },
  spec: { unschedulable: extra.unschedulable },
  status: {
    conditions: extra.ready === undefined ? [] : [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: extra.ready }],
    addresses: [
      { type: 'InternalIP', address: '172.18.0.2' },
      { type: 'Hostname', address: name },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.34.0',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      kernelVersion: '6.8.0-45-generic',
      containerRuntimeVersion: 'containerd://2.1.4',
      architecture: 'amd64',
      bootID: '',
      kubeProxyVersion: '',
      machineID: '',
      operatingSystem: 'linux',
      systemUUID: '',
    },
  },
});

test('table envelope: kind, RV, continue, headers only when asked, includeObject variants', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', resourceVersion: '12', uid: 'u1', labels: { a: 'b' }, creationTimestamp: ago(DAY) }, status: { phase: 'Active' } };
  const meta = printTable(info('', 'namespaces'), [ns], { includeObject: 'Metadata', withColumns: true, now: NOW, resourceVersion: '99', continueToken: 'abc' });
  assert.equal(meta.kind, 'Table');
  assert.equal(meta.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(meta.metadata, { resourceVersion: '99', continue: 'abc' });
  assert.deepEqual(header(meta), ['Name', 'Status', 'Age']);
  assert.deepEqual(meta.rows[0].cells, ['default', 'Active', '24h']);
  assert.deepEqual(meta.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: ns.metadata });

  const full = printTable(info('', 'namespaces'), [ns], { includeObject: 'Object', withColumns: false, now: NOW });
  assert.equal(full.columnDefinitions, null);
  assert.equal(full.rows[0].object, ns);
  assert.deepEqual(full.metadata, {});

  const none = printTable(info('', 'namespaces'), [ns], { includeObject: 'None', withColumns: true, now: NOW, groupVersion: 'meta.k8s.io/v1beta1' });
  assert.equal(none.apiVersion, 'meta.k8s.io/v1beta1');
  assert.equal('object' in none.rows[0], false);
  // The whole thing is plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(meta)), meta);
});

test('parseIncludeObject defaults to Metadata and rejects unknown values with 400', () => {
  assert.equal(parseIncludeObject(undefined), 'Metadata');
  assert.equal(parseIncludeObject(''), 'Metadata');
  assert.equal(parseIncludeObject('Object'), 'Object');
  assert.equal(parseIncludeObject('None'), 'None');
  assert.throws(() => parseIncludeObject('Everything'), (e: { code?: number }) => e.code === 400);
});

test('nodes: status, roles, version and wide columns', () => {
  const t = print('', 'nodes', [
    node('cp', { ready: 'True', labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' } }),
    node('w1', { ready: 'True', unschedulable: true, labels: { 'kubernetes.io/role': 'worker' } }),
    node('w2', { ready: 'False' }),
    node('w3'),
  ]);
  assert.deepEqual(header(t), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']);
  assert.deepEqual(t.rows[0].cells, ['cp', 'Ready', 'control-plane,master', '12d', 'v1.34.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0-45-generic', 'containerd://2.1.4']);
  assert.deepEqual(t.rows[1].cells.slice(1, 3), ['Ready,SchedulingDisabled', 'worker']);
  assert.deepEqual(t.rows[2].cells.slice(1, 3), ['NotReady', '<none>']);
  assert.equal(t.rows[3].cells[1], 'Unknown');
});

const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: ago(5 * MIN + 30_000) },
  spec,
  status,
});

test('services: type, cluster IP, external IP, ports and selector', () => {
  const t = print('', 'services', [
    svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] }),
    svc('web', { type: 'NodePort', clusterIPs: ['10.96.12.7'], selector: { tier: 'front', app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }),
    svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }),
    svc('lb2', { type: 'LoadBalancer', clusterIPs: ['10.96.3.4'], externalIPs: ['192.0.2.10'], ports: [{ port: 80 }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } }),
    svc('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' } }),
    svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
  ]);
  assert.deepEqual(header(t), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
  assert.deepEqual(t.rows[0].cells, ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '5m30s', '<none>']);
  assert.deepEqual(t.rows[1].cells, ['web', 'NodePort', '10.96.12.7', '<none>', '80:30080/TCP,53/UDP', '5m30s', 'app=web,tier=front']);
  assert.deepEqual(t.rows[2].cells.slice(1, 5), ['LoadBalancer', '10.96.3.3', '<pending>', '443:31443/TCP']);
  assert.equal(t.rows[3].cells[3], '203.0.113.9,lb.example.com,192.0.2.10');
  assert.deepEqual(t.rows[4].cells.slice(1, 5), ['ClusterIP', 'None', '<none>', '<none>']);
  assert.deepEqual(t.rows[5].cells.slice(1, 5), ['ExternalName', '<none>', 'example.com', '<none>']);
});

test('endpoints list the first three addresses', () => {
  const ep: Endpoints = {
    metadata: { name: 'web', creationTimestamp: ago(MIN) },
    subsets: [{ addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.1.3' }], ports: [{ port: 8080 }, { port: 9090, name: 'metrics' }] }],
  };
  const empty: Endpoints = { metadata: { name: 'none', creationTimestamp: ago(MIN) } };
  const t = print('', 'endpoints', [ep, empty]);
  assert.deepEqual(t.rows[0].cells, ['web', '10.244.1.2:8080,10.244.1.3:8080,10.244.1.2:9090 + 1 more...', '60s']);
  assert.equal(t.rows[1].cells[1], '<none>');
});

test('deployments: READY x/y, up-to-date, available, wide containers/images/selector', () => {
  const d: Deployment = {
    metadata: { name: 'web', creationTimestamp: ago(2 * DAY + 3 * HOUR) },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }] },
      template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'fluent-bit:3' }] } },
    },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  const t = print('apps', 'deployments', [d, { metadata: { name: 'empty', creationTimestamp: ago(MIN) }, spec: { selector: {}, template: {} } } as Deployment]);
  assert.deepEqual(header(t), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(t.rows[0].cells, ['web', '2/3', 3, 2, '2d3h', 'nginx,log', 'nginx:1.27,fluent-bit:3', 'app=web,env in (canary,prod)']);
  assert.deepEqual(t.rows[1].cells, ['empty', '0/1', 0, 0, '60s', '', '', '']);
});

test('replicasets, statefulsets and daemonsets', () => {
  const rs = print('apps', 'replicasets', [
    { metadata: { name: 'web-5d8f', creationTimestamp: ago(HOUR) }, spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } }, status: { replicas: 2, readyReplicas: 1 } },
  ]);
  assert.deepEqual(rs.rows[0].cells, ['web-5d8f', 2, 2, 1, '60m', 'nginx', 'nginx', 'app=web,pod-template-hash=5d8f']);
  const sts = print('apps', 'statefulsets', [{ metadata: { name: 'db', creationTimestamp: ago(HOUR) }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'pg', image: 'postgres:17' }] } } }, status: { readyReplicas: 3 } }]);
  assert.deepEqual(sts.rows[0].cells, ['db', '3/3', '60m', 'pg', 'postgres:17']);
  const ds = print('apps', 'daemonsets', [
    {
      metadata: { name: 'kube-proxy', creationTimestamp: ago(HOUR) },
      spec: { selector: { matchLabels: { k8s_app: 'kube-proxy' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'kube-proxy:v1.34.0' }] } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 },
    },
  ]);
  assert.deepEqual(ds.rows[0].cells, ['kube-proxy', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60m', 'kube-proxy', 'kube-proxy:v1.34.0', 'k8s_app=kube-proxy']);
});

const job = (name: string, spec: Job['spec'], status: Job['status'], deleting = false): Job => ({
  metadata: { name, creationTimestamp: ago(10 * MIN), deletionTimestamp: deleting ? ago(MIN) : undefined },
  spec: { ...spec!, template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
  status,
});

test('jobs: status, completions, duration and wide columns', () => {
  const t = print('batch', 'jobs', [
    job('done', { completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: {} }, {
      succeeded: 1,
      startTime: ago(10 * MIN),
      completionTime: ago(10 * MIN - 12_000),
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True' },
        { type: 'Complete', status: 'True' },
      ],
    }),
    job('work', { parallelism: 3, template: {} }, { active: 3, startTime: ago(4 * MIN + 5_000) }),
    job('single', { template: {} }, {}),
    job('bad', { completions: 3, template: {} }, { failed: 7, succeeded: 1, startTime: ago(5 * MIN), completionTime: ago(MIN), conditions: [{ type: 'Failed', status: 'True' }] }),
    job('paused', { completions: 2, suspend: true, template: {} }, { conditions: [{ type: 'Suspended', status: 'True' }] }),
    job('going', { completions: 2, template: {} }, { startTime: ago(MIN) }, true),
  ]);
  assert.deepEqual(header(t), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(t.rows[0].cells, ['done', 'Complete', '1/1', '12s', '10m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc']);
  assert.deepEqual(t.rows[1].cells.slice(1, 4), ['Running', '0/1 of 3', '4m5s']);
  assert.deepEqual(t.rows[2].cells.slice(1, 4), ['Running', '0/1', '']);
  assert.deepEqual(t.rows[3].cells.slice(1, 4), ['Failed', '1/3', '4m']);
  assert.deepEqual(t.rows[4].cells.slice(1, 3), ['Suspended', '0/2']);
  assert.equal(t.rows[5].cells[1], 'Terminating');
  assert.equal(t.rows[5].cells[7], '<none>');
});

test('cronjobs', () => {
  const t = print('batch', 'cronjobs', [
    {
      metadata: { name: 'backup', creationTimestamp: ago(3 * DAY) },
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'restic' }] } } } } },
      status: { active: [{ name: 'backup-1' }], lastScheduleTime: ago(2 * MIN) },
    },
  ]);
  assert.deepEqual(header(t), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(t.rows[0].cells, ['backup', '*/5 * * * *', '<none>', 'False', 1, '2m', '3d', 'b', 'restic', '<none>']);
});

test('events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE and wide extras', () => {
  const ev: Event = {
    metadata: { name: 'web-1.17f', namespace: 'default', creationTimestamp: ago(3 * MIN) },
    involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx"\n',
    type: 'Normal',
    source: { component: 'kubelet', host: 'kubarium-worker' },
    firstTimestamp: ago(3 * MIN),
    lastTimestamp: ago(MIN),
    count: 4,
  };
  const fresh: Event = {
    metadata: { name: 'x.1', creationTimestamp: ago(20_000) },
    involvedObject: { kind: 'Node', name: '' },
    reason: 'Starting',
    type: 'Normal',
    eventTime: '2025-03-01T11:59:40.000000Z',
    reportingComponent: 'kube-proxy',
    reportingInstance: 'kube-proxy-node1',
  };
  const t = print('', 'events', [ev, fresh]);
  assert.deepEqual(header(t), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
  assert.deepEqual(t.rows[0].cells, ['60s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'kubelet, kubarium-worker', 'Successfully pulled image "nginx"', '3m', 4, 'web-1.17f']);
  assert.deepEqual(t.rows[1].cells, ['20s', 'Normal', 'Starting', 'node', '', 'kube-proxy, kube-proxy-node1', '', '20s', 1, 'x.1']);

  const v1 = printTable(info('events.k8s.io', 'events'), [
    { metadata: { name: 'e' }, regarding: { kind: 'Deployment', name: 'web' }, reason: 'ScalingReplicaSet', note: 'Scaled up', type: 'Normal', eventTime: ago(HOUR), reportingController: 'deployment-controller', reportingInstance: '', series: { count: 3, lastObservedTime: ago(2 * MIN) } },
  ], opts);
  assert.deepEqual(v1.rows[0].cells, ['2m', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '60m', 3, 'e']);
});

test('resources without an upstream printer get Name / Created At', () => {
  for (const [g, r] of [
    ['rbac.authorization.k8s.io', 'clusterroles'],
    ['rbac.authorization.k8s.io', 'roles'],
    ['', 'limitranges'],
    ['apiextensions.k8s.io', 'customresourcedefinitions'],
  ]) {
    const t = print(g, r, [{ metadata: { name: 'x', creationTimestamp: '2024-05-06T07:08:09Z' } }, { metadata: { name: 'y' } }]);
    assert.deepEqual(
      t.columnDefinitions?.map((c) => [c.name, c.type, c.format]),
      [
        ['Name', 'string', 'name'],
        ['Created At', 'date', ''],
      ],
    );
    assert.deepEqual(t.rows[0].cells, ['x', '2024-05-06T07:08:09Z']);
    assert.deepEqual(t.rows[1].cells, ['y', '0001-01-01T00:00:00Z']);
  }
});

test('rbac bindings: ROLE and wide USERS, GROUPS, SERVICEACCOUNTS', () => {
  const t = print('rbac.authorization.k8s.io', 'clusterrolebindings', [
    {
      metadata: { name: 'admins', creationTimestamp: ago(DAY) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'system:masters' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
      ],
    },
  ]);
  assert.deepEqual(header(t), ['Name', 'Role', 'Age', 'Users*', 'Groups*', 'ServiceAccounts*']);
  assert.deepEqual(t.rows[0].cells, ['admins', 'ClusterRole/cluster-admin', '24h', 'alice, bob', 'system:masters', 'tools/ci']);
});

test('configmaps, secrets, serviceaccounts, pvcs, storage classes, leases, pdbs, csrs, hpas, ingresses', () => {
  const c = (o: object) => ({ ...o, metadata: { name: 'x', creationTimestamp: ago(MIN), ...(o as { metadata?: object }).metadata } });
  assert.deepEqual(print('', 'configmaps', [c({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })]).rows[0].cells, ['x', 3, '60s']);
  assert.deepEqual(print('', 'secrets', [c({ type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } })]).rows[0].cells, ['x', 'kubernetes.io/tls', 2, '60s']);
  assert.deepEqual(print('', 'serviceaccounts', [c({})]).rows[0].cells, ['x', 0, '60s']);
  assert.deepEqual(
    print('', 'persistentvolumeclaims', [c({ spec: { volumeName: 'pv-1', storageClassName: 'standard', accessModes: ['ReadWriteOnce'] }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'] } })]).rows[0].cells,
    ['x', 'Bound', 'pv-1', '1Gi', 'RWO,RWOP', 'standard', '<unset>', '60s', '<unset>'],
  );
  assert.deepEqual(
    print('storage.k8s.io', 'storageclasses', [c({ metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' })]).rows[0].cells,
    ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '60s'],
  );
  assert.deepEqual(print('coordination.k8s.io', 'leases', [c({ spec: { holderIdentity: 'node-1' } })]).rows[0].cells, ['x', 'node-1', '60s']);
  assert.deepEqual(print('policy', 'poddisruptionbudgets', [c({ spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } })]).rows[0].cells, ['x', '50%', 'N/A', 1, '60s']);
  assert.deepEqual(
    print('certificates.k8s.io', 'certificatesigningrequests', [c({ spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'alice', expirationSeconds: 86400, request: '', usages: [] }, status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' } })]).rows[0].cells,
    ['x', '60s', 'kubernetes.io/kube-apiserver-client', 'alice', '24h', 'Approved,Issued'],
  );
  assert.deepEqual(
    print('autoscaling', 'horizontalpodautoscalers', [
      c({
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
        status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] },
      }),
    ]).rows[0].cells,
    ['x', 'Deployment/web', 'cpu: 35%/80%', '1', 5, 2, '60s'],
  );
  assert.deepEqual(
    print('networking.k8s.io', 'ingresses', [c({ spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] }, status: { loadBalancer: { ingress: [{ ip: '172.18.0.5' }] } } })]).rows[0].cells,
    ['x', 'nginx', 'a.example.com,b.example.com', '172.18.0.5', '80, 443', '60s'],
  );
  assert.deepEqual(
    print('apps', 'controllerrevisions', [c({ metadata: { name: 'web-7f9', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2 })]).rows[0].cells,
    ['web-7f9', 'statefulset.apps/web', 2, '60s'],
  );
});

test('every catalog resource prints without throwing, with one cell per column', () => {
  for (const r of BUILTIN_RESOURCES) {
    const t = printTable(r, [{ metadata: { name: 'x' } }, {}], opts);
    for (const row of t.rows) assert.equal(row.cells.length, t.columnDefinitions!.length, `${r.group}/${r.resource}`);
  }
});
