import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseIptablesSave, parseRule, programmedRules, splitArgs, userspaceRules } from './programmed-rules.js';
import type { EndpointInfo, ServicePortInfo } from './service-ports.js';

// Real iptables-save output; see the header of the fixture for what produced it.
const SAVE = readFileSync(new URL('./testing/fixtures/iptables-save.txt', import.meta.url), 'utf8');

const ep = (ip: string, port = 8080, local = false): EndpointInfo => ({ ip, port, ready: true, serving: true, terminating: false, local });
const sp = (o: Partial<ServicePortInfo> & Pick<ServicePortInfo, 'name' | 'clusterIP'>): ServicePortInfo => ({
  namespace: 'default',
  portName: '',
  protocol: 'TCP',
  port: 80,
  nodePort: 0,
  externalIPs: [],
  externalPolicyLocal: false,
  internalPolicyLocal: false,
  endpoints: [],
  ...o,
});

const WEB = sp({ name: 'web', portName: 'http', clusterIP: '10.96.0.20', nodePort: 30080, endpoints: [ep('10.244.1.5'), ep('10.244.2.7'), ep('10.244.1.9')] });
const STICKY = sp({ name: 'sticky', clusterIP: '10.96.0.21', port: 8080, affinityTimeoutSeconds: 10800, endpoints: [ep('10.244.1.5'), ep('10.244.2.7')] });
const DNS = sp({ namespace: 'kube-system', name: 'kube-dns', portName: 'dns', protocol: 'UDP', clusterIP: '10.96.0.10', port: 53, endpoints: [ep('10.244.1.3', 53)] });
const EMPTY = sp({ name: 'empty', clusterIP: '10.96.0.22', nodePort: 30081 });
const LOCAL = sp({ name: 'local', clusterIP: '10.96.0.23', nodePort: 30082, externalPolicyLocal: true, endpoints: [ep('10.244.1.5', 80, true), ep('10.244.2.7', 80)] });

describe('iptables-save parsing', () => {
  it('splits quoted comments and escapes as iptables-save writes them', () => {
    assert.deepEqual(splitArgs('-A X -m comment --comment "a \\"b\\" c" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', 'a "b" c', '-j', 'Y']);
  });

  it('picks the matches out of a rule', () => {
    const r = parseRule('nat', '-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.21/32 -p tcp -m comment --comment "default/sticky cluster IP" -m tcp --dport 8080 -j KUBE-MARK-MASQ');
    assert.equal(r.chain, 'KUBE-SVC-X');
    assert.equal(r.source, '!10.244.0.0/16');
    assert.equal(r.destination, '10.96.0.21/32');
    assert.equal(r.protocol, 'tcp');
    assert.equal(r.dport, 8080);
    assert.equal(r.comment, 'default/sticky cluster IP');
    assert.equal(r.target, 'KUBE-MARK-MASQ');
    const check = parseRule('nat', '-A KUBE-SVC-X -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-A --mask 255.255.255.255 --rsource -j KUBE-SEP-A');
    assert.deepEqual(check.recent, { mode: 'rcheck', name: 'KUBE-SEP-A', seconds: 10800 });
  });

  it('reads every table and chain of a real save', () => {
    const tables = parseIptablesSave(SAVE);
    assert.deepEqual([...tables.keys()].sort(), ['filter', 'nat']);
    assert.ok(tables.get('nat')!.chains.includes('KUBE-SVC-CDGGSHYLG3RE2FKL'));
    assert.equal(tables.get('nat')!.rules.filter((r) => r.chain === 'KUBE-SVC-CDGGSHYLG3RE2FKL').length, 4);
  });
});

describe('programmedRules', () => {
  const rules = programmedRules(parseIptablesSave(SAVE), [WEB, STICKY, DNS, EMPTY, LOCAL]);
  const of = (name: string) => rules.find((r) => r.name === name)!;

  it('follows a ClusterIP + NodePort service to its endpoints, with kube-proxy probabilities', () => {
    const web = of('web');
    assert.equal(web.service, 'default/web:http');
    assert.deepEqual(web.entry.map((r) => `${r.table}/${r.chain}->${r.target}`), ['nat/KUBE-NODEPORTS->KUBE-EXT-CDGGSHYLG3RE2FKL', 'nat/KUBE-SERVICES->KUBE-SVC-CDGGSHYLG3RE2FKL']);
    assert.deepEqual(web.chains.map((c) => c.kind), ['EXT', 'SVC', 'SEP', 'SEP', 'SEP']);
    assert.deepEqual(
      web.endpoints.map((e) => [e.destination, e.probability]),
      [
        ['10.244.1.5:8080', 0.33333333349],
        ['10.244.2.7:8080', 0.5],
        ['10.244.1.9:8080', 1],
      ],
    );
    assert.ok(web.endpoints.every((e) => e.hairpinMasquerade && e.from.join() === 'KUBE-SVC-CDGGSHYLG3RE2FKL'));
    // Off-pod-network ClusterIP traffic and external (NodePort) traffic are marked for masquerade.
    assert.deepEqual(web.masquerade.map((r) => r.chain), ['KUBE-EXT-CDGGSHYLG3RE2FKL', 'KUBE-SVC-CDGGSHYLG3RE2FKL']);
    assert.deepEqual(web.rejects, []);
  });

  it('shows ClientIP affinity as recent checks', () => {
    const sticky = of('sticky');
    assert.equal(sticky.affinitySeconds, 10800);
    assert.deepEqual(sticky.endpoints.map((e) => [e.destination, e.affinitySeconds, e.probability]), [
      ['10.244.1.5:8080', 10800, 0.5],
      ['10.244.2.7:8080', 10800, 1],
    ]);
    const sep = sticky.chains.find((c) => c.kind === 'SEP')!;
    assert.equal(sep.rules.find((r) => r.target === 'DNAT')?.recent?.mode, 'set');
  });

  it('matches UDP services by protocol and finds filter-table REJECTs of a service without endpoints', () => {
    assert.deepEqual(of('kube-dns').endpoints.map((e) => e.destination), ['10.244.1.3:53']);
    const empty = of('empty');
    assert.deepEqual(empty.chains, []);
    assert.deepEqual(empty.rejects.map((r) => `${r.chain}:${r.dport}`), ['KUBE-EXTERNAL-SERVICES:30081', 'KUBE-SERVICES:80']);
  });

  it('follows externalTrafficPolicy Local through KUBE-SVL to the local endpoint only', () => {
    const local = of('local');
    const svl = local.endpoints.filter((e) => e.from.some((c) => c.startsWith('KUBE-SVL-')));
    assert.deepEqual(svl.map((e) => e.destination), ['10.244.1.5:80']);
    assert.deepEqual(local.chains.map((c) => c.kind), ['EXT', 'SVC', 'SVL', 'SEP', 'SEP']);
  });

  it('lists a service port with no rules at all (not synced yet) with empty sections', () => {
    const [missing] = programmedRules(parseIptablesSave(SAVE), [sp({ name: 'new', clusterIP: '10.96.0.99' })]);
    assert.deepEqual([missing.entry, missing.chains, missing.endpoints], [[], [], []]);
  });
});

describe('userspaceRules', () => {
  it('pairs open listeners and usable backends with each service port', () => {
    const notReady = { ...ep('10.244.3.3'), ready: false, serving: false };
    const [web] = userspaceRules([{ ...WEB, endpoints: [...WEB.endpoints, notReady] }], ['tcp/10.96.0.20:80', 'tcp/0.0.0.0:30080', 'udp/10.96.0.10:53']);
    assert.deepEqual(web.listeners, ['tcp/10.96.0.20:80', 'tcp/0.0.0.0:30080']);
    assert.deepEqual(web.backends, ['10.244.1.5:8080', '10.244.2.7:8080', '10.244.1.9:8080']);
  });
});
