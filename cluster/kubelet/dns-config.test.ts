import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { parseResolvConf, podDnsConfig, resolvConfText } from './dns-config.js';

const pod = (spec: Partial<PodSpec> = {}, namespace = 'shop'): Pod => ({ metadata: { name: 'p', namespace }, spec: { containers: [{ name: 'c' }], ...spec } });
const host = { servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example'], options: ['edns0'] };
const CLUSTER = ['10.96.0.10'];

describe('podDnsConfig (pkg/kubelet/network/dns)', () => {
  it('ClusterFirst (the default policy): cluster DNS, namespace search domains then the host ones, ndots:5', () => {
    const c = podDnsConfig(pod(), CLUSTER, 'cluster.local', host);
    assert.deepEqual(c.servers, ['10.96.0.10']);
    assert.deepEqual(c.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example']);
    assert.deepEqual(c.options, ['ndots:5']);
    assert.deepEqual(c.warnings, []);
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), CLUSTER, 'cluster.local', host), c);
  });

  it('ClusterFirst on the host network gets the node settings; ClusterFirstWithHostNet the cluster ones', () => {
    assert.deepEqual(podDnsConfig(pod({ hostNetwork: true }), CLUSTER, 'cluster.local', host).servers, host.servers);
    const withHostNet = podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), CLUSTER, 'cluster.local', host);
    assert.deepEqual(withHostNet.servers, CLUSTER);
    assert.equal(withHostNet.searches[0], 'shop.svc.cluster.local');
  });

  it('Default: the node resolv.conf as is', () => {
    const c = podDnsConfig(pod({ dnsPolicy: 'Default' }), CLUSTER, 'cluster.local', host);
    assert.deepEqual([c.servers, c.searches, c.options], [host.servers, host.searches, host.options]);
  });

  it('falls back to Default, with a warning, when the kubelet has no cluster DNS', () => {
    const c = podDnsConfig(pod(), [], 'cluster.local', host);
    assert.deepEqual(c.servers, host.servers);
    assert.deepEqual(c.warnings.map((w) => w.reason), ['MissingClusterDNS']);
  });

  it('without a cluster domain, ClusterFirst keeps the host search list', () => {
    assert.deepEqual(podDnsConfig(pod(), CLUSTER, '', host).searches, ['corp.example']);
  });

  it('None: only the pod dnsConfig', () => {
    const c = podDnsConfig(
      pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }),
      CLUSTER,
      'cluster.local',
      host,
    );
    assert.deepEqual(c.servers, ['1.2.3.4']);
    assert.deepEqual(c.searches, ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix']);
    assert.deepEqual(c.options, ['ndots:2', 'edns0']);
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None' }), CLUSTER, 'cluster.local', host), { servers: [], searches: [], options: [], warnings: [] });
  });

  it('appends dnsConfig to a policy: duplicates dropped, options merged by name with the pod winning', () => {
    const c = podDnsConfig(pod({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } }), CLUSTER, 'cluster.local', host);
    assert.deepEqual(c.servers, ['10.96.0.10', '8.8.8.8']);
    assert.deepEqual(c.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'extra.example']);
    assert.deepEqual(c.options, ['ndots:1', 'single-request-reopen']);
  });

  it('trims to 3 nameservers and the search line limits, with DNSConfigForming warnings', () => {
    const many = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }), CLUSTER, 'cluster.local', host);
    assert.deepEqual(many.servers, ['10.96.0.10', '1.1.1.1', '2.2.2.2']);
    assert.deepEqual(many.warnings.map((w) => w.reason), ['DNSConfigForming']);
    const searches = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
    const long = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: [...searches, 'x'.repeat(254)] } }), CLUSTER, 'cluster.local');
    assert.equal(long.searches.length, 32);
    assert.deepEqual(long.searches, searches.slice(0, 32));
    const wide = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(96)}.example`);
    const fitted = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: wide } }), CLUSTER, 'cluster.local');
    assert.ok(fitted.searches.join(' ').length <= 2048);
    assert.deepEqual(fitted.searches, wide.slice(0, fitted.searches.length));
    assert.equal(fitted.searches.length, 19);
  });

  it('rejects an unknown policy', () => {
    assert.throws(() => podDnsConfig(pod({ dnsPolicy: 'Sometimes' }), CLUSTER, 'cluster.local'), /invalid DNSPolicy=Sometimes/);
  });
});

describe('resolv.conf', () => {
  it('parses the node file as the kubelet does', () => {
    const text = '# generated\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch old.example\nsearch corp.example. . lab.example\noptions ndots:2 edns0\noptions ndots:3\n; comment\n';
    assert.deepEqual(parseResolvConf(text), { servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example', 'lab.example'], options: ['ndots:3', 'edns0'] });
  });

  it('renders a pod resolv.conf', () => {
    const c = podDnsConfig(pod({}, 'default'), CLUSTER, 'cluster.local');
    assert.equal(resolvConfText(c), 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    assert.equal(resolvConfText({ servers: [], searches: [], options: [] }), '');
  });
});
