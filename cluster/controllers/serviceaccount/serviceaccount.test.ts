import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { NAMESPACES, SERVICEACCOUNTS } from '../../client/index.js';
import { eventually, getOrUndefined, QUIET, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';
import { missingServiceAccounts, startServiceAccountController } from './controller.js';

test('missingServiceAccounts', () => {
  assert.deepEqual(missingServiceAccounts(['default', 'x'], [{ metadata: { name: 'x' } }]), ['default']);
  assert.deepEqual(missingServiceAccounts(['default'], [{ metadata: { name: 'default' } }]), []);
});

let h: Harness;
before(async () => {
  h = await startHarness(QUIET);
  await h.start(['service-account-controller', startServiceAccountController]);
});
after(async () => {
  await h?.stop();
});

test('every namespace gets a default ServiceAccount, recreated when deleted', async () => {
  await eventually(() => getOrUndefined(h.client.get<ServiceAccount>(SERVICEACCOUNTS, 'default', { namespace: 'kube-system' })), 'default SA in kube-system');
  await h.client.create<Namespace>(NAMESPACES, { metadata: { name: 'sa-test' } });
  const sa = await eventually(() => getOrUndefined(h.client.get<ServiceAccount>(SERVICEACCOUNTS, 'default', { namespace: 'sa-test' })), 'default SA in sa-test');
  await h.client.delete(SERVICEACCOUNTS, 'default', { namespace: 'sa-test' });
  await eventually(async () => {
    const again = await getOrUndefined(h.client.get<ServiceAccount>(SERVICEACCOUNTS, 'default', { namespace: 'sa-test' }));
    return again && again.metadata?.uid !== sa.metadata?.uid;
  }, 'default SA recreated');
});
