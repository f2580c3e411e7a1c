import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import NetworkView from './NetworkView.vue';

const bridge = fakeBridge();
installBridge(bridge);
beforeEach(() => Object.assign(bridge, fakeBridge()));

/** What a node's kube-proxy /rules answers for default/web (one endpoint per node index). */
const rules = (node: string, ep: string) => ({
  node,
  mode: 'iptables',
  lastSync: '2026-01-01T10:00:00.000Z',
  servicePorts: [
    {
      service: 'default/web', namespace: 'default', name: 'web', portName: '', protocol: 'TCP', clusterIP: '10.96.0.20', port: 80, nodePort: 30080,
      entry: [{ table: 'nat', chain: 'KUBE-SERVICES', text: '-A KUBE-SERVICES -d 10.96.0.20/32 -j KUBE-SVC-A', target: 'KUBE-SVC-A' }],
      chains: [{ table: 'nat', name: 'KUBE-SVC-A', kind: 'SVC', rules: [{ table: 'nat', chain: 'KUBE-SVC-A', text: '-A KUBE-SVC-A -j KUBE-SEP-B', target: 'KUBE-SEP-B' }] }],
      endpoints: [
        { chain: 'KUBE-SEP-B', destination: `${ep}:8080`, from: ['KUBE-SVC-A'], probability: 0.5, hairpinMasquerade: true },
        { chain: 'KUBE-SEP-C', destination: '10.244.9.9:8080', from: ['KUBE-SVC-A'], probability: 1, hairpinMasquerade: true },
      ],
      masquerade: [],
      rejects: [],
    },
    { service: 'default/other', namespace: 'default', name: 'other', portName: '', protocol: 'TCP', clusterIP: '10.96.0.30', port: 80, nodePort: 0, entry: [], chains: [], endpoints: [], masquerade: [], rejects: [] },
  ],
});

describe('NetworkView', () => {
  it('lists Services and shows, per node, the endpoints kube-proxy programmed with their probabilities', async () => {
    bridge.nodeProxyGet = vi.fn(async (node: string, path: string, port?: number) => {
      expect([path, port]).toEqual(['/rules', 10249]);
      if (node === 'node-2') throw new Error('error dialing backend: connection refused');
      return { contentType: 'application/json', body: JSON.stringify(rules(node, '10.244.1.5')) };
    });
    const wrapper = mount(NetworkView, { global: { plugins: [createPinia()] } });
    await settle();
    bridge.watchers.get('services')!({ type: 'ADDED', object: { metadata: { uid: 's1', namespace: 'default', name: 'web' }, spec: { type: 'NodePort', clusterIP: '10.96.0.20' } } });
    for (const name of ['node-1', 'node-2']) bridge.watchers.get('nodes')!({ type: 'ADDED', object: { metadata: { uid: name, name } } });
    await flushPromises();

    await wrapper.get('button[data-service="default/web"]').trigger('click');
    await settle();
    const node1 = wrapper.get('.node-rules[data-node="node-1"]');
    expect(node1.findAll('.endpoint').map((r) => r.attributes('data-destination'))).toEqual(['10.244.1.5:8080', '10.244.9.9:8080']);
    expect(node1.text()).toContain('50%');
    expect(node1.text()).toContain('NodePort 30080');
    expect(node1.findAll('.port')).toHaveLength(1); // default/other is filtered out
    expect(wrapper.get('.node-rules[data-node="node-2"] .error').text()).toContain('connection refused');

    await wrapper.get('.head button').trigger('click');
    await settle();
    expect(bridge.nodeProxyGet).toHaveBeenCalledTimes(4);
  });
});
