import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterStatus, ProgressTask } from '../../../electron/preload/api';
import { useActivityStore } from '../stores/activity';
import { useClusterStore } from '../stores/cluster';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import ProgressArea from './ProgressArea.vue';

const bridge = fakeBridge();
installBridge(bridge);

const now = new Date().toISOString();
const task = (patch: Partial<ProgressTask>): ProgressTask => ({ id: 't1', title: 'Start node node-2', phase: 'TLS bootstrap', done: 3, total: 5, started: now, finished: null, error: null, detail: null, ...patch });
const status = (progress: ProgressTask[]): ClusterStatus => ({ state: 'running', apiServerUrl: 'https://127.0.0.1:6443', kubeconfigPath: '/tmp/k', dataDir: '/tmp', error: null, progress });

async function mountArea(progress: ProgressTask[]) {
  const pinia = createPinia();
  setActivePinia(pinia);
  useClusterStore().status = status(progress);
  await useActivityStore().start();
  const wrapper = mount(ProgressArea, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

beforeEach(() => Object.assign(bridge, fakeBridge()));
afterEach(() => {
  useActivityStore().stop();
  document.body.innerHTML = '';
});

describe('ProgressArea', () => {
  it('sums up the running task with its phase and steps, and details every task on click', async () => {
    const wrapper = await mountArea([
      task({ id: 't0', title: 'Prepare the node images', phase: 'node images ready', done: 3, total: 3, finished: now }),
      task({ detail: 'csr node-csr-x approved' }),
      task({ id: 't2', title: 'Build the node image', phase: 'debootstrap', total: null, done: 0 }),
    ]);
    expect(wrapper.get('[data-test="progress-summary"]').text()).toBe('Start node node-2: TLS bootstrap (3/5) +1 more');
    expect(wrapper.find('.busy-spinner').exists()).toBe(true);
    await wrapper.get('button.toggle').trigger('click');
    const items = wrapper.findAll('[data-test="progress-details"] li');
    expect(items.map((li) => li.attributes('data-task'))).toEqual(['Start node node-2', 'Build the node image', 'Prepare the node images']);
    expect((items[0].get('progress').element as HTMLProgressElement).getAttribute('max')).toBe('5');
    expect(items[0].text()).toContain('step 3/5');
    expect(items[0].text()).toContain('csr node-csr-x approved');
    expect(items[1].get('progress').attributes('value')).toBeUndefined(); // indeterminate
    expect(items[2].text()).toContain('✓ node images ready');
    await wrapper.get('[data-test="progress-details"]').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('[data-test="progress-details"]').exists()).toBe(false);
  });

  it('shows failures as readable messages and counts them in the header', async () => {
    const wrapper = await mountArea([task({ finished: now, error: 'No such image: kubarium/node:abc' })]);
    expect(wrapper.get('button.toggle').text()).toContain('1 failed');
    await wrapper.get('button.toggle').trigger('click');
    expect(wrapper.get('[role="alert"]').text()).toBe('Failed: No such image: kubarium/node:abc');
  });

  it('shows image pulls on nodes from Pulling events until their Pulled', async () => {
    const wrapper = await mountArea([]);
    const watch = bridge.watchers.get('events')!;
    const ev = (name: string, reason: string, message: string) => ({
      type: 'ADDED' as const,
      object: { kind: 'Event', metadata: { name, namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' }, reason, message, source: { host: 'node-1' }, lastTimestamp: new Date().toISOString() },
    });
    watch(ev('e1', 'Pulling', 'Pulling image "nginx:1.27"'));
    await settle();
    expect(wrapper.get('[data-test="progress-summary"]').text()).toBe('Pulling 1 image');
    await wrapper.get('button.toggle').trigger('click');
    expect(wrapper.get('[data-test="pull"]').text()).toContain('Pulling nginx:1.27');
    expect(wrapper.get('[data-test="pull"]').text()).toContain('node-1');
    watch({ ...ev('e2', 'Pulled', 'Successfully pulled image "nginx:1.27" in 2s'), type: 'ADDED' });
    await settle();
    expect(wrapper.find('[data-test="pull"]').exists()).toBe(false);
  });
});
