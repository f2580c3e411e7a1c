import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppSettings } from '../../../electron/preload/api';
import { fakeBridge, installBridge } from '../testing/fake-bridge';
import SettingsDialog from './SettingsDialog.vue';

// One bridge object for the file: the page caches the first bridge it finds.
const bridge = fakeBridge();
installBridge(bridge);
afterEach(() => {
  document.body.innerHTML = '';
  Object.assign(bridge, fakeBridge(), { settings: undefined, updateSettings: undefined });
});

describe('SettingsDialog', () => {
  it('in the desktop app, shows and saves what closing the window does', async () => {
    let saved: AppSettings = { windowClose: 'stop-cluster' };
    Object.assign(bridge, {
      settings: vi.fn(async () => saved),
      updateSettings: vi.fn(async (patch: Partial<AppSettings>) => (saved = { ...saved, ...patch })),
    });
    const wrapper = mount(SettingsDialog, { attachTo: document.body });
    await flushPromises();
    const keep = wrapper.get<HTMLInputElement>('input[value="keep-running"]');
    expect(wrapper.get<HTMLInputElement>('input[value="stop-cluster"]').element.checked).toBe(true);
    await keep.setValue(true);
    await flushPromises();
    expect(bridge.updateSettings).toHaveBeenCalledWith({ windowClose: 'keep-running' });
    expect(wrapper.get('[role="status"]').text()).toBe('Saved.');
    expect(keep.element.checked).toBe(true);
  });

  it('in web mode, shows only what applies, and says why', async () => {
    const wrapper = mount(SettingsDialog, { attachTo: document.body });
    await flushPromises();
    expect(wrapper.find('[data-test="window-close-setting"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="web-mode-note"]').text()).toContain('kubarium up --ui');
    expect(wrapper.find('input[value="dark"]').exists()).toBe(true);
  });

  it('is a modal dialog: focus inside, Tab wraps, Esc closes and focus returns', async () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    const wrapper = mount(SettingsDialog, { attachTo: document.body });
    await flushPromises();
    const dialog = wrapper.get('[role="dialog"]');
    expect(dialog.attributes('aria-modal')).toBe('true');
    expect(dialog.element.contains(document.activeElement)).toBe(true);
    const last = dialog.findAll('input').at(-1)!.element as HTMLElement;
    last.focus();
    await dialog.trigger('keydown', { key: 'Tab' });
    expect(document.activeElement).toBe(dialog.get('button.close').element);
    await dialog.trigger('keydown', { key: 'Escape' });
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.unmount();
    expect(document.activeElement).toBe(opener);
  });
});
