/** kube-proxy's health and metrics servers over real sockets, in front of a stub proxy. */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startProxyServers } from './http-servers.js';
import type { ProxyServers } from './http-servers.js';
import type { KubeProxy, ProxyHealth } from './kube-proxy.js';
import { ProxyMetrics } from './metrics.js';

function fetchText(port: number, path: string): Promise<{ code: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ code: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

describe('kube-proxy HTTP servers', () => {
  let servers: ProxyServers;
  let health: ProxyHealth = { healthy: true, lastUpdated: new Date('2026-01-02T03:04:05.678Z') };
  const metrics = new ProxyMetrics();
  metrics.observeSync(0.012, true);
  metrics.countRules('*nat\n-A KUBE-SERVICES -j X\n-A KUBE-SVC-A -j Y\nCOMMIT\n*filter\n-A KUBE-FORWARD -j ACCEPT\nCOMMIT\n');
  const proxy = {
    mode: 'iptables',
    metrics,
    health: () => health,
    rules: async () => ({ node: 'n1', mode: 'iptables', lastSync: null, servicePorts: [] }),
    configuration: () => ({ kind: 'KubeProxyConfiguration', mode: 'iptables' }),
  } as unknown as KubeProxy;

  before(async () => {
    servers = await startProxyServers({ proxy, host: '127.0.0.1', healthzPort: 0, metricsPort: 0 });
  });
  after(() => servers?.close());

  it('/healthz and /livez answer kube-proxy JSON, 503 once a change waited too long', async () => {
    for (const path of ['/healthz', '/livez']) {
      const r = await fetchText(servers.healthzPort, path);
      assert.equal(r.code, 200);
      const body = JSON.parse(r.body) as { lastUpdated: string; currentTime: string; nodeEligible: boolean };
      assert.equal(body.lastUpdated, '2026-01-02 03:04:05.678000000 +0000 UTC');
      assert.match(body.currentTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 UTC$/);
      assert.equal(body.nodeEligible, true);
    }
    health = { healthy: false };
    assert.equal((await fetchText(servers.healthzPort, '/healthz')).code, 503);
    health = { healthy: true };
    assert.equal((await fetchText(servers.healthzPort, '/metrics')).code, 404);
  });

  it('/metrics is Prometheus text with the sync histogram and rule counts', async () => {
    const r = await fetchText(servers.metricsPort, '/metrics');
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    assert.match(r.body, /^# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram$/m);
    assert.match(r.body, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="0\.016"\} 1$/m);
    assert.match(r.body, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="0\.008"\} 0$/m);
    assert.match(r.body, /^kubeproxy_sync_full_proxy_rules_duration_seconds_count 1$/m);
    assert.match(r.body, /^kubeproxy_sync_proxy_rules_last_timestamp_seconds \d+/m);
    assert.match(r.body, /^kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} 2$/m);
  });

  it('/proxyMode, /configz and /rules', async () => {
    assert.deepEqual(await fetchText(servers.metricsPort, '/proxyMode'), { code: 200, type: 'text/plain; charset=utf-8', body: 'iptables' });
    const configz = JSON.parse((await fetchText(servers.metricsPort, '/configz')).body) as Record<string, Record<string, string>>;
    assert.equal(configz['kubeproxy.config.k8s.io'].mode, 'iptables');
    assert.equal(configz['kubeproxy.config.k8s.io'].healthzBindAddress, `127.0.0.1:${servers.healthzPort}`);
    const rules = await fetchText(servers.metricsPort, '/rules');
    assert.equal(rules.type, 'application/json');
    assert.deepEqual(JSON.parse(rules.body), { node: 'n1', mode: 'iptables', lastSync: null, servicePorts: [] });
    assert.equal((await fetchText(servers.metricsPort, '/nope')).code, 404);
  });
});
