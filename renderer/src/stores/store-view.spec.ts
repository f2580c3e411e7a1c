import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoreKeyMeta } from '../../../electron/preload/api';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import { useStoreViewStore } from './store-view';

const bridge = fakeBridge();
installBridge(bridge);

const meta = (key: string, modRevision: number, version = 1): StoreKeyMeta => ({ key, createRevision: 2, modRevision, version, lease: 0, size: 100 });

beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  setActivePinia(createPinia());
  vi.mocked(bridge.storeKeys).mockResolvedValue({
    revision: 10,
    keys: [meta('/registry/deployments/default/web', 8), meta('/registry/pods/default/web-1', 9), meta('/registry/pods/default/web-2', 10)],
  });
});

describe('the store view store', () => {
  it('loads the keys and counts them per prefix', async () => {
    const store = useStoreViewStore();
    await store.start();
    expect(bridge.storeKeys).toHaveBeenCalledWith('/registry/', undefined);
    expect(store.tree.count).toBe(3);
    expect(store.tree.children.map((c) => [c.name, c.count])).toEqual([
      ['deployments', 1],
      ['pods', 2],
    ]);
  });

  it('follows store events: new keys join, deleted ones leave, and the selected value reloads when it changes', async () => {
    const store = useStoreViewStore();
    await store.start();
    vi.mocked(bridge.storeValue).mockResolvedValue({ ...meta('/registry/deployments/default/web', 8), revision: 10, encoding: 'json', text: '{"replicas": 1}', decrypted: false });
    await store.select('/registry/deployments/default/web');
    expect(store.expanded.has('/registry/deployments/default/')).toBe(true);
    expect(store.value?.text).toContain('"replicas": 1');

    vi.mocked(bridge.storeValue).mockResolvedValue({ ...meta('/registry/deployments/default/web', 11, 2), revision: 11, encoding: 'json', text: '{"replicas": 3}', decrypted: false });
    bridge.storeWatchers[0]([
      { type: 'PUT', ...meta('/registry/deployments/default/web', 11, 2), prevModRevision: 8 },
      { type: 'DELETE', ...meta('/registry/pods/default/web-2', 11), prevModRevision: 10 },
    ]);
    await settle();
    expect(store.value?.text).toContain('"replicas": 3');
    expect(store.tree.count).toBe(2);
    expect(store.feed.map((e) => e.type)).toEqual(['DELETE', 'PUT']);
    expect(store.info?.revision).toBe(11);
  });

  it('reads the whole store as of a past revision, and stops following live changes meanwhile', async () => {
    const store = useStoreViewStore();
    await store.start();
    vi.mocked(bridge.storeKeys).mockResolvedValue({ revision: 8, keys: [meta('/registry/deployments/default/web', 8)] });
    await store.travel(8);
    expect(bridge.storeKeys).toHaveBeenLastCalledWith('/registry/', 8);
    expect(store.tree.count).toBe(1);
    bridge.storeWatchers[0]([{ type: 'PUT', ...meta('/registry/pods/default/new', 12), prevModRevision: 0 }]);
    await settle();
    expect(store.tree.count).toBe(1);
  });

  it('decrypts a Secret only when asked', async () => {
    const store = useStoreViewStore();
    await store.start();
    await store.select('/registry/secrets/default/s');
    expect(bridge.storeValue).toHaveBeenLastCalledWith('/registry/secrets/default/s', undefined, false);
    await store.reveal();
    expect(bridge.storeValue).toHaveBeenLastCalledWith('/registry/secrets/default/s', undefined, true);
  });
});
