/**
 * The namespace controller against the real API server: a terminating namespace loses
 * its content (core, apps and custom resources), gets the deletion conditions, and is
 * finalized. A metadata finalizer of the test's own holds the namespace so the steps can
 * be observed; `kubectl delete namespace` then completes once the test lets go.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { CONFIGMAPS, DEPLOYMENTS, NAMESPACES } from '../../client/index.js';
import type { GVR } from '../../client/index.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import { startNamespaceController } from './controller.js';
import { eventually, getOrUndefined, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';

let h: Harness;
const WIDGETS: GVR = { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true };

before(async () => {
  h = await startHarness();
  await h.start(['namespace-controller', startNamespaceController]);
  await h.client.create(
    { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    } as never,
  );
  await eventually(() => h.client.request('GET', '/apis/example.com/v1').then(() => true), 'CRD served');
});

after(async () => {
  await h?.stop();
});

test('a terminating namespace loses all content, then its kubernetes finalizer', async () => {
  const ns = 'doomed';
  await h.client.create<Namespace>(NAMESPACES, { metadata: { name: ns, finalizers: ['test.kubarium.io/hold'] } });
  await h.client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'c1', namespace: ns }, data: { a: 'b' } });
  await h.client.create(DEPLOYMENTS, {
    metadata: { name: 'd1', namespace: ns },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  await h.client.create(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: ns } });

  await h.client.delete(NAMESPACES, ns);
  const finalized = await eventually(async () => {
    const cur = await h.client.get<Namespace>(NAMESPACES, ns);
    return !(cur.spec?.finalizers ?? []).includes('kubernetes') && cur;
  }, 'kubernetes finalizer removed');
  assert.equal(finalized.status?.phase, 'Terminating');
  const conds = finalized.status?.conditions ?? [];
  assert.equal(conds.length, 5);
  assert.equal(conds.find((c) => c.type === 'NamespaceContentRemaining')?.status, 'False');
  assert.equal((await h.client.list(CONFIGMAPS, { namespace: ns })).items.length, 0);
  assert.equal((await h.client.list(DEPLOYMENTS, { namespace: ns })).items.length, 0);
  assert.equal((await h.client.list(WIDGETS, { namespace: ns })).items.length, 0);

  await h.client.patch(NAMESPACES, ns, { metadata: { finalizers: null } });
  await eventually(async () => !(await getOrUndefined(h.client.get(NAMESPACES, ns))), 'namespace gone');
});

test('content with a finalizer keeps the namespace until the finalizer goes', async () => {
  const ns = 'held';
  await h.client.create<Namespace>(NAMESPACES, { metadata: { name: ns, finalizers: ['test.kubarium.io/hold'] } });
  await h.client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'c1', namespace: ns, finalizers: ['example.com/keep'] } });
  await h.client.delete(NAMESPACES, ns);
  const cur = await eventually(async () => {
    const n = await h.client.get<Namespace>(NAMESPACES, ns);
    const c = n.status?.conditions?.find((x) => x.type === 'NamespaceFinalizersRemaining');
    return c?.status === 'True' && n;
  }, 'NamespaceFinalizersRemaining=True');
  assert.ok(cur.spec?.finalizers?.includes('kubernetes'));
  assert.match(cur.status!.conditions!.find((x) => x.type === 'NamespaceContentRemaining')!.message!, /configmaps has 1 resource instances/);
  await h.client.patch(CONFIGMAPS, 'c1', { metadata: { finalizers: null } }, { namespace: ns });
  await eventually(async () => !(await h.client.get<Namespace>(NAMESPACES, ns)).spec?.finalizers?.includes('kubernetes'), 'finalized after content finalizer removed');
  await h.client.patch(NAMESPACES, ns, { metadata: { finalizers: null } });
});

test('kubectl delete namespace completes', async () => {
  const opts = { kubeconfig: h.cluster.kubeconfig };
  assert.equal((await runKubectl(['create', 'namespace', 'bye'], opts)).code, 0);
  assert.equal((await runKubectl(['-n', 'bye', 'create', 'configmap', 'x', '--from-literal=a=b'], opts)).code, 0);
  const del = await runKubectl(['delete', 'namespace', 'bye', '--timeout=30s'], opts);
  assert.equal(del.code, 0, del.stderr);
  await eventually(async () => !(await getOrUndefined(h.client.get(NAMESPACES, 'bye'))), 'namespace bye gone');
});
