import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import { launchCluster } from '../../../test/support/cluster.js';
import type { LaunchedCluster } from '../../../test/support/cluster.js';
import { DEPLOYMENTS, SERVICEACCOUNTS, SERVICES } from '../../client/gvr.js';
import type { GVR } from '../../client/gvr.js';
import { RestClient } from '../../client/rest-client.js';
import { dnsAddonObjects, ensureDnsAddon } from './manifest.js';

const CLUSTERROLES: GVR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false };
const CLUSTERROLEBINDINGS: GVR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false };
const IMAGE = 'kubarium/dns:0123456789ab';

describe('DNS addon objects', () => {
  it('are what kubeadm creates for CoreDNS', () => {
    const o = dnsAddonObjects({ image: IMAGE });
    assert.equal(o.service.spec?.clusterIP, '10.96.0.10');
    assert.deepEqual(o.service.spec?.ports?.map((p) => [p.name, p.port, p.protocol]), [['dns', 53, 'UDP'], ['dns-tcp', 53, 'TCP'], ['metrics', 9153, 'TCP']]);
    assert.deepEqual(o.service.spec?.selector, { 'k8s-app': 'kube-dns' });
    const pod = o.deployment.spec!.template.spec!;
    assert.equal(pod.serviceAccountName, 'coredns');
    assert.equal(pod.dnsPolicy, 'Default');
    assert.equal(pod.containers[0].image, IMAGE);
    assert.deepEqual(pod.containers[0].readinessProbe?.httpGet, { path: '/ready', port: 8181, scheme: 'HTTP' });
    assert.deepEqual(pod.containers[0].livenessProbe?.httpGet, { path: '/health', port: 8080, scheme: 'HTTP' });
    assert.ok(o.clusterRole.rules?.some((r) => r.apiGroups?.includes('discovery.k8s.io') && r.resources?.includes('endpointslices')));
    const custom = dnsAddonObjects({ image: IMAGE, clusterIP: '10.100.0.10', clusterDomain: 'kube.test', replicas: 2 });
    assert.equal(custom.service.spec?.clusterIP, '10.100.0.10');
    assert.equal(custom.deployment.spec?.replicas, 2);
    assert.deepEqual(custom.deployment.spec?.template.spec?.containers[0].args, ['--port', '53', '--zone', 'kube.test', '--pods', 'verified', '--nameserver-ip', '10.100.0.10']);
  });
});

describe('ensureDnsAddon against a real control plane', () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  before(async () => {
    cluster = await launchCluster();
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('creates the objects, the Service on 10.96.0.10, and a re-run changes nothing', async () => {
    const first = await ensureDnsAddon(client, { image: IMAGE });
    assert.deepEqual(first.map((a) => `${a.kind}/${a.name}`), ['ServiceAccount/coredns', 'ClusterRole/system:coredns', 'ClusterRoleBinding/system:coredns', 'Service/kube-dns', 'Deployment/coredns']);

    const svc = await client.get<Service>(SERVICES, 'kube-dns', { namespace: 'kube-system' });
    assert.equal(svc.spec?.clusterIP, '10.96.0.10');
    assert.deepEqual(svc.spec?.clusterIPs, ['10.96.0.10']);
    assert.deepEqual(svc.spec?.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`), ['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP']);
    const dep = await client.get<Deployment>(DEPLOYMENTS, 'coredns', { namespace: 'kube-system' });
    assert.equal(dep.spec?.template.spec?.containers[0].image, IMAGE);
    assert.equal(dep.metadata?.labels?.['k8s-app'], 'kube-dns');
    await client.get<ServiceAccount>(SERVICEACCOUNTS, 'coredns', { namespace: 'kube-system' });
    const role = await client.get<ClusterRole>(CLUSTERROLES, 'system:coredns');
    assert.ok(role.rules?.length);
    const binding = await client.get<ClusterRoleBinding>(CLUSTERROLEBINDINGS, 'system:coredns');
    assert.deepEqual(binding.subjects?.map((s) => [s.kind, s.name, s.namespace]), [['ServiceAccount', 'coredns', 'kube-system']]);

    const again = await ensureDnsAddon(client, { image: IMAGE });
    assert.deepEqual(again, first, 'a re-apply of the same objects is a no-op (same resourceVersions)');

    const newer = await ensureDnsAddon(client, { image: 'kubarium/dns:ba9876543210' });
    const depAfter = await client.get<Deployment>(DEPLOYMENTS, 'coredns', { namespace: 'kube-system' });
    assert.equal(depAfter.spec?.template.spec?.containers[0].image, 'kubarium/dns:ba9876543210', 'a new image rolls out');
    assert.equal(newer.find((a) => a.kind === 'Service')?.resourceVersion, first.find((a) => a.kind === 'Service')?.resourceVersion);
  });
});
