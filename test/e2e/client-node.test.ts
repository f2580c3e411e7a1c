/**
 * @kubernetes/client-node against Kubarium: typed CoreV1Api calls, a raw Watch, an
 * informer (list + watch + cache), and the KubernetesObjectApi's server-side apply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { eventually } from './helpers.js';

const NS = 'default';

describe('@kubernetes/client-node', () => {
  let cluster: LaunchedCluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  before(async () => {
    cluster = await launchCluster();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('lists namespaces', async () => {
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata?.name).sort();
    for (const n of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) assert.ok(names.includes(n), names.join(','));
    assert.ok(list.metadata?.resourceVersion);
    assert.equal(list.items.find((n) => n.metadata?.name === 'default')?.status?.phase, 'Active');
  });

  it('creates, reads, patches, replaces and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'cn-crud', labels: { from: 'client-node' } }, data: { a: '1' } },
    });
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    const read = await core.readNamespacedConfigMap({ name: 'cn-crud', namespace: NS });
    assert.deepEqual(read.data, { a: '1' });
    assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

    // The generated client sends JSON patch by default; merge patch through a header option.
    const jsonPatched = await core.patchNamespacedConfigMap({ name: 'cn-crud', namespace: NS, body: [{ op: 'add', path: '/data/b', value: '2' }] });
    assert.deepEqual(jsonPatched.data, { a: '1', b: '2' });
    const merged = await core.patchNamespacedConfigMap(
      { name: 'cn-crud', namespace: NS, body: { data: { a: null, c: '3' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { b: '2', c: '3' });

    const replaced = await core.replaceNamespacedConfigMap({ name: 'cn-crud', namespace: NS, body: { ...merged, data: { only: 'this' } } });
    assert.deepEqual(replaced.data, { only: 'this' });
    // A PUT carrying a stale resourceVersion is a 409 ApiException.
    await assert.rejects(
      core.replaceNamespacedConfigMap({ name: 'cn-crud', namespace: NS, body: { ...merged, data: { stale: 'yes' } } }),
      (err: unknown) => err instanceof k8s.ApiException && err.code === 409,
    );

    const listed = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'from=client-node' });
    assert.deepEqual(listed.items.map((c) => c.metadata?.name), ['cn-crud']);

    await core.deleteNamespacedConfigMap({ name: 'cn-crud', namespace: NS });
    await assert.rejects(core.readNamespacedConfigMap({ name: 'cn-crud', namespace: NS }), (err: unknown) => err instanceof k8s.ApiException && err.code === 404);
  });

  it('a Watch sees ADDED, MODIFIED and DELETED', async () => {
    const watch = new k8s.Watch(kc);
    const seen: string[] = [];
    let ended: unknown = 'open';
    const controller = await watch.watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      { labelSelector: 'watch=client-node' },
      (phase, obj: k8s.V1ConfigMap) => seen.push(`${phase} ${obj.metadata?.name} ${obj.data?.v ?? ''}`),
      (err) => (ended = err ?? null),
    );
    try {
      // The request is open once the server answered headers; create until the watch reports it.
      const body = { metadata: { name: 'cn-watched', labels: { watch: 'client-node' } }, data: { v: '1' } };
      await core.createNamespacedConfigMap({ namespace: NS, body });
      await eventually(() => seen.includes('ADDED cn-watched 1'), 'ADDED', 10_000);
      await core.patchNamespacedConfigMap(
        { name: 'cn-watched', namespace: NS, body: { data: { v: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually(() => seen.includes('MODIFIED cn-watched 2'), 'MODIFIED', 10_000);
      await core.deleteNamespacedConfigMap({ name: 'cn-watched', namespace: NS });
      await eventually(() => seen.includes('DELETED cn-watched 2'), 'DELETED', 10_000);
      assert.deepEqual(seen, ['ADDED cn-watched 1', 'MODIFIED cn-watched 2', 'DELETED cn-watched 2']);
      assert.equal(ended, 'open');
    } finally {
      controller.abort();
    }
  });

  it('an informer lists, then follows add/update/delete', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-pre', labels: { inf: 'yes' } }, data: { v: '0' } } });
    const informer = k8s.makeInformer<k8s.V1ConfigMap>(
      kc,
      `/api/v1/namespaces/${NS}/configmaps`,
      () => core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'inf=yes' }),
      'inf=yes',
    );
    const events: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    try {
      // The initial list fills the cache and reports the existing object as added.
      await eventually(() => informer.get('inf-pre', NS) !== undefined, 'the listed object in the cache');
      assert.ok(events.includes('add inf-pre'), events.join('; '));

      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-new', labels: { inf: 'yes' } }, data: { v: '1' } } });
      await eventually(() => informer.get('inf-new', NS)?.data?.v === '1', 'inf-new in the cache');
      await core.patchNamespacedConfigMap(
        { name: 'inf-new', namespace: NS, body: { data: { v: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually(() => events.includes('update inf-new 2'), 'the update event');
      assert.equal(informer.get('inf-new', NS)?.data?.v, '2');
      await core.deleteNamespacedConfigMap({ name: 'inf-pre', namespace: NS });
      await eventually(() => events.includes('delete inf-pre'), 'the delete event');
      assert.equal(informer.get('inf-pre', NS), undefined);
      assert.deepEqual(informer.list(NS).map((o) => o.metadata?.name), ['inf-new']);
      // An object outside the label selector never enters the cache.
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-other' }, data: { v: 'x' } } });
      await core.patchNamespacedConfigMap(
        { name: 'inf-new', namespace: NS, body: { data: { v: '3' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually(() => events.includes('update inf-new 3'), 'the second update');
      assert.equal(informer.get('inf-other', NS), undefined);
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });

  it('KubernetesObjectApi: server-side apply and generic read', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn-ssa', namespace: NS }, data: { k: 'v' } };
    const applied = await objects.patch(spec, undefined, undefined, 'client-node-e2e', true, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual((applied as k8s.V1ConfigMap).data, { k: 'v' });
    const read = (await objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn-ssa', namespace: NS } })) as k8s.V1ConfigMap;
    assert.ok(read.metadata?.managedFields?.some((f) => f.manager === 'client-node-e2e' && f.operation === 'Apply'), JSON.stringify(read.metadata?.managedFields));
  });
});
