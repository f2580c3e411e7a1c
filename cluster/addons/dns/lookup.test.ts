import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import type { Answer, SoaAnswer, SrvAnswer } from 'dns-packet';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { dashIP, DEFAULT_LOOKUP_CONFIG, lookup, reverseToIP, undashIP } from './lookup.js';
import type { LookupConfig } from './lookup.js';
import { handleMessage } from './message.js';
import { staticDnsSource } from './source.js';

function svc(namespace: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

function slice(namespace: string, service: string, name: string, endpoints: Array<{ ip: string; hostname?: string; ready?: boolean }>, ports: Array<{ name?: string; port: number; protocol?: string }>, addressType = 'IPv4'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, labels: { 'kubernetes.io/service-name': service } },
    addressType,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], hostname: e.hostname, conditions: e.ready === undefined ? {} : { ready: e.ready } })),
    ports,
  };
}

function pod(namespace: string, name: string, ip: string): Pod {
  return { metadata: { namespace, name }, status: { podIP: ip, podIPs: [{ ip }] } };
}

const source = staticDnsSource({
  serial: 1234,
  services: [
    svc('default', 'web', { clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
    svc('default', 'db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
    svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    svc('default', 'empty', { clusterIP: 'None' }),
    svc('shop', 'dual', { clusterIP: '10.96.0.60', clusterIPs: ['10.96.0.60', 'fd00::60'], ports: [{ port: 8080 }] }),
  ],
  endpointSlices: [
    slice('default', 'db', 'db-abc', [{ ip: '10.244.1.5', hostname: 'db-0', ready: true }, { ip: '10.244.2.6' }, { ip: '10.244.3.7', ready: false }], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
    slice('default', 'web', 'web-abc', [{ ip: '10.244.1.9', ready: true }], [{ name: 'http', port: 8080, protocol: 'TCP' }]),
  ],
  pods: [pod('default', 'db-0', '10.244.1.5'), pod('kube-system', 'x', '10.244.4.4')],
});

const data = (answers: Answer[]) => answers.map((a) => (a as { data: unknown }).data);

describe('cluster DNS lookup', () => {
  it('answers a ClusterIP service with its cluster IP, authoritatively, whatever the case and trailing dot', () => {
    for (const name of ['web.default.svc.cluster.local', 'WEB.Default.svc.Cluster.Local.']) {
      const r = lookup(name, 'A', source);
      assert.equal(r.rcode, 'NOERROR');
      assert.equal(r.authoritative, true);
      assert.deepEqual(data(r.answers), ['10.96.0.50']);
      assert.equal(r.answers[0].name, name, 'the owner name is the name as asked');
      assert.equal((r.answers[0] as { ttl: number }).ttl, 5);
      assert.deepEqual(r.authorities, []);
    }
  });

  it('answers NODATA (NOERROR, SOA in authority) for a type the service has no record of', () => {
    const r = lookup('web.default.svc.cluster.local', 'AAAA', source);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, []);
    const soa = r.authorities[0] as SoaAnswer;
    assert.equal(soa.type, 'SOA');
    assert.equal(soa.name, 'cluster.local');
    assert.deepEqual(soa.data, { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1234, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
  });

  it('answers both families of a dual-stack service', () => {
    assert.deepEqual(data(lookup('dual.shop.svc.cluster.local', 'A', source).answers), ['10.96.0.60']);
    assert.deepEqual(data(lookup('dual.shop.svc.cluster.local', 'AAAA', source).answers), ['fd00::60']);
  });

  it('answers a headless service with its ready endpoints only', () => {
    const r = lookup('db.default.svc.cluster.local', 'A', source);
    assert.deepEqual(data(r.answers).sort(), ['10.244.1.5', '10.244.2.6']);
    const none = lookup('empty.default.svc.cluster.local', 'A', source);
    assert.equal(none.rcode, 'NOERROR');
    assert.deepEqual(none.answers, []);
  });

  it('answers an endpoint by its hostname or its dashed IP', () => {
    assert.deepEqual(data(lookup('db-0.db.default.svc.cluster.local', 'A', source).answers), ['10.244.1.5']);
    assert.deepEqual(data(lookup('10-244-2-6.db.default.svc.cluster.local', 'A', source).answers), ['10.244.2.6']);
    assert.equal(lookup('db-9.db.default.svc.cluster.local', 'A', source).rcode, 'NXDOMAIN');
    assert.equal(lookup('10-244-3-7.db.default.svc.cluster.local', 'A', source).rcode, 'NXDOMAIN', 'not ready');
  });

  it('answers a CNAME for an ExternalName service, following nothing', () => {
    const r = lookup('ext.default.svc.cluster.local', 'A', source);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => [a.type, (a as { data: string }).data]), [['CNAME', 'example.com']]);
  });

  it('answers SRV for a named port of a ClusterIP service, with the target address as glue', () => {
    const r = lookup('_http._tcp.web.default.svc.cluster.local', 'SRV', source);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => (a as SrvAnswer).data), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    assert.deepEqual(r.additionals.map((a) => [a.name, (a as { data: string }).data]), [['web.default.svc.cluster.local', '10.96.0.50']]);
    const udp = lookup('_dns._udp.web.default.svc.cluster.local', 'SRV', source);
    assert.deepEqual(udp.answers.map((a) => (a as SrvAnswer).data.port), [53]);
    assert.equal(lookup('_http._udp.web.default.svc.cluster.local', 'SRV', source).rcode, 'NXDOMAIN');
    assert.equal(lookup('_nope._tcp.web.default.svc.cluster.local', 'SRV', source).rcode, 'NXDOMAIN');
  });

  it('answers SRV per ready endpoint of a headless service, targeting the endpoint names', () => {
    const r = lookup('_pg._tcp.db.default.svc.cluster.local', 'SRV', source);
    const srv = r.answers.map((a) => (a as SrvAnswer).data).sort((a, b) => a.target.localeCompare(b.target));
    assert.deepEqual(srv, [
      { priority: 0, weight: 50, port: 5432, target: '10-244-2-6.db.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
    ]);
    assert.deepEqual(r.additionals.map((a) => (a as { data: string }).data).sort(), ['10.244.1.5', '10.244.2.6']);
  });

  it('answers SRV on the bare service name with every port', () => {
    const r = lookup('web.default.svc.cluster.local', 'SRV', source);
    assert.deepEqual(r.answers.map((a) => (a as SrvAnswer).data.port).sort(), [53, 80]);
  });

  it('answers pod A records for pods that exist in the namespace ("pods verified")', () => {
    assert.deepEqual(data(lookup('10-244-1-5.default.pod.cluster.local', 'A', source).answers), ['10.244.1.5']);
    assert.equal(lookup('10-244-9-9.default.pod.cluster.local', 'A', source).rcode, 'NXDOMAIN');
    assert.equal(lookup('10-244-4-4.default.pod.cluster.local', 'A', source).rcode, 'NXDOMAIN', 'the pod is in kube-system');
    assert.equal(lookup('not-an-ip.default.pod.cluster.local', 'A', source).rcode, 'NXDOMAIN');
  });

  it('answers any well-formed pod name with "pods insecure", none with "disabled"', () => {
    const insecure: LookupConfig = { ...DEFAULT_LOOKUP_CONFIG, pods: 'insecure' };
    assert.deepEqual(data(lookup('10-244-9-9.default.pod.cluster.local', 'A', source, insecure).answers), ['10.244.9.9']);
    assert.equal(lookup('10-244-1-5.default.pod.cluster.local', 'A', source, { ...DEFAULT_LOOKUP_CONFIG, pods: 'disabled' }).rcode, 'NXDOMAIN');
  });

  it('answers PTR for service and endpoint IPs', () => {
    assert.deepEqual(data(lookup('50.0.96.10.in-addr.arpa', 'PTR', source).answers), ['web.default.svc.cluster.local']);
    assert.deepEqual(data(lookup('5.1.244.10.in-addr.arpa', 'PTR', source).answers), ['db-0.db.default.svc.cluster.local']);
    const v6 = lookup('0.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa', 'PTR', source);
    assert.deepEqual(data(v6.answers), ['dual.shop.svc.cluster.local']);
    const unknown = lookup('9.9.9.9.in-addr.arpa', 'PTR', source);
    assert.equal(unknown.rcode, 'NXDOMAIN');
    assert.equal(unknown.authorities[0].name, 'in-addr.arpa');
  });

  it('answers NXDOMAIN with the SOA for unknown names in the cluster domain', () => {
    for (const name of ['nope.default.svc.cluster.local', 'web.nowhere.svc.cluster.local', 'nowhere.svc.cluster.local', 'foo.cluster.local', 'a.b.web.default.svc.cluster.local.x.cluster.local']) {
      const r = lookup(name, 'A', source);
      assert.equal(r.rcode, 'NXDOMAIN', name);
      assert.equal(r.authoritative, true);
      assert.equal(r.authorities[0].type, 'SOA', name);
    }
  });

  it('answers NODATA for names that exist without records: the zone, svc, a namespace', () => {
    for (const name of ['cluster.local', 'svc.cluster.local', 'default.svc.cluster.local', 'pod.cluster.local']) {
      const r = lookup(name, 'A', source);
      assert.equal(r.rcode, 'NOERROR', name);
      assert.deepEqual(r.answers, []);
      assert.equal(r.authorities[0].type, 'SOA');
    }
    const soa = lookup('cluster.local', 'SOA', source);
    assert.equal(soa.answers[0].type, 'SOA');
    const ns = lookup('cluster.local', 'NS', source, { ...DEFAULT_LOOKUP_CONFIG, nameserverIPs: ['10.96.0.10'] });
    assert.deepEqual(data(ns.answers), ['ns.dns.cluster.local']);
    assert.deepEqual(data(ns.additionals), ['10.96.0.10']);
  });

  it('refuses names outside its zones (it forwards nothing)', () => {
    for (const name of ['example.com', 'kubernetes.io', 'cluster.local.example.com', 'svc.cluster.localx']) {
      const r = lookup(name, 'A', source);
      assert.equal(r.rcode, 'REFUSED', name);
      assert.equal(r.authoritative, false);
      assert.deepEqual(r.authorities, []);
    }
  });

  it('uses the configured zone', () => {
    const cfg: LookupConfig = { ...DEFAULT_LOOKUP_CONFIG, zone: 'kube.test' };
    assert.deepEqual(data(lookup('web.default.svc.kube.test', 'A', source, cfg).answers), ['10.96.0.50']);
    assert.equal(lookup('web.default.svc.cluster.local', 'A', source, cfg).rcode, 'REFUSED');
  });

  it('converts dashed and reverse names', () => {
    assert.equal(undashIP('10-244-1-5'), '10.244.1.5');
    assert.equal(undashIP('fd00--5'), 'fd00::5');
    assert.equal(undashIP('10-244-1'), undefined);
    assert.equal(dashIP('fd00::5'), 'fd00--5');
    assert.equal(reverseToIP('4.3.2.1.in-addr.arpa'), '1.2.3.4');
    assert.equal(reverseToIP('3.2.1.in-addr.arpa'), undefined);
  });
});

describe('cluster DNS messages', () => {
  const query = (name: string, type: 'A' | 'SRV' | 'AAAA', extra: Partial<dnsPacket.Packet> = {}) =>
    dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }], ...extra });

  it('echoes the ID, question and RD bit, with the rcode and AA bit in the header', () => {
    const out = handleMessage(query('nope.default.svc.cluster.local', 'A'), 'udp', source, DEFAULT_LOOKUP_CONFIG);
    assert.ok(out);
    const r = dnsPacket.decode(out.response) as dnsPacket.DecodedPacket & { rcode: string };
    assert.equal(r.id, 4242);
    assert.equal(r.type, 'response');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.equal(r.flag_aa, true);
    assert.equal(r.flag_rd, true);
    assert.deepEqual(r.questions, [{ name: 'nope.default.svc.cluster.local', type: 'A', class: 'IN' }]);
    assert.equal(r.authorities?.[0].type, 'SOA');
  });

  it('truncates a UDP answer larger than 512 bytes (TC) but not a TCP one', () => {
    const eps = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.9.${i + 1}` }));
    const big = staticDnsSource({ services: [svc('default', 'many', { clusterIP: 'None' })], endpointSlices: [slice('default', 'many', 'many-1', eps, [])] });
    const udp = dnsPacket.decode(handleMessage(query('many.default.svc.cluster.local', 'A'), 'udp', big, DEFAULT_LOOKUP_CONFIG)!.response);
    assert.equal(udp.flag_tc, true);
    assert.ok(udp.answers!.length > 0 && udp.answers!.length < 60, 'as many answers as fit');
    assert.ok(handleMessage(query('many.default.svc.cluster.local', 'A'), 'udp', big, DEFAULT_LOOKUP_CONFIG)!.response.length <= 512);
    const tcp = dnsPacket.decode(handleMessage(query('many.default.svc.cluster.local', 'A'), 'tcp', big, DEFAULT_LOOKUP_CONFIG)!.response);
    assert.equal(tcp.flag_tc, false);
    assert.equal(tcp.answers?.length, 60);
  });

  it('answers EDNS0 queries with an OPT record and the larger UDP size', () => {
    const eps = Array.from({ length: 20 }, (_, i) => ({ ip: `10.244.9.${i + 1}` }));
    const big = staticDnsSource({ services: [svc('default', 'many', { clusterIP: 'None' })], endpointSlices: [slice('default', 'many', 'many-1', eps, [])] });
    const q = query('many.default.svc.cluster.local', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] });
    const r = dnsPacket.decode(handleMessage(q, 'udp', big, DEFAULT_LOOKUP_CONFIG)!.response);
    assert.equal(r.flag_tc, false);
    assert.equal(r.answers?.length, 20);
    const opt = r.additionals?.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer;
    assert.equal(opt.udpPayloadSize, 1232);
  });

  it('answers FORMERR to an undecodable query and drops what is not a query at all', () => {
    const garbage = Buffer.concat([query('web.default.svc.cluster.local', 'A').subarray(0, 12), Buffer.from([0xff, 0xff])]);
    const out = handleMessage(garbage, 'udp', source, DEFAULT_LOOKUP_CONFIG);
    assert.equal(out?.rcode, 'FORMERR');
    assert.equal(dnsPacket.decode(out.response).id, 4242);
    assert.equal(handleMessage(Buffer.from([1, 2, 3]), 'udp', source, DEFAULT_LOOKUP_CONFIG), undefined);
    const response = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x' }] });
    assert.equal(handleMessage(response, 'udp', source, DEFAULT_LOOKUP_CONFIG), undefined);
  });
});
