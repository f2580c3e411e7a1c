/**
 * kube-proxy's iptables mode and the pod routes for real, in network namespaces on
 * this host: a client pod reaches a ClusterIP and a NodePort, requests spread over
 * two backend pods, ClientIP affinity pins, removing an endpoint stops traffic to it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RestClient } from '../client/index.js';
import { FakeApiServer } from '../client/testing/fake-apiserver.js';
import { until } from '../client/testing/until.js';
import { startKubeProxy } from './kube-proxy.js';
import type { KubeProxy } from './kube-proxy.js';
import { ROUTE_PROTOCOL, startPodRoutes } from './routes.js';
import type { PodRoutes } from './routes.js';
import { NetnsLab, netnsSkipReason, tally } from './testing/netns-lab.js';

const skip = netnsSkipReason();
const NODE_IP = '192.168.77.1';
const CLUSTER_CIDR = '10.244.0.0/16';
const quiet = () => undefined;
const SLICES = 'endpointslices.discovery.k8s.io'; // the fake server's key for grouped resources

const service = (o: Partial<NonNullable<Service['spec']>> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'default', name: 'web' },
  spec: { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }], ...o },
});
const slice = (ips: string[]): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace: 'default', name: 'web-x1', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'n1' })),
});

describe('networking in network namespaces', { skip }, () => {
  const lab = new NetnsLab();
  const server = new FakeApiServer();
  /** The fake server's store takes loosely typed objects. */
  const put = (resource: string, obj: object) => server.put(resource, obj as Parameters<FakeApiServer['put']>[1]);
  let client: RestClient;
  let proxy: KubeProxy | undefined;
  let routes: PodRoutes | undefined;

  before(async () => {
    client = new RestClient({ server: await server.start() });
    try {
      lab.createNode(NODE_IP);
      lab.addPod('client', '10.244.0');
      lab.addPod('b1', '10.244.1');
      lab.addPod('b2', '10.244.2');
      lab.addPod('ext', '192.168.50');
      lab.routeDefaultVia('ext');
      await Promise.all([lab.serve('b1', 8080), lab.serve('b2', 8080), lab.serve('ext', 8080)]);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
  });
  after(async () => {
    await proxy?.stop();
    await routes?.stop();
    client.close();
    await server.stop();
    await lab.destroy();
  });

  /** Waits until the proxy has applied a view where the web service has `n` endpoints. */
  const synced = (pred: (eps: number, affinity: boolean) => boolean, what: string) =>
    until(
      () => {
        const sp = proxy!.servicePorts().find((p) => p.name === 'web');
        return !!sp && pred(sp.endpoints.length, sp.affinityTimeoutSeconds !== undefined);
      },
      what,
      10_000,
    );

  it('pod traffic crosses the node without NAT; traffic leaving the cluster CIDR is masqueraded', async () => {
    put('nodes', { metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24' }, status: { addresses: [{ type: 'InternalIP', address: NODE_IP }] } });
    routes = await startPodRoutes({ client, nodeName: 'n1', clusterCIDR: CLUSTER_CIDR, run: lab.nodeRunner, minSyncPeriodMs: 20, log: quiet });
    assert.equal(await routes.waitForFirstSync(), true);
    const [direct] = await lab.get('client', 'http://10.244.1.2:8080/', 1);
    assert.deepEqual(direct, { name: 'b1', from: '10.244.0.2' }, 'pod-to-pod keeps the source address');
    const [out] = await lab.get('client', 'http://192.168.50.2:8080/', 1);
    assert.deepEqual(out, { name: 'ext', from: '192.168.50.1' }, 'leaving the cluster CIDR is masqueraded to the node');
  });

  it('routes other nodes\' podCIDRs via their InternalIPs, and removes them with the node', async () => {
    // n2's InternalIP is on the b1 link, so the kernel accepts it as a next hop.
    put('nodes', { metadata: { name: 'n2' }, spec: { podCIDR: '10.250.2.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '10.244.1.2' }] } });
    const show = async () => (await lab.nodeRunner('ip', ['-4', 'route', 'show', 'proto', ROUTE_PROTOCOL])).stdout;
    await until(() => routes!.routes().length === 1, 'route to n2');
    assert.match(await show(), /^10\.250\.2\.0\/24 via 10\.244\.1\.2 dev /m);
    server.remove('nodes', undefined, 'n2');
    await until(() => routes!.routes().length === 0, 'route to n2 removed');
    assert.equal((await show()).trim(), '');
  });

  it('a ClusterIP and a NodePort reach the backends, spread over both', async () => {
    put('services', service());
    put(SLICES, slice(['10.244.1.2', '10.244.2.2']));
    proxy = await startKubeProxy({ client, nodeName: 'n1', nodeIP: NODE_IP, clusterCIDR: CLUSTER_CIDR, run: lab.nodeRunner, masqueradeAll: false, minSyncPeriodMs: 20, log: quiet });
    assert.equal(proxy.mode, 'iptables');
    assert.equal(await proxy.waitForFirstSync(), true);

    const viaClusterIP = await lab.get('client', 'http://10.96.0.50/', 40);
    const t = tally(viaClusterIP);
    assert.deepEqual(Object.keys(t).sort(), ['b1', 'b2'], `both backends answer: ${JSON.stringify(t)}`);
    // P(one backend gets > 34 of 40 at p = 0.5) is about 1e-6.
    assert.ok(t.b1 >= 6 && t.b2 >= 6, `spread: ${JSON.stringify(t)}`);
    assert.ok(viaClusterIP.every((r) => r.from === '10.244.0.2'), 'pod traffic to a ClusterIP keeps its source');

    const viaNodePort = await lab.get('client', `http://${NODE_IP}:30080/`, 40);
    const n = tally(viaNodePort);
    assert.deepEqual(Object.keys(n).sort(), ['b1', 'b2'], `NodePort: ${JSON.stringify(n)}`);
    assert.ok(
      viaNodePort.every((r) => r.from === (r.name === 'b1' ? '10.244.1.1' : '10.244.2.1')),
      'NodePort traffic is masqueraded (externalTrafficPolicy Cluster)',
    );

    // /rules reads the kernel's rules back: the DNAT targets are the backends.
    const report = await proxy.rules();
    assert.equal(report.mode, 'iptables');
    const web = report.mode === 'iptables' ? report.servicePorts.find((p) => p.name === 'web') : undefined;
    assert.deepEqual(web?.endpoints.map((e) => [e.destination.split(':')[0], e.probability]), [['10.244.1.2', 0.5], ['10.244.2.2', 1]]);
    assert.ok(web?.entry.some((r) => r.chain === 'KUBE-NODEPORTS' && r.dport === 30080));
  });

  it('sessionAffinity ClientIP pins the client to one backend', async () => {
    put('services', service({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } }));
    await synced((eps, affinity) => eps === 2 && affinity, 'affinity synced');
    const t = tally(await lab.get('client', 'http://10.96.0.50/', 20));
    assert.equal(Object.keys(t).length, 1, `one backend only: ${JSON.stringify(t)}`);
    put('services', service());
    await synced((eps, affinity) => eps === 2 && !affinity, 'affinity removed');
  });

  it('removing an endpoint stops traffic to it; no endpoints at all is refused', async () => {
    put(SLICES, slice(['10.244.1.2']));
    await synced((eps) => eps === 1, 'one endpoint');
    assert.deepEqual(tally(await lab.get('client', 'http://10.96.0.50/', 20)), { b1: 20 });
    assert.deepEqual(tally(await lab.get('client', `http://${NODE_IP}:30080/`, 10)), { b1: 10 });

    put(SLICES, slice([]));
    await synced((eps) => eps === 0, 'no endpoints');
    assert.deepEqual(tally(await lab.get('client', 'http://10.96.0.50/', 3)), { 'error:ECONNREFUSED': 3 });
  });

  it('deleting the service deletes its chains', async () => {
    put(SLICES, slice(['10.244.1.2', '10.244.2.2']));
    await synced((eps) => eps === 2, 'endpoints back');
    const chains = async () => (await lab.nodeRunner('iptables-save', ['-t', 'nat'])).stdout.split('\n').filter((l) => /^:KUBE-(SVC|SEP|EXT)-/.test(l));
    assert.equal((await chains()).length, 4, 'SVC, EXT and two SEP chains');
    server.remove('services', 'default', 'web');
    await until(() => proxy!.servicePorts().length === 0, 'service gone');
    assert.deepEqual(await chains(), []);
  });
});
