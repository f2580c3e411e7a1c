import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContextList, KubeContext } from '../../../electron/preload/api';
import { page, useContextsStore } from '../stores/contexts';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import ContextSwitcher from './ContextSwitcher.vue';

const bridge = fakeBridge();
installBridge(bridge);

const own: KubeContext = { id: 'kubarium', name: 'kubarium', cluster: 'kubarium', user: 'kubarium-admin', namespace: null, server: 'https://127.0.0.1:6443', own: true, file: null };
const prod: KubeContext = { id: 'kubeconfig:prod', name: 'prod', cluster: 'prod', user: 'alice', namespace: null, server: 'https://prod:443', own: false, file: '/home/me/.kube/config' };
const staging: KubeContext = { ...prod, id: 'kubeconfig:staging', name: 'staging', server: 'https://staging:443' };
const list = (active = 'kubarium'): ContextList => ({ contexts: [own, prod, staging], active, currentContext: 'prod', error: null });

let reloads = 0;
beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  vi.mocked(bridge.listContexts).mockResolvedValue(list());
  reloads = 0;
  page.reload = () => void reloads++;
  setActivePinia(createPinia());
});

function mountSwitcher() {
  return mount(ContextSwitcher, { global: { plugins: [createPinia()] }, attachTo: document.body });
}

describe('ContextSwitcher', () => {
  it('lists our kubarium cluster first, then the kubeconfig contexts', async () => {
    const wrapper = mountSwitcher();
    await settle();
    const options = wrapper.findAll('option');
    expect(options.map((o) => o.text())).toEqual(['kubarium (this app)', 'prod', 'staging']);
    expect((wrapper.get('select').element as HTMLSelectElement).value).toBe('kubarium');
    wrapper.unmount();
  });

  it('switches to another context through the bridge, and back', async () => {
    const wrapper = mountSwitcher();
    await settle();
    vi.mocked(bridge.useContext).mockResolvedValueOnce(prod);
    await wrapper.get('select').setValue('kubeconfig:prod');
    await settle();
    expect(bridge.useContext).toHaveBeenCalledWith('kubeconfig:prod');
    const store = useContextsStore();
    expect(store.active).toBe('kubeconfig:prod');
    expect(store.ownActive).toBe(false);
    expect(reloads).toBe(1);

    vi.mocked(bridge.useContext).mockResolvedValueOnce(own);
    await wrapper.get('select').setValue('kubarium');
    await settle();
    expect(bridge.useContext).toHaveBeenLastCalledWith('kubarium');
    expect(store.ownActive).toBe(true);
    wrapper.unmount();
  });

  it('keeps the current context and shows why when a switch fails', async () => {
    const wrapper = mountSwitcher();
    await settle();
    vi.mocked(bridge.useContext).mockRejectedValueOnce(new Error('context "staging": exec plugin "aws" not found'));
    await wrapper.get('select').setValue('kubeconfig:staging');
    await settle();
    expect(useContextsStore().active).toBe('kubarium');
    expect(wrapper.get('[role="alert"]').text()).toContain('exec plugin "aws" not found');
    expect(reloads).toBe(0);
    wrapper.unmount();
  });

  it('merges the kubarium context into the kubeconfig, setting current-context when ticked', async () => {
    const wrapper = mountSwitcher();
    await settle();
    await wrapper.get('button[aria-haspopup]').trigger('click');
    await wrapper.get('input[type="checkbox"]').setValue(true);
    const merge = wrapper.findAll('button').find((b) => b.text() === 'Merge into kubeconfig')!;
    await merge.trigger('click');
    await settle();
    expect(bridge.mergeKubeconfig).toHaveBeenCalledWith(true);
    expect(wrapper.text()).toContain('/home/me/.kube/config');
    wrapper.unmount();
  });

  it('resets only after confirmation', async () => {
    const wrapper = mountSwitcher();
    await settle();
    await wrapper.get('button[aria-haspopup]').trigger('click');
    await wrapper.findAll('button').find((b) => b.text() === 'Reset cluster…')!.trigger('click');
    expect(wrapper.get('[role="dialog"]').text()).toContain('Reset the Kubarium cluster?');
    await wrapper.findAll('[role="dialog"] button').find((b) => b.text() === 'Cancel')!.trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(bridge.resetCluster).not.toHaveBeenCalled();

    await wrapper.get('button[aria-haspopup]').trigger('click');
    await wrapper.findAll('button').find((b) => b.text() === 'Reset cluster…')!.trigger('click');
    await wrapper.findAll('[role="dialog"] button').find((b) => b.text() === 'Reset')!.trigger('click');
    await settle();
    expect(bridge.resetCluster).toHaveBeenCalledTimes(1);
    wrapper.unmount();
  });
});
