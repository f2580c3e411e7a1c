import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLERS } from '../../../controllers/manager.js';
import type { UserInfo } from '../user.js';
import { RbacAuthorizer } from './authorizer.js';
import { bootstrapPolicy } from './bootstrap-policy.js';
import { CONTROLLER_SERVICE_ACCOUNTS } from './controller-policy.js';
import { InMemoryRbacSource } from './memory-source.js';

const policy = bootstrapPolicy();
const authz = new RbacAuthorizer(new InMemoryRbacSource([...policy.clusterRoles, ...policy.clusterRoleBindings]));
/** What the service-account token authenticator makes of kube-system/<name>. */
const sa = (name: string): UserInfo => ({
  name: `system:serviceaccount:kube-system:${name}`,
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
});
const can = (who: UserInfo, verb: string, apiGroup: string, resource: string, more: { subresource?: string; namespace?: string; name?: string } = {}) =>
  authz.authorize(who, { verb, apiGroup, resource, namespace: more.namespace ?? 'default', ...more }).allowed;

test('every controller the manager runs has a system:controller:<sa> role bound to kube-system/<sa>', () => {
  for (const c of CONTROLLERS) {
    assert.ok(CONTROLLER_SERVICE_ACCOUNTS.includes(c.serviceAccount), `${c.name} runs as ${c.serviceAccount}, which has no role`);
    const binding = policy.clusterRoleBindings.find((b) => b.metadata?.name === `system:controller:${c.serviceAccount}`);
    assert.deepEqual(binding?.subjects, [{ kind: 'ServiceAccount', name: c.serviceAccount, namespace: 'kube-system' }]);
    assert.equal(binding?.roleRef.name, `system:controller:${c.serviceAccount}`);
  }
});

test('controller roles grant what each loop writes and nothing wider', () => {
  assert.equal(can(sa('replicaset-controller'), 'create', '', 'pods'), true);
  assert.equal(can(sa('replicaset-controller'), 'update', 'apps', 'replicasets', { subresource: 'status' }), true);
  assert.equal(can(sa('replicaset-controller'), 'create', 'apps', 'deployments'), false);
  assert.equal(can(sa('deployment-controller'), 'create', 'apps', 'replicasets'), true);
  assert.equal(can(sa('deployment-controller'), 'create', '', 'pods'), false);
  assert.equal(can(sa('node-controller'), 'patch', '', 'nodes', { namespace: '' }), true);
  assert.equal(can(sa('disruption-controller'), 'get', 'apps', 'deployments', { subresource: 'scale' }), true);
  assert.equal(can(sa('namespace-controller'), 'deletecollection', 'apps', 'deployments'), true);
  assert.equal(can(sa('generic-garbage-collector'), 'delete', 'batch', 'jobs'), true);
  assert.equal(can(sa('root-ca-cert-publisher'), 'get', '', 'secrets'), false);
  for (const name of CONTROLLER_SERVICE_ACCOUNTS) {
    if (name === 'namespace-controller') continue; // upstream gives it no events rule
    assert.equal(can(sa(name), 'create', '', 'events'), true, `${name} records events`);
  }
  // Another namespace's service account of the same name gets nothing.
  const impostor: UserInfo = { name: 'system:serviceaccount:default:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] };
  assert.equal(can(impostor, 'create', '', 'pods'), false);
});

test('scheduler and controller manager identities work without system:masters', () => {
  const scheduler: UserInfo = { name: 'system:kube-scheduler', groups: ['system:authenticated'] };
  assert.equal(can(scheduler, 'create', '', 'pods', { subresource: 'binding' }), true);
  assert.equal(can(scheduler, 'patch', '', 'pods', { subresource: 'status' }), true);
  assert.equal(can(scheduler, 'watch', 'storage.k8s.io', 'storageclasses', { namespace: '' }), true, 'system:volume-scheduler');
  assert.equal(can(scheduler, 'update', 'coordination.k8s.io', 'leases', { namespace: 'kube-system', name: 'kube-scheduler' }), true);
  assert.equal(can(scheduler, 'update', 'coordination.k8s.io', 'leases', { namespace: 'kube-system', name: 'kube-controller-manager' }), false);
  assert.equal(can(scheduler, 'create', '', 'pods'), false);
  const kcm: UserInfo = { name: 'system:kube-controller-manager', groups: ['system:authenticated'] };
  assert.equal(can(kcm, 'watch', 'apps', 'deployments'), true, 'shared informers');
  assert.equal(can(kcm, 'create', '', 'pods'), false, 'writes go through the controllers’ own identities');
});
