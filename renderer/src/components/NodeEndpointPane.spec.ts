import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { filterMetrics, highlightJson } from '../lib/node-endpoints';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import NodeEndpointPane from './NodeEndpointPane.vue';

const bridge = fakeBridge();
installBridge(bridge);
beforeEach(() => Object.assign(bridge, fakeBridge()));

const METRICS = `# HELP kubelet_running_pods Number of pods
# TYPE kubelet_running_pods gauge
kubelet_running_pods 3
# HELP process_start_time_seconds Start time
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1.7e9
`;

describe('node endpoint rendering', () => {
  it('highlights JSON after escaping it', () => {
    const html = highlightJson('{"a":"<b>","n":1,"t":true}');
    expect(html).toContain('<span class="j-key">"a"</span>:');
    expect(html).toContain('<span class="j-str">"&lt;b&gt;"</span>');
    expect(html).toContain('<span class="j-num">1</span>');
    expect(html).toContain('<span class="j-lit">true</span>');
  });
  it('filters Prometheus text by metric name, HELP and TYPE lines included', () => {
    expect(filterMetrics(METRICS, 'running')).toEqual(['# HELP kubelet_running_pods Number of pods', '# TYPE kubelet_running_pods gauge', 'kubelet_running_pods 3']);
  });
});

describe('NodeEndpointPane', () => {
  it('fetches the kubelet endpoint through the bridge and pretty-prints JSON', async () => {
    bridge.nodeProxyGet = vi.fn(async () => ({ contentType: 'application/json', body: '{"items":[{"metadata":{"name":"web-1"}}]}' }));
    const wrapper = mount(NodeEndpointPane, { props: { node: 'node-1', path: '/pods' } });
    await settle();
    expect(bridge.nodeProxyGet).toHaveBeenCalledWith('node-1', '/pods', undefined);
    expect(wrapper.get('.url').text()).toBe('/api/v1/nodes/node-1/proxy/pods');
    expect(wrapper.get('pre.json').text()).toContain('"name": "web-1"');
  });

  it('filters metrics and shows errors', async () => {
    bridge.nodeProxyGet = vi.fn(async () => ({ contentType: 'text/plain; version=0.0.4', body: METRICS }));
    const wrapper = mount(NodeEndpointPane, { props: { node: 'node-1', path: '/metrics' } });
    await settle();
    await wrapper.get('input[type="search"]').setValue('process_start');
    expect(wrapper.get('pre.metrics').text()).toBe('# HELP process_start_time_seconds Start time\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1.7e9');

    bridge.nodeProxyGet = vi.fn(async () => Promise.reject(new Error('nodes "node-1" is forbidden')));
    await wrapper.setProps({ path: '/configz' });
    await settle();
    expect(wrapper.get('[role="alert"]').text()).toContain('forbidden');
  });
});
