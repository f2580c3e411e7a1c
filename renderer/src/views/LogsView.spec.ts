import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import LogsView from './LogsView.vue';

const bridge = fakeBridge();
installBridge(bridge);

const POD = {
  kind: 'Pod',
  metadata: { name: 'talker', namespace: 'default', uid: 'p1' },
  spec: { containers: [{ name: 'main' }, { name: 'sidecar' }] },
};

async function mountLogs() {
  vi.mocked(bridge.get).mockResolvedValue(POD);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/logs/:namespace/:pod', component: LogsView }, { path: '/terminal', component: LogsView }] });
  await router.push('/logs/default/talker');
  await router.isReady();
  const wrapper = mount(LogsView, { global: { plugins: [router, createPinia()] } });
  await settle();
  return wrapper;
}

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

beforeEach(() => Object.assign(bridge, fakeBridge()));

describe('LogsView', () => {
  it('streams the first container, following, with the chosen tail', async () => {
    await mountLogs();
    expect(bridge.logStreams).toHaveLength(1);
    const [stream] = bridge.logStreams;
    expect(stream).toMatchObject({ namespace: 'default', pod: 'talker', options: { container: 'main', follow: true, tailLines: 1000, previous: false, timestamps: false } });
  });

  it('renders only the rows in view of 100,000 lines', async () => {
    const wrapper = await mountLogs();
    bridge.logStreams[0].push({ type: 'lines', lines: lines(100_000) });
    await flushPromises();
    expect(wrapper.get('[data-test="log-status"]').text()).toContain('100,000 lines');
    const rendered = wrapper.findAll('[data-test="log-line"]');
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(100);
    // Following: the rows in view are the newest ones.
    expect(rendered.at(-1)!.text()).toBe('line 99999');
  });

  it('follow appends new lines at the end, in view', async () => {
    const wrapper = await mountLogs();
    const [stream] = bridge.logStreams;
    stream.push({ type: 'lines', lines: lines(500) });
    await flushPromises();
    stream.push({ type: 'lines', lines: ['tick 1', 'tick 2'] });
    await flushPromises();
    await settle();
    const texts = wrapper.findAll('[data-test="log-line"]').map((l) => l.text());
    expect(texts.slice(-2)).toEqual(['tick 1', 'tick 2']);
    expect(wrapper.get('[data-test="log-status"]').text()).toContain('502 lines');
  });

  it('search highlights every match and counts them', async () => {
    const wrapper = await mountLogs();
    bridge.logStreams[0].push({ type: 'lines', lines: ['starting', 'ERROR: disk full', 'ok', 'another error here'] });
    await flushPromises();
    await wrapper.get('input[type="search"]').setValue('error');
    await settle();
    const marks = wrapper.findAll('mark').map((m) => m.text());
    expect(marks).toEqual(['ERROR', 'error']);
    expect(wrapper.get('[data-test="match-count"]').text()).toBe('1 of 2');
    expect(wrapper.findAll('.line.match')).toHaveLength(2);
    await wrapper.get('button[aria-label="Next match"]').trigger('click');
    expect(wrapper.get('[data-test="match-count"]').text()).toBe('2 of 2');
    expect(wrapper.get('.line.current').text()).toBe('another error here');
  });

  it('restarts the stream for another container, the previous instance, and timestamps (shown apart)', async () => {
    const wrapper = await mountLogs();
    await wrapper.get('select[aria-label="Container"]').setValue('sidecar');
    await settle();
    expect(bridge.logStreams[0].stopped).toBe(true);
    expect(bridge.logStreams.at(-1)!.options.container).toBe('sidecar');

    const [previous, timestamps] = wrapper.findAll('input[type="checkbox"]');
    await previous.setValue(true);
    await settle();
    expect(bridge.logStreams.at(-1)!.options).toMatchObject({ previous: true, follow: false });

    await timestamps.setValue(true);
    await settle();
    const stream = bridge.logStreams.at(-1)!;
    expect(stream.options.timestamps).toBe(true);
    stream.push({ type: 'lines', lines: ['2026-01-01T10:00:00.123456789Z hello'] });
    stream.push({ type: 'end' });
    await flushPromises();
    expect(wrapper.get('.ts').text()).toBe('2026-01-01T10:00:00.123456789Z');
    expect(wrapper.get('[data-test="log-line"]').text()).toContain('hello');
    expect(wrapper.get('[data-test="log-status"]').text()).toContain('ended');
  });

  it("shows the API's message when the log cannot be read", async () => {
    const wrapper = await mountLogs();
    bridge.logStreams[0].push({ type: 'error', error: { code: 400, reason: 'BadRequest', message: 'container "main" in pod "talker" is waiting to start', causes: [] } });
    await flushPromises();
    expect(wrapper.get('[data-test="log-status"] .error').text()).toContain('is waiting to start');
  });
});
