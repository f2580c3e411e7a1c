/**
 * The userspace mode without iptables: kube-proxy listens on a ClusterIP and a NodePort
 * (loopback addresses, so no root and no address changes are needed) and forwards to
 * backends that are real HTTP and UDP servers in this process.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RestClient } from '../client/index.js';
import { FakeApiServer } from '../client/testing/fake-apiserver.js';
import { until } from '../client/testing/until.js';
import { startKubeProxy } from './kube-proxy.js';
import type { KubeProxy } from './kube-proxy.js';

const SLICES = 'endpointslices.discovery.k8s.io';
const CLUSTER_IP = '127.0.10.1';
const BACKENDS = ['127.0.20.1', '127.0.20.2'];

async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** One GET on a new connection from `localAddress`; the backend's name, or the error code. */
function get(host: string, port: number, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, localAddress, agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code}`));
  });
}

async function many(n: number, host: string, port: number, localAddress?: string): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await get(host, port, localAddress);
    t[r] = (t[r] ?? 0) + 1;
  }
  return t;
}

describe('userspace proxy mode', () => {
  const server = new FakeApiServer();
  /** The fake server's store takes loosely typed objects. */
  const put = (resource: string, obj: object) => server.put(resource, obj as Parameters<FakeApiServer['put']>[1]);
  const servers: Array<http.Server | dgram.Socket> = [];
  let client: RestClient;
  let proxy: KubeProxy;
  let svcPort: number;
  let nodePort: number;
  let backendPort: number;

  const service = (o: Partial<NonNullable<Service['spec']>> = {}): Service => ({
    metadata: { namespace: 'default', name: 'web' },
    spec: {
      type: 'NodePort',
      clusterIP: CLUSTER_IP,
      ports: [
        { name: 'http', port: svcPort, targetPort: backendPort, nodePort, protocol: 'TCP' },
        { name: 'echo', port: svcPort, targetPort: backendPort, protocol: 'UDP' },
      ],
      ...o,
    },
  });
  const slice = (ips: string[]): EndpointSlice => ({
    metadata: { namespace: 'default', name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [
      { name: 'http', port: backendPort, protocol: 'TCP' },
      { name: 'echo', port: backendPort, protocol: 'UDP' },
    ],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  });
  const endpointCount = () => proxy.servicePorts().find((p) => p.portName === 'http')?.endpoints.length;

  before(async () => {
    [svcPort, nodePort, backendPort] = [await freePort(CLUSTER_IP), await freePort(), await freePort(BACKENDS[0])];
    for (const [i, ip] of BACKENDS.entries()) {
      const h = http.createServer((_req, res) => res.end(`b${i + 1}`));
      await new Promise<void>((r) => h.listen(backendPort, ip, r));
      const u = dgram.createSocket('udp4');
      u.on('message', (msg, from) => u.send(`b${i + 1}:${msg.toString()}`, from.port, from.address));
      await new Promise<void>((r) => u.bind(backendPort, ip, r));
      servers.push(h, u);
    }
    client = new RestClient({ server: await server.start() });
    put('services', service());
    put(SLICES, slice(BACKENDS));
    proxy = await startKubeProxy({
      client,
      nodeName: 'n1',
      mode: 'userspace',
      minSyncPeriodMs: 10,
      userspace: { manageAddresses: false, nodePortAddress: '127.0.0.1' },
      log: () => undefined,
    });
    assert.equal(await proxy.waitForFirstSync(), true);
  });
  after(async () => {
    await proxy?.stop();
    client?.close();
    await server.stop();
    for (const s of servers) await new Promise<void>((r) => (s instanceof http.Server ? s.close(() => r()) : s.close(() => r())));
  });

  it('spreads ClusterIP and NodePort connections over the endpoints', async () => {
    assert.equal(proxy.mode, 'userspace');
    assert.deepEqual(await many(10, CLUSTER_IP, svcPort), { b1: 5, b2: 5 }, 'round-robin over the ClusterIP');
    assert.deepEqual(await many(4, '127.0.0.1', nodePort), { b1: 2, b2: 2 }, 'round-robin over the NodePort');
  });

  it('forwards UDP datagrams and their replies', async () => {
    const sock = dgram.createSocket('udp4');
    try {
      const reply = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString())));
      sock.send('ping', svcPort, CLUSTER_IP);
      assert.match(await reply, /^b[12]:ping$/);
    } finally {
      sock.close();
    }
  });

  it('pins each client address to one endpoint with ClientIP affinity', async () => {
    put('services', service({ sessionAffinity: 'ClientIP' }));
    await until(() => proxy.servicePorts()[0]?.affinityTimeoutSeconds === 10800, 'affinity synced');
    const a = await many(6, CLUSTER_IP, svcPort, '127.0.30.1');
    const b = await many(6, CLUSTER_IP, svcPort, '127.0.30.2');
    assert.equal(Object.keys(a).length, 1, JSON.stringify(a));
    assert.equal(Object.keys(b).length, 1, JSON.stringify(b));
    assert.notDeepEqual(a, b, 'round-robin gave the two clients different endpoints');
    put('services', service());
    await until(() => proxy.servicePorts()[0]?.affinityTimeoutSeconds === undefined, 'affinity removed');
  });

  it('stops using a removed endpoint, refuses connections without endpoints, closes ports of a deleted service', async () => {
    put(SLICES, slice([BACKENDS[0]]));
    await until(() => endpointCount() === 1, 'one endpoint');
    assert.deepEqual(await many(6, CLUSTER_IP, svcPort), { b1: 6 });
    put(SLICES, slice([]));
    await until(() => endpointCount() === 0, 'no endpoints');
    assert.match(await get(CLUSTER_IP, svcPort), /^error:(ECONNRESET|ECONNREFUSED)$/);
    server.remove('services', 'default', 'web');
    await until(() => proxy.servicePorts().length === 0, 'service gone');
    assert.equal(await get('127.0.0.1', nodePort), 'error:ECONNREFUSED');
  });
});
