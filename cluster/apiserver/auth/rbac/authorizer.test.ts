import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { UserInfo } from '../user.js';
import { RbacAuthorizer } from './authorizer.js';
import { InMemoryRbacSource } from './memory-source.js';
import { bootstrapPolicy, nodeBootstrapBindings } from './bootstrap-policy.js';
import { selfSubjectRulesReviewStatus, subjectAccessReviewStatus, userFromSubjectAccessReviewSpec } from './reviews.js';
import type { RequestAttributes } from './types.js';

const G = 'rbac.authorization.k8s.io';

function clusterBinding(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: role }, subjects };
}
function roleBinding(ns: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]): RoleBinding {
  return { apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: G, ...ref }, subjects };
}
const userSubject = (name: string): Subject => ({ apiGroup: G, kind: 'User', name });
const authed = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

function setup(extra: Array<ClusterRole | ClusterRoleBinding | Role | RoleBinding> = []): { source: InMemoryRbacSource; authz: RbacAuthorizer } {
  const policy = bootstrapPolicy();
  const source = new InMemoryRbacSource([...policy.clusterRoles, ...policy.clusterRoleBindings, ...extra]);
  return { source, authz: new RbacAuthorizer(source) };
}

const res = (verb: string, apiGroup: string, resource: string, namespace = 'default', more: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  apiGroup,
  resource,
  namespace,
  ...more,
});

describe('RBAC authorizer', () => {
  test('view can read pods and deployments but not secrets, and cannot write', () => {
    const { authz } = setup([clusterBinding('viewers', 'view', [userSubject('vera')])]);
    const vera = authed('vera');
    assert.equal(authz.authorize(vera, res('get', '', 'pods')).allowed, true);
    assert.equal(authz.authorize(vera, res('list', 'apps', 'deployments')).allowed, true);
    assert.equal(authz.authorize(vera, res('get', '', 'pods', 'default', { subresource: 'log' })).allowed, true);
    assert.equal(authz.authorize(vera, res('get', '', 'secrets')).allowed, false);
    assert.equal(authz.authorize(vera, res('create', 'apps', 'deployments')).allowed, false);
    assert.equal(authz.authorize(vera, res('create', '', 'pods', 'default', { subresource: 'exec' })).allowed, false);
    assert.equal(
      authz.authorize(vera, res('get', '', 'pods')).reason,
      'RBAC: allowed by ClusterRoleBinding "viewers" of ClusterRole "view" to User "vera"',
    );
  });

  test('edit can create deployments and read secrets, but not manage RBAC; admin can', () => {
    const { authz } = setup([clusterBinding('editors', 'edit', [userSubject('ed')]), clusterBinding('admins', 'admin', [userSubject('ada')])]);
    const ed = authed('ed');
    assert.equal(authz.authorize(ed, res('create', 'apps', 'deployments')).allowed, true);
    assert.equal(authz.authorize(ed, res('patch', 'apps', 'deployments', 'default', { subresource: 'scale' })).allowed, true);
    assert.equal(authz.authorize(ed, res('get', '', 'secrets')).allowed, true);
    assert.equal(authz.authorize(ed, res('create', '', 'pods', 'default', { subresource: 'exec' })).allowed, true);
    assert.equal(authz.authorize(ed, res('create', G, 'rolebindings')).allowed, false);
    const ada = authed('ada');
    assert.equal(authz.authorize(ada, res('create', G, 'rolebindings')).allowed, true);
    assert.equal(authz.authorize(ada, res('create', 'apps', 'deployments')).allowed, true, 'admin includes edit');
    assert.equal(authz.authorize(ada, res('list', '', 'pods')).allowed, true, 'admin includes view');
    assert.equal(authz.authorize(ada, res('create', '', 'nodes', '')).allowed, false);
  });

  test('a namespaced RoleBinding only grants in its namespace', () => {
    const { authz } = setup([roleBinding('dev', 'alice-edit', { kind: 'ClusterRole', name: 'edit' }, [userSubject('alice')])]);
    const alice = authed('alice');
    assert.equal(authz.authorize(alice, res('create', 'apps', 'deployments', 'dev')).allowed, true);
    assert.equal(authz.authorize(alice, res('create', 'apps', 'deployments', 'prod')).allowed, false);
    assert.equal(authz.authorize(alice, res('list', 'apps', 'deployments', '')).allowed, false, 'not across all namespaces');
    assert.equal(
      authz.authorize(alice, res('create', 'apps', 'deployments', 'dev')).reason,
      'RBAC: allowed by RoleBinding "dev/alice-edit" of ClusterRole "edit" to User "alice"',
    );
  });

  test('resourceNames restrict to the named objects', () => {
    const role: Role = {
      apiVersion: `${G}/v1`,
      kind: 'Role',
      metadata: { name: 'one-config', namespace: 'dev' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'], verbs: ['get', 'update'] }],
    };
    const { authz } = setup([role, roleBinding('dev', 'cfg', { kind: 'Role', name: 'one-config' }, [userSubject('carl')])]);
    const carl = authed('carl');
    assert.equal(authz.authorize(carl, res('get', '', 'configmaps', 'dev', { name: 'app-config' })).allowed, true);
    assert.equal(authz.authorize(carl, res('get', '', 'configmaps', 'dev', { name: 'other' })).allowed, false);
    assert.equal(authz.authorize(carl, res('list', '', 'configmaps', 'dev')).allowed, false);
    assert.equal(authz.authorize(carl, res('get', '', 'configmaps', 'other-ns', { name: 'app-config' })).allowed, false);
  });

  test('service-account subjects, including the binding namespace default', () => {
    const { authz } = setup([
      roleBinding('ci', 'runner', { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'ServiceAccount', name: 'runner' }]),
      clusterBinding('sa-view', 'view', [{ kind: 'ServiceAccount', name: 'watcher', namespace: 'mon' }]),
    ]);
    const runner = authed('system:serviceaccount:ci:runner', 'system:serviceaccounts', 'system:serviceaccounts:ci');
    assert.equal(authz.authorize(runner, res('create', 'batch', 'jobs', 'ci')).allowed, true);
    assert.equal(authz.authorize(authed('system:serviceaccount:other:runner'), res('create', 'batch', 'jobs', 'ci')).allowed, false);
    const watcher = authed('system:serviceaccount:mon:watcher');
    assert.equal(authz.authorize(watcher, res('list', '', 'pods', 'anything')).allowed, true);
    assert.match(authz.authorize(watcher, res('list', '', 'pods', 'x')).reason, /to ServiceAccount "watcher\/mon"/);
  });

  test('nonResourceURLs: public info for everyone, discovery for authenticated, * suffix', () => {
    const logs: ClusterRole = { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'log-reader' }, rules: [{ nonResourceURLs: ['/logs/*'], verbs: ['get'] }] };
    const { authz } = setup([logs, clusterBinding('logs', 'log-reader', [userSubject('lou')])]);
    for (const path of ['/healthz', '/livez', '/readyz', '/version']) {
      assert.equal(authz.authorize(anonymous, { verb: 'get', path }).allowed, true, path);
    }
    assert.equal(authz.authorize(anonymous, { verb: 'get', path: '/api' }).allowed, false);
    assert.equal(authz.authorize(anonymous, res('list', '', 'pods')).allowed, false);
    const someone = authed('someone');
    assert.equal(authz.authorize(someone, { verb: 'get', path: '/apis/apps/v1' }).allowed, true);
    assert.equal(authz.authorize(someone, { verb: 'get', path: '/openapi/v3' }).allowed, true);
    assert.equal(authz.authorize(someone, { verb: 'post', path: '/apis' }).allowed, false);
    assert.equal(authz.authorize(someone, { verb: 'get', path: '/metrics' }).allowed, false);
    assert.equal(authz.authorize(authed('lou'), { verb: 'get', path: '/logs/kube-apiserver.log' }).allowed, true);
    assert.equal(authz.authorize(authed('lou'), { verb: 'get', path: '/logsx' }).allowed, false);
    // Basic user may ask what it can do.
    assert.equal(authz.authorize(someone, res('create', 'authorization.k8s.io', 'selfsubjectaccessreviews', '')).allowed, true);
  });

  test('aggregation: a ClusterRole labelled aggregate-to-view extends view, edit and admin, live', () => {
    const widgets: ClusterRole = {
      apiVersion: `${G}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] }],
    };
    const { source, authz } = setup([clusterBinding('viewers', 'view', [userSubject('vera')]), clusterBinding('admins', 'admin', [userSubject('ada')])]);
    const listWidgets = res('list', 'example.com', 'widgets');
    assert.equal(authz.authorize(authed('vera'), listWidgets).allowed, false);
    source.upsert(widgets);
    assert.equal(authz.authorize(authed('vera'), listWidgets).allowed, true);
    assert.equal(authz.authorize(authed('ada'), listWidgets).allowed, true, 'reaches admin through edit');
    source.delete(widgets);
    assert.equal(authz.authorize(authed('vera'), listWidgets).allowed, false);
  });

  test('matchExpressions selectors and invalidate() for sources without revisions', () => {
    const policy = bootstrapPolicy();
    const objects: Array<ClusterRole | ClusterRoleBinding> = [
      ...policy.clusterRoles,
      {
        apiVersion: `${G}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'monitoring' },
        aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'example.com/aggregate-to-monitoring', operator: 'Exists' }] }] },
        rules: [],
      },
      {
        apiVersion: `${G}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'metrics', labels: { 'example.com/aggregate-to-monitoring': 'yes' } },
        rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get'] }],
      },
      clusterBinding('mon', 'monitoring', [userSubject('mo')]),
    ];
    let bindings = objects.filter((o): o is ClusterRoleBinding => o.kind === 'ClusterRoleBinding');
    const roles = objects.filter((o): o is ClusterRole => o.kind === 'ClusterRole');
    const authz = new RbacAuthorizer({
      clusterRoles: () => roles,
      clusterRoleBindings: () => bindings,
      roles: () => [],
      roleBindings: () => [],
      getClusterRole: (n) => roles.find((r) => r.metadata?.name === n),
      getRole: () => undefined,
    });
    const attrs = res('get', 'metrics.k8s.io', 'pods');
    assert.equal(authz.authorize(authed('mo'), attrs).allowed, true);
    bindings = [];
    assert.equal(authz.authorize(authed('mo'), attrs).allowed, true, 'cached until invalidated');
    authz.invalidate();
    assert.equal(authz.authorize(authed('mo'), attrs).allowed, false);
  });

  test('system:masters may do anything, even with no bindings at all', () => {
    const authz = new RbacAuthorizer(new InMemoryRbacSource());
    const admin = authed('kubernetes-admin', 'system:masters');
    assert.equal(authz.authorize(admin, res('delete', '', 'nodes', '', { name: 'n1' })).allowed, true);
    assert.equal(authz.authorize(admin, { verb: 'get', path: '/anything' }).allowed, true);
    assert.equal(authz.authorize(authed('nobody'), res('get', '', 'pods')).allowed, false);
  });

  test('a binding to a missing role explains itself', () => {
    const { authz } = setup([clusterBinding('dangling', 'no-such-role', [userSubject('dan')])]);
    const d = authz.authorize(authed('dan'), res('get', '', 'pods'));
    assert.equal(d.allowed, false);
    assert.equal(d.reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "no-such-role" not found');
  });

  test('nodes and bootstrappers', () => {
    const { authz } = setup(nodeBootstrapBindings('system:bootstrappers'));
    const node = { name: 'system:node:w1', groups: ['system:nodes', 'system:authenticated'] };
    assert.equal(authz.authorize(node, res('patch', '', 'nodes', '', { subresource: 'status', name: 'w1' })).allowed, true);
    assert.equal(authz.authorize(node, res('delete', '', 'nodes', '', { name: 'w1' })).allowed, false);
    const boot = { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };
    assert.equal(authz.authorize(boot, res('create', 'certificates.k8s.io', 'certificatesigningrequests', '')).allowed, true);
    assert.equal(authz.authorize(boot, res('create', 'certificates.k8s.io', 'certificatesigningrequests', '', { subresource: 'nodeclient' })).allowed, true);
    assert.equal(authz.authorize(boot, res('list', '', 'pods')).allowed, false);
  });

  test('bootstrap policy metadata and the view/secrets exclusion', () => {
    const { clusterRoles, clusterRoleBindings } = bootstrapPolicy();
    for (const o of [...clusterRoles, ...clusterRoleBindings]) {
      assert.equal(o.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata?.name);
      assert.equal(o.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata?.name);
    }
    const names = new Set(clusterRoles.map((r) => r.metadata?.name));
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:node', 'system:node-bootstrapper', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', 'system:auth-delegator']) {
      assert.ok(names.has(n), n);
    }
    const cab = clusterRoleBindings.find((b) => b.metadata?.name === 'cluster-admin');
    assert.deepEqual(cab?.subjects, [{ apiGroup: G, kind: 'Group', name: 'system:masters' }]);
  });
});

describe('access reviews', () => {
  test('SubjectAccessReview status for another user', () => {
    const { authz } = setup([roleBinding('dev', 'alice-view', { kind: 'ClusterRole', name: 'view' }, [userSubject('alice')])]);
    const spec = { user: 'alice', groups: ['system:authenticated'], resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } };
    const allowed = subjectAccessReviewStatus(authz, userFromSubjectAccessReviewSpec(spec), spec);
    assert.deepEqual(allowed, { allowed: true, reason: 'RBAC: allowed by RoleBinding "dev/alice-view" of ClusterRole "view" to User "alice"' });
    const denied = { ...spec, resourceAttributes: { ...spec.resourceAttributes, resource: 'secrets' } };
    assert.deepEqual(subjectAccessReviewStatus(authz, userFromSubjectAccessReviewSpec(denied), denied), { allowed: false });
    const nonResource = { user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/version' } };
    assert.equal(subjectAccessReviewStatus(authz, userFromSubjectAccessReviewSpec(nonResource), nonResource).allowed, true);
    assert.ok(subjectAccessReviewStatus(authz, userFromSubjectAccessReviewSpec({ user: 'x' }), { user: 'x' }).evaluationError);
  });

  test('SelfSubjectRulesReview lists rules from cluster and namespace bindings', () => {
    const { authz } = setup([roleBinding('dev', 'alice-view', { kind: 'ClusterRole', name: 'view' }, [userSubject('alice')])]);
    const alice = authed('alice');
    const inDev = selfSubjectRulesReviewStatus(authz, alice, 'dev');
    assert.equal(inDev.incomplete, false);
    assert.ok(inDev.resourceRules.some((r) => r.resources?.includes('pods') && r.verbs.includes('list')));
    assert.ok(inDev.resourceRules.some((r) => r.resources?.includes('selfsubjectaccessreviews')), 'basic-user');
    assert.ok(inDev.nonResourceRules.some((r) => r.nonResourceURLs?.includes('/api/*')), 'discovery');
    const inProd = selfSubjectRulesReviewStatus(authz, alice, 'prod');
    assert.ok(!inProd.resourceRules.some((r) => r.resources?.includes('pods')));

    const masters = selfSubjectRulesReviewStatus(authz, authed('kubernetes-admin', 'system:masters'), 'default');
    assert.deepEqual(masters.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    assert.deepEqual(masters.nonResourceRules[0], { verbs: ['*'], nonResourceURLs: ['*'] });
  });
});
