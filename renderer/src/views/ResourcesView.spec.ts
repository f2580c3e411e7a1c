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

describe('ResourcesView keyboard', () => {
  const focused = () => (document.activeElement as HTMLElement | null)?.dataset.key;
  const press = (el: Element, key: string) => el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));

  it('j/k and arrows move between rows, Enter opens the detail, Esc closes it', async () => {
    const wrapper = await mountView();
    document.body.append(wrapper.element);
    press(document.body, 'j');
    expect(focused()).toBe('default/a');
    press(document.activeElement!, 'ArrowDown');
    expect(focused()).toBe('default/b');
    press(document.activeElement!, 'j');
    press(document.activeElement!, 'j');
    expect(focused()).toBe('default/c');
    press(document.activeElement!, 'k');
    expect(focused()).toBe('default/b');
    press(document.activeElement!, 'Enter');
    await flushPromises();
    expect(wrapper.find('aside.detail').exists()).toBe(true);
    expect(wrapper.get('tr[data-key="default/b"]').attributes('aria-selected')).toBe('true');
    press(document.body, 'Escape');
    await flushPromises();
    expect(wrapper.find('aside.detail').exists()).toBe(false);
    expect(focused()).toBe('default/b');
    wrapper.unmount();
  });

  it('Delete asks, then deletes the focused row only', async () => {
    const wrapper = await mountView();
    document.body.append(wrapper.element);
    (wrapper.get('tr[data-key="default/c"]').element as HTMLElement).focus();
    press(document.activeElement!, 'Delete');
    await settle();
    expect(window.confirm).toHaveBeenCalledWith('Delete Pod default/c?');
    expect(vi.mocked(bridge.delete).mock.calls.map(([, ns, name]) => `${ns}/${name}`)).toEqual(['default/c']);
    vi.mocked(window.confirm).mockReturnValue(false);
    press(document.activeElement!, 'Delete');
    await settle();
    expect(bridge.delete).toHaveBeenCalledTimes(1);
    wrapper.unmount();
  });
});
