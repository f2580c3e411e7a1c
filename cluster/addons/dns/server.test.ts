import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { RestClient } from '../../client/rest-client.js';
import { startClusterDns } from './cluster-dns.js';
import type { ClusterDns } from './cluster-dns.js';
import { DEFAULT_LOOKUP_CONFIG } from './lookup.js';
import { startDnsServer } from './server.js';
import type { DnsServer } from './server.js';
import { staticDnsSource } from './source.js';

const headless = (n: number): EndpointSlice => ({
  metadata: { namespace: 'default', name: 'many-1', labels: { 'kubernetes.io/service-name': 'many' } },
  addressType: 'IPv4',
  endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.244.7.${i + 1}`], conditions: { ready: true } })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

const services: Service[] = [
  { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
  { metadata: { namespace: 'default', name: 'many' }, spec: { clusterIP: 'None' } },
];

/** Polls `get` until `ok` holds (informers are eventually consistent) or 5 s pass; returns the last value. */
async function eventually<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  let v = await get();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    v = await get();
  }
  return v;
}

/** One query over TCP: 2-byte length prefix each way; several on one connection. */
function tcpQueries(port: number, names: string[]): Promise<dnsPacket.DecodedPacket[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const out: dnsPacket.DecodedPacket[] = [];
    let buf = Buffer.alloc(0);
    sock.on('connect', () => {
      for (const [i, name] of names.entries()) {
        const q = dnsPacket.encode({ type: 'query', id: i + 1, questions: [{ type: 'A', name }] });
        const len = Buffer.alloc(2);
        len.writeUInt16BE(q.length);
        sock.write(Buffer.concat([len, q]));
      }
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === names.length) {
        sock.end();
        resolve(out);
      }
    });
    sock.on('error', reject);
  });
}

describe('DNS server on loopback', () => {
  let server: DnsServer;
  let resolver: Resolver;
  before(async () => {
    const source = staticDnsSource({ services, endpointSlices: [headless(80)] });
    server = await startDnsServer({ source, config: DEFAULT_LOOKUP_CONFIG, host: '127.0.0.1', port: 0 });
    resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
  });
  after(async () => {
    resolver.cancel();
    await server.close();
  });

  it('answers A and SRV over UDP to a real resolver (c-ares)', async () => {
    assert.deepEqual(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.0.50']);
    assert.deepEqual(await resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local'), [{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
  });

  it('reports NXDOMAIN and REFUSED as resolvers expect', async () => {
    await assert.rejects(resolver.resolve4('nope.default.svc.cluster.local'), { code: 'ENOTFOUND' });
    await assert.rejects(resolver.resolve4('example.com'), { code: 'EREFUSED' });
    await assert.rejects(resolver.resolve6('web.default.svc.cluster.local'), { code: 'ENODATA' });
  });

  it('sends a truncated UDP answer, and the resolver gets all of it over TCP', async () => {
    const all = await resolver.resolve4('many.default.svc.cluster.local');
    assert.equal(all.length, 80);
  });

  it('answers several queries on one TCP connection', async () => {
    const [a, b] = await tcpQueries(server.port, ['web.default.svc.cluster.local', 'many.default.svc.cluster.local']);
    assert.equal(a.id, 1);
    assert.deepEqual(a.answers?.map((x) => (x as { data: string }).data), ['10.96.0.50']);
    assert.equal(b.id, 2);
    assert.equal(b.flag_tc, false);
    assert.equal(b.answers?.length, 80);
  });
});

describe('cluster DNS process against an API server', () => {
  let api: FakeApiServer;
  let client: RestClient;
  let dns: ClusterDns;
  let resolver: Resolver;
  before(async () => {
    api = new FakeApiServer();
    await api.start();
    api.put('services', { ...services[0], metadata: { namespace: 'default', name: 'web' } } as never);
    client = new RestClient({ server: api.url });
    dns = await startClusterDns({ client, host: '127.0.0.1', dnsPort: 0, healthPort: 0, readyPort: 0, metricsPort: 0, log: () => {} });
    resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([`127.0.0.1:${dns.dnsPort}`]);
  });
  after(async () => {
    resolver.cancel();
    await dns.close();
    client.close();
    await api.stop();
  });

  it('becomes ready once its caches synced, and is healthy', async () => {
    assert.equal(await dns.synced(), true);
    const ready = await fetch(`http://127.0.0.1:${dns.readyPort}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), 'OK');
    const health = await fetch(`http://127.0.0.1:${dns.healthPort}/health`);
    assert.equal(health.status, 200);
  });

  it('answers from the watched Services, EndpointSlices and Pods, following changes', async () => {
    assert.deepEqual(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.0.50']);
    api.put('services', { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None' } } as never);
    api.put('endpointslices.discovery.k8s.io', {
      metadata: { namespace: 'default', name: 'db-x', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } }],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    } as never);
    api.put('pods', { metadata: { namespace: 'default', name: 'db-0' }, status: { podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }] } } as never);
    const answers = (name: string) => resolver.resolve4(name).catch((err: { code?: string }) => [String(err.code)]);
    const all = async () => [
      ...(await answers('db.default.svc.cluster.local')),
      ...(await answers('db-0.db.default.svc.cluster.local')),
      ...(await answers('10-244-1-5.default.pod.cluster.local')),
    ];
    assert.deepEqual(await eventually(all, (v) => v.join() === '10.244.1.5,10.244.1.5,10.244.1.5'), ['10.244.1.5', '10.244.1.5', '10.244.1.5']);
    api.remove('services', 'default', 'web');
    assert.deepEqual(await eventually(() => answers('web.default.svc.cluster.local'), (v) => v[0] === 'ENOTFOUND'), ['ENOTFOUND']);
  });

  it('counts queries in CoreDNS-style metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${dns.metricsPort}/metrics`)).text();
    assert.match(text, /coredns_dns_requests_total\{server="dns:\/\/:53",zone="\.",proto="udp",type="A"\} \d+/);
    assert.match(text, /coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"\} \d+/);
  });
});
