import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import ShortcutSheet from '../components/ShortcutSheet.vue';
import { useAppShortcuts } from './useAppShortcuts';

const Empty = defineComponent({ render: () => h('div') });
const press = (key: string, extra: KeyboardEventInit = {}, target: EventTarget = document.body) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...extra }));

async function mountApp(ownCluster = true) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['overview', 'resources', 'store', 'events', 'trace', 'network', 'terminal'].map((name) => ({ path: name === 'overview' ? '/' : `/${name}`, name, component: Empty })),
  });
  await router.push('/');
  const App = defineComponent({
    setup() {
      const { sheetOpen, settingsOpen } = useAppShortcuts(router, (route) => route !== 'store' || ownCluster);
      return () =>
        h('div', [
          h('main', [h('input', { type: 'search', id: 'search' })]),
          sheetOpen.value ? h(ShortcutSheet, { onClose: () => (sheetOpen.value = false) }) : null,
          settingsOpen.value ? h('p', { id: 'settings' }) : null,
        ]);
    },
  });
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  return { wrapper, router };
}

afterEach(() => (document.body.innerHTML = ''));

describe('app shortcuts', () => {
  it('g + letter and Ctrl/⌘+N go to the views; views that do not apply are skipped', async () => {
    const { wrapper, router } = await mountApp(false);
    press('g');
    press('r');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('resources');
    press('4', { ctrlKey: true });
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('events');
    press('g');
    press('s');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('events');
    wrapper.unmount();
  });

  it('/ focuses the view search, Esc leaves it, ? opens the sheet and Esc closes it', async () => {
    const { wrapper } = await mountApp();
    press('/');
    expect(document.activeElement?.id).toBe('search');
    press('g', {}, document.activeElement!); // typing: no navigation
    press('Escape', {}, document.activeElement!);
    expect(document.activeElement).toBe(document.body);
    press('?', { shiftKey: true });
    await flushPromises();
    const sheet = wrapper.get('[role="dialog"]');
    expect(sheet.text()).toContain('Go to Resources');
    expect(sheet.text()).toContain('g then r');
    press('Escape', {}, document.activeElement!);
    await flushPromises();
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    press(',', { metaKey: true });
    await flushPromises();
    expect(wrapper.find('#settings').exists()).toBe(true);
    wrapper.unmount();
  });
});
