import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import ResourcesView from './ResourcesView.vue';

const bridge = fakeBridge();
installBridge(bridge);
const PODS = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: ['list'], shortNames: [] };
const pod = (name: string) => ({ kind: 'Pod', metadata: { name, namespace: 'default', uid: name } });

async function mountView() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/resources/:kind?', name: 'resources', component: ResourcesView }] });
  await router.push('/resources/pods');
  const wrapper = mount(ResourcesView, { global: { plugins: [createPinia(), router] } });
  await settle();
  for (const name of ['a', 'b', 'c']) bridge.watchers.get('pods')!({ type: 'ADDED', object: pod(name) });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  vi.mocked(bridge.listResources).mockResolvedValue([PODS]);
  vi.spyOn(window, 'confirm').mockReturnValue(true);
});

describe('ResourcesView', () => {
  it('deletes the ticked objects, each by name', async () => {
    const wrapper = await mountView();
    expect(wrapper.findAll('tbody tr')).toHaveLength(3);
    await wrapper.get('input[aria-label="Select a"]').trigger('change');
    await wrapper.get('input[aria-label="Select c"]').trigger('change');
    const button = wrapper.get('[data-test="delete-selected"]');
    expect(button.text()).toBe('Delete 2 selected');
    await button.trigger('click');
    await settle();
    expect(vi.mocked(bridge.delete).mock.calls.map(([, ns, name]) => `${ns}/${name}`).sort()).toEqual(['default/a', 'default/c']);
    expect(wrapper.find('[data-test="delete-selected"]').exists()).toBe(false);
  });

  it('creates from a template', async () => {
    vi.mocked(bridge.apply).mockResolvedValue([{ ok: true, object: { kind: 'ConfigMap', metadata: { name: 'settings' } } }]);
    const wrapper = await mountView();
    await wrapper.get('[data-test="create"]').trigger('click');
    await wrapper.get('[data-template="configmap"]').trigger('click');
    expect((wrapper.get('.create textarea').element as HTMLTextAreaElement).value).toContain('kind: ConfigMap');
    await wrapper.findAll('.create button').find((b) => b.text() === 'Create')!.trigger('click');
    await settle();
    expect(vi.mocked(bridge.apply).mock.calls[0][0]).toContain('name: settings');
    expect(wrapper.get('.create [role="status"]').text()).toBe('Created: ConfigMap settings');
  });
});
