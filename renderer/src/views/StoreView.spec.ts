import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import StoreView from './StoreView.vue';

const bridge = fakeBridge();
installBridge(bridge);
const SECRET = '/registry/secrets/default/db';

beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  vi.mocked(bridge.storeKeys).mockResolvedValue({ revision: 20, keys: [{ key: SECRET, createRevision: 5, modRevision: 7, version: 2, lease: 0, size: 120 }] });
  vi.mocked(bridge.storeHistory).mockResolvedValue([
    { key: SECRET, createRevision: 5, modRevision: 7, version: 2, lease: 0, size: 120 },
    { key: SECRET, createRevision: 5, modRevision: 5, version: 1, lease: 0, size: 118 },
  ]);
  vi.mocked(bridge.storeValue).mockImplementation(async (key, _rev, decrypt) => ({
    key,
    createRevision: 5,
    modRevision: 7,
    version: 2,
    lease: 0,
    size: 120,
    revision: 20,
    encoding: decrypt ? 'json' : 'encrypted',
    text: decrypt ? '{\n  "data": {"password": "aHVudGVyMg=="}\n}' : 'k8s:enc:aesgcm:v1:key1:AAEC',
    decrypted: Boolean(decrypt),
  }));
});

describe('StoreView', () => {
  it('browses the tree to a key and shows its metadata, ciphertext, history, and the decrypted value on request', async () => {
    const wrapper = mount(StoreView, { global: { plugins: [createPinia()] } });
    await settle();
    expect(wrapper.text()).toContain('revision 20');
    await wrapper.get('[data-path="/registry/secrets/"]').trigger('click');
    expect(wrapper.get('[data-path="/registry/secrets/"]').text()).toContain('1');
    await wrapper.get('[data-path="/registry/secrets/default/"]').trigger('click');
    await wrapper.get(`[data-key="${SECRET}"]`).trigger('click');
    await settle();

    const value = wrapper.get('[data-test="store-value"]');
    expect(value.get('[data-test="mod-revision"]').text()).toBe('7');
    expect(value.get('pre').text()).toBe('k8s:enc:aesgcm:v1:key1:AAEC');
    expect(value.findAll('.history li')).toHaveLength(2);

    await value.get('[data-test="decrypt"]').trigger('click');
    await settle();
    expect(bridge.storeValue).toHaveBeenLastCalledWith(SECRET, undefined, true);
    expect(wrapper.get('[data-test="store-value"] pre').text()).toContain('aHVudGVyMg==');
    expect(wrapper.text()).toContain('Decrypted on request');
  });

  it('lists live store events in the feed, newest first', async () => {
    const wrapper = mount(StoreView, { global: { plugins: [createPinia()] } });
    await settle();
    bridge.storeWatchers[0]([
      { type: 'PUT', key: '/registry/pods/default/a', createRevision: 21, modRevision: 21, version: 1, lease: 0, size: 10, prevModRevision: 0 },
      { type: 'DELETE', key: '/registry/pods/default/b', createRevision: 3, modRevision: 22, version: 0, lease: 0, size: 0, prevModRevision: 4 },
    ]);
    await settle();
    const rows = wrapper.findAll('.feed tr');
    expect(rows.map((r) => r.findAll('td')[1].text())).toEqual(['DELETE', 'PUT']);
  });
});
