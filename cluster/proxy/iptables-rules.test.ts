import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { endpointChain, parseSavedChains, probability, renderIptablesRules, serviceChain } from './iptables-rules.js';
import { buildServicePorts } from './service-ports.js';
import type { EndpointInfo, ServicePortInfo } from './service-ports.js';

const ep = (ip: string, port = 80, o: Partial<EndpointInfo> = {}): EndpointInfo => ({ ip, port, ready: true, serving: true, terminating: false, local: false, ...o });
const svcPort = (o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  namespace: 'ns1',
  name: 'svc1',
  portName: 'p80',
  protocol: 'TCP',
  clusterIP: '172.30.0.41',
  port: 80,
  nodePort: 0,
  externalIPs: [],
  externalPolicyLocal: false,
  internalPolicyLocal: false,
  endpoints: [ep('10.180.0.1')],
  ...o,
});

/** The rules of one table, minus the fixed preamble every sync writes. */
function table(text: string, name: 'filter' | 'nat'): string[] {
  const start = text.indexOf(`*${name}\n`);
  const lines = text.slice(start).split('\n');
  return lines.slice(1, lines.indexOf('COMMIT')).filter((l) => !/^-A KUBE-(FORWARD|POSTROUTING|MARK-MASQ) /.test(l));
}

const NODEPORTS_JUMP =
  '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';

describe('renderIptablesRules', () => {
  it('names chains as kube-proxy does (its own test fixtures)', () => {
    assert.equal(serviceChain(svcPort()), 'KUBE-SVC-XPGD46QRK7WJZT7O');
    assert.equal(endpointChain(svcPort(), { ip: '10.180.0.1', port: 80 }), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
    assert.equal(probability(3), '0.3333333333');
  });

  it('renders a ClusterIP + NodePort service, its masquerade rules and the fixed chains', () => {
    const { text } = renderIptablesRules([svcPort({ nodePort: 3001 })], { clusterCIDR: '10.0.0.0/8' });
    assert.equal(
      text,
      `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-EXT-XPGD46QRK7WJZT7O - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "masquerade traffic for ns1/svc1:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-XPGD46QRK7WJZT7O -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
${NODEPORTS_JUMP}
COMMIT
`,
    );
  });

  it('balances with statistic over ready endpoints only, and pins clients with recent under ClientIP affinity', () => {
    const sp = svcPort({
      portName: '',
      protocol: 'UDP',
      port: 53,
      affinityTimeoutSeconds: 10800,
      endpoints: [ep('10.1.0.1', 53), ep('10.1.0.2', 53), ep('10.1.0.3', 53), ep('10.1.0.4', 53, { ready: false, serving: false })],
    });
    const svc = serviceChain(sp);
    const [a, b, c] = ['10.1.0.1', '10.1.0.2', '10.1.0.3'].map((ip) => endpointChain(sp, { ip, port: 53 }));
    const nat = table(renderIptablesRules([sp]).text, 'nat').filter((l) => l.startsWith(`-A ${svc} `) || l.startsWith(`-A ${a} `));
    assert.deepEqual(nat, [
      `-A ${svc} -m comment --comment "ns1/svc1 -> 10.1.0.1:53" -m recent --name ${a} --rcheck --seconds 10800 --reap -j ${a}`,
      `-A ${svc} -m comment --comment "ns1/svc1 -> 10.1.0.2:53" -m recent --name ${b} --rcheck --seconds 10800 --reap -j ${b}`,
      `-A ${svc} -m comment --comment "ns1/svc1 -> 10.1.0.3:53" -m recent --name ${c} --rcheck --seconds 10800 --reap -j ${c}`,
      `-A ${svc} -m comment --comment "ns1/svc1 -> 10.1.0.1:53" -m statistic --mode random --probability 0.3333333333 -j ${a}`,
      `-A ${svc} -m comment --comment "ns1/svc1 -> 10.1.0.2:53" -m statistic --mode random --probability 0.5000000000 -j ${b}`,
      `-A ${svc} -m comment --comment "ns1/svc1 -> 10.1.0.3:53" -j ${c}`,
      `-A ${a} -m comment --comment ns1/svc1 -s 10.1.0.1/32 -j KUBE-MARK-MASQ`,
      `-A ${a} -m comment --comment ns1/svc1 -m recent --name ${a} --set -m udp -p udp -j DNAT --to-destination 10.1.0.1:53`,
    ]);
    assert.ok(!renderIptablesRules([sp]).text.includes('10.1.0.4'), 'a not-ready endpoint gets no rules');
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const sp = svcPort({ endpoints: [ep('10.1.0.1', 80, { ready: false, serving: true, terminating: true }), ep('10.1.0.2', 80, { ready: false, serving: false, terminating: true })] });
    const text = renderIptablesRules([sp]).text;
    assert.match(text, /DNAT --to-destination 10\.1\.0\.1:80/);
    assert.doesNotMatch(text, /10\.1\.0\.2/);
  });

  it('rejects traffic for a service without endpoints, in the filter table only', () => {
    const sp = svcPort({ nodePort: 30080, externalIPs: ['192.168.9.9'], endpoints: [] });
    const { text } = renderIptablesRules([sp]);
    assert.deepEqual(table(text, 'filter').filter((l) => l.startsWith('-A')), [
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 192.168.9.9/32 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT',
    ]);
    assert.deepEqual(table(text, 'nat').filter((l) => l.startsWith('-A')), [NODEPORTS_JUMP]);
  });

  it('externalTrafficPolicy Local: local endpoints keep the source, pods and the node short-circuit to the cluster chain', () => {
    const sp = svcPort({ nodePort: 30080, externalPolicyLocal: true, endpoints: [ep('10.1.0.1', 80, { local: true }), ep('10.2.0.1')] });
    const [svc, ext, svl] = [serviceChain(sp), serviceChain(sp).replace('SVC', 'EXT'), serviceChain(sp).replace('SVC', 'SVL')];
    const local = endpointChain(sp, { ip: '10.1.0.1', port: 80 });
    const nat = table(renderIptablesRules([sp], { clusterCIDR: '10.0.0.0/8' }).text, 'nat');
    assert.deepEqual(
      nat.filter((l) => l.startsWith(`-A ${ext} `) || l.startsWith(`-A ${svl} `)),
      [
        `-A ${ext} -m comment --comment "pod traffic for ns1/svc1:p80 external destinations" -s 10.0.0.0/8 -j ${svc}`,
        `-A ${ext} -m comment --comment "masquerade LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A ${ext} -m comment --comment "route LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j ${svc}`,
        `-A ${ext} -j ${svl}`,
        `-A ${svl} -m comment --comment "ns1/svc1:p80 -> 10.1.0.1:80" -j ${local}`,
      ],
    );
    // Without a local endpoint: external traffic not short-circuited is dropped.
    const none = svcPort({ nodePort: 30080, externalPolicyLocal: true, endpoints: [ep('10.2.0.1')] });
    const text = renderIptablesRules([none], { clusterCIDR: '10.0.0.0/8' }).text;
    assert.ok(table(text, 'filter').includes('-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP'));
    assert.ok(!table(text, 'nat').some((l) => l.includes('SVL')), 'no local chain without local endpoints');
    assert.ok(table(text, 'nat').includes(`-A ${ext} -m comment --comment "pod traffic for ns1/svc1:p80 external destinations" -s 10.0.0.0/8 -j ${svc}`));
  });

  it('masquerades every ClusterIP packet with masqueradeAll, none without a cluster CIDR', () => {
    const svc = serviceChain(svcPort());
    const all = table(renderIptablesRules([svcPort()], { masqueradeAll: true }).text, 'nat');
    assert.ok(all.includes(`-A ${svc} -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41/32 --dport 80 -j KUBE-MARK-MASQ`));
    assert.ok(!table(renderIptablesRules([svcPort()]).text, 'nat').some((l) => l.startsWith(`-A ${svc}`) && l.includes('cluster IP')));
  });

  it('deletes stale per-service chains it finds, and leaves other chains alone', () => {
    const existing = parseSavedChains('*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n:KUBE-SVC-GONE - [0:0]\n:KUBE-SEP-GONE - [0:0]\n:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]\nCOMMIT\n');
    const { text, serviceChains } = renderIptablesRules([svcPort()], { existingNatChains: existing });
    const nat = table(text, 'nat');
    assert.ok(nat.includes(':KUBE-SVC-GONE - [0:0]') && nat.includes('-X KUBE-SVC-GONE') && nat.includes('-X KUBE-SEP-GONE'));
    assert.ok(!text.includes('DOCKER') && !text.includes('-X KUBE-SVC-XPGD46QRK7WJZT7O'));
    assert.deepEqual([...serviceChains].sort(), ['KUBE-SEP-SXIVWICOYRO3J4NJ', 'KUBE-SVC-XPGD46QRK7WJZT7O']);
  });
});

describe('buildServicePorts', () => {
  const service: Service = {
    metadata: { namespace: 'default', name: 'web' },
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.20',
      sessionAffinity: 'ClientIP',
      externalTrafficPolicy: 'Local',
      ports: [
        { name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    },
  };
  const slice = (name: string, endpoints: EndpointSlice['endpoints']): EndpointSlice => ({
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints,
  });

  it('joins the slices of a service to its ports, marking local and unready endpoints', () => {
    const ports = buildServicePorts(
      [service, { metadata: { namespace: 'default', name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } }],
      [
        slice('web-a', [{ addresses: ['10.244.1.5'], nodeName: 'n1' }, { addresses: ['10.244.2.5'], nodeName: 'n2', conditions: { ready: false } }]),
        slice('web-b', [{ addresses: ['10.244.1.5'], nodeName: 'n1' }, { addresses: ['10.244.3.5'], nodeName: 'n3', conditions: { ready: true } }]),
      ],
      'n1',
    );
    assert.equal(ports.length, 2, 'headless services are skipped');
    const http = ports.find((p) => p.portName === 'http')!;
    assert.deepEqual(
      { nodePort: http.nodePort, affinity: http.affinityTimeoutSeconds, local: http.externalPolicyLocal },
      { nodePort: 30080, affinity: 10800, local: true },
    );
    assert.deepEqual(
      http.endpoints.map((e) => [e.ip, e.port, e.ready, e.local]),
      [
        ['10.244.1.5', 8080, true, true],
        ['10.244.2.5', 8080, false, false],
        ['10.244.3.5', 8080, true, false],
      ],
    );
    assert.deepEqual(ports.find((p) => p.portName === 'dns')!.endpoints, [], 'no slice port named dns');
  });
});
