import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { CONFIGMAPS, NAMESPACES } from '../../client/index.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import { eventually, getOrUndefined, QUIET, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';
import { desiredRootCAConfigMap, ROOT_CA_CONFIGMAP, startRootCACertController } from './controller.js';

test('desiredRootCAConfigMap keeps other metadata and is undefined when right', () => {
  const want = desiredRootCAConfigMap('ns', 'PEM')!;
  assert.deepEqual(want.data, { 'ca.crt': 'PEM' });
  assert.equal(desiredRootCAConfigMap('ns', 'PEM', want), undefined);
  const fixed = desiredRootCAConfigMap('ns', 'PEM', { ...want, metadata: { ...want.metadata, labels: { a: 'b' } }, data: { 'ca.crt': 'X' } })!;
  assert.deepEqual(fixed.metadata?.labels, { a: 'b' });
  assert.equal(fixed.data?.['ca.crt'], 'PEM');
});

let h: Harness;
before(async () => {
  h = await startHarness(QUIET);
  await h.start(['root-ca-cert-publisher', (ctx) => startRootCACertController(ctx, { caCert: h.caCert })]);
});
after(async () => {
  await h?.stop();
});

test('every namespace gets kube-root-ca.crt with the cluster CA, restored after edits and deletes', async () => {
  assert.match(h.caCert, /BEGIN CERTIFICATE/);
  await h.client.create<Namespace>(NAMESPACES, { metadata: { name: 'ca-test' } });
  const get = () => getOrUndefined(h.client.get<ConfigMap>(CONFIGMAPS, ROOT_CA_CONFIGMAP, { namespace: 'ca-test' }));
  const cm = await eventually(get, 'kube-root-ca.crt in ca-test');
  assert.equal(cm.data?.['ca.crt'], h.caCert);
  const viaKubectl = await runKubectl(['-n', 'default', 'get', 'configmap', ROOT_CA_CONFIGMAP, '-o', 'jsonpath={.data.ca\\.crt}'], { kubeconfig: h.cluster.kubeconfig });
  assert.equal(viaKubectl.stdout, h.caCert);
  await h.client.update<ConfigMap>(CONFIGMAPS, { ...cm, data: { 'ca.crt': 'tampered' } });
  await eventually(async () => (await get())?.data?.['ca.crt'] === h.caCert, 'ca.crt restored');
  await h.client.delete(CONFIGMAPS, ROOT_CA_CONFIGMAP, { namespace: 'ca-test' });
  await eventually(async () => (await get())?.data?.['ca.crt'] === h.caCert, 'configmap recreated');
});
