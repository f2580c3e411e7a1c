import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ResourceQuota } from 'kubernetes-types/core/v1.js';
import { calculateUsage, quotaStatus, quotaStatusChanged } from './calculate.js';
import { resourceForName, resourcesForNames } from './tracked.js';
import { isPodCharged, podMatchesScope, podUsage, pvcUsage, serviceUsage } from './usage.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function pod(name: string, requests: Record<string, string>, limits: Record<string, string> = {}, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', resources: { requests, limits } }] }, status: { phase: 'Running' }, ...extra };
}

test('pod usage: requests and limits, cpu/memory aliases, init containers and overhead', () => {
  const p: Pod = {
    metadata: { name: 'p' },
    spec: {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m' } } },
        { name: 'b', resources: { requests: { cpu: '150m', memory: '64Mi' } } },
      ],
      initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }],
      overhead: { cpu: '10m' },
    },
  };
  const u = podUsage(p, T0);
  assert.equal(u.get('pods'), 1);
  assert.equal(u.get('count/pods'), 1);
  assert.ok(Math.abs(u.get('requests.cpu')! - 1.01) < 1e-9);
  assert.equal(u.get('cpu'), u.get('requests.cpu'));
  assert.equal(u.get('requests.memory'), 128 * 2 ** 20);
  assert.equal(u.get('memory'), 128 * 2 ** 20);
  assert.ok(Math.abs(u.get('limits.cpu')! - 0.21) < 1e-9);
});

test('terminal pods and pods stuck terminating past their grace period are not charged', () => {
  assert.equal(isPodCharged(pod('a', {}, {}, { status: { phase: 'Succeeded' } }), T0), false);
  assert.equal(isPodCharged({ metadata: { name: 'b', deletionTimestamp: new Date(T0 - 60_000).toISOString(), deletionGracePeriodSeconds: 30 } }, T0), false);
  assert.equal(isPodCharged({ metadata: { name: 'c', deletionTimestamp: new Date(T0).toISOString(), deletionGracePeriodSeconds: 30 } }, T0), true);
});

test('service and pvc usage', () => {
  const lb = serviceUsage({ spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443 }] } });
  assert.deepEqual(Object.fromEntries(lb), { services: 1, 'count/services': 1, 'services.nodeports': 2, 'services.loadbalancers': 1 });
  assert.equal(serviceUsage({ spec: {} }).get('services.nodeports'), undefined);
  const pvc = pvcUsage({ spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } });
  assert.equal(pvc.get('requests.storage'), 2 ** 30);
  assert.equal(pvc.get('fast.storageclass.storage.k8s.io/requests.storage'), 2 ** 30);
  assert.equal(pvc.get('fast.storageclass.storage.k8s.io/persistentvolumeclaims'), 1);
});

test('quota names map to the resources that must be watched', () => {
  assert.deepEqual(resourceForName('count/deployments.apps'), { group: 'apps', resource: 'deployments' });
  assert.deepEqual(resourceForName('count/secrets'), { group: '', resource: 'secrets' });
  assert.deepEqual(resourceForName('limits.memory'), { group: '', resource: 'pods' });
  assert.deepEqual(resourceForName('requests.storage'), { group: '', resource: 'persistentvolumeclaims' });
  assert.deepEqual(resourceForName('services.nodeports'), { group: '', resource: 'services' });
  assert.equal(resourceForName('nonsense'), undefined);
  assert.equal(resourcesForNames(['pods', 'cpu', 'requests.memory', 'configmaps']).length, 2);
});

test('calculateUsage sums only the hard names, per namespace objects given', () => {
  const quota: ResourceQuota = { metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', configmaps: '5', 'count/deployments.apps': '3' } } };
  const used = calculateUsage(
    quota,
    [
      { group: '', resource: 'pods', items: [pod('a', { cpu: '250m', memory: '100Mi' }), pod('b', { cpu: '500m', memory: '156Mi' }), pod('c', { cpu: '1' }, {}, { status: { phase: 'Failed' } })] },
      { group: '', resource: 'configmaps', items: [{}, {}] },
      { group: 'apps', resource: 'deployments', items: [] },
    ],
    T0,
  );
  assert.deepEqual(Object.fromEntries(used), { pods: 2, 'requests.cpu': 0.75, 'requests.memory': 256 * 2 ** 20, configmaps: 2, 'count/deployments.apps': 0 });
  const status = quotaStatus(quota, used);
  assert.deepEqual(status.used, { pods: '2', 'requests.cpu': '750m', 'requests.memory': '256Mi', configmaps: '2', 'count/deployments.apps': '0' });
  assert.deepEqual(status.hard, quota.spec!.hard);
  assert.equal(quotaStatusChanged(quota, status), true);
  assert.equal(quotaStatusChanged({ ...quota, status: { hard: quota.spec!.hard, used: { ...status.used, 'requests.memory': '268435456' } } }, status), false);
});

test('scoped quotas count only the pods in scope; BestEffort tracks only the pod count', () => {
  const be = pod('be', {});
  const burstable = pod('bu', { cpu: '100m' });
  const terminating = pod('t', { cpu: '200m' }, {}, { spec: { activeDeadlineSeconds: 30, containers: [{ name: 'c', resources: { requests: { cpu: '200m' } } }] } });
  const items = [be, burstable, terminating];
  assert.equal(podMatchesScope(be, { scopeName: 'BestEffort', operator: 'Exists' }), true);
  assert.equal(podMatchesScope(terminating, { scopeName: 'Terminating', operator: 'Exists' }), true);
  assert.equal(podMatchesScope({ spec: { containers: [], priorityClassName: 'high' } }, { scopeName: 'PriorityClass', operator: 'In', values: ['high'] }), true);
  const notBe: ResourceQuota = { spec: { hard: { pods: '9', 'requests.cpu': '9', configmaps: '3' }, scopes: ['NotBestEffort', 'NotTerminating'] } };
  assert.deepEqual(Object.fromEntries(calculateUsage(notBe, [{ group: '', resource: 'pods', items }, { group: '', resource: 'configmaps', items: [{}] }], T0)), { pods: 1, 'requests.cpu': 0.1 });
  const onlyBe: ResourceQuota = { spec: { hard: { pods: '9', 'requests.cpu': '9' }, scopes: ['BestEffort'] } };
  assert.deepEqual(Object.fromEntries(calculateUsage(onlyBe, [{ group: '', resource: 'pods', items }], T0)), { pods: 1 });
});
