/**
 * The store view's data: keys under /registry as of the live revision (kept current by a store
 * watch) or as of a past one (time travel over retained revisions), the selected key's value,
 * history and metadata, and a feed of the latest store events.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { StoreEvent, StoreInfo, StoreKeyMeta, StoreValue } from '../../../electron/preload/api';
import { useBridge } from '../bridge';
import { ancestorsOf, buildKeyTree } from '../lib/store-tree';

export const STORE_ROOT = '/registry/';
const FEED_SIZE = 200;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useStoreViewStore = defineStore('storeView', () => {
  const info = ref<StoreInfo | null>(null);
  /** null: live (the current revision, following changes); a number: the store as it was then. */
  const atRevision = ref<number | null>(null);
  /** Keys by name, as of the shown revision. */
  const keys = shallowRef(new Map<string, StoreKeyMeta>());
  const filter = ref('');
  const expanded = ref(new Set<string>([STORE_ROOT]));
  const selectedKey = ref<string | null>(null);
  const value = ref<StoreValue | null>(null);
  const decrypt = ref(false);
  const history = ref<StoreKeyMeta[]>([]);
  const feed = ref<StoreEvent[]>([]);
  const error = ref<string | null>(null);
  let stopWatch: (() => void) | undefined;

  const tree = computed(() => {
    const needle = filter.value.trim();
    const names = [...keys.value.keys()].filter((k) => !needle || k.includes(needle));
    return buildKeyTree(names, STORE_ROOT);
  });
  const selectedMeta = computed(() => (selectedKey.value ? (keys.value.get(selectedKey.value) ?? null) : null));

  async function start(): Promise<void> {
    const bridge = await useBridge();
    if (!bridge) return;
    try {
      info.value = await bridge.storeInfo();
    } catch (err) {
      error.value = message(err);
      return;
    }
    if (!stopWatch) {
      stopWatch = bridge.watchStore(STORE_ROOT, (events) => void onStoreEvents(events));
    }
    await loadKeys();
  }

  function stop(): void {
    stopWatch?.();
    stopWatch = undefined;
  }

  async function loadKeys(): Promise<void> {
    const bridge = await useBridge();
    if (!bridge) return;
    try {
      const list = await bridge.storeKeys(STORE_ROOT, atRevision.value ?? undefined);
      keys.value = new Map(list.keys.map((k) => [k.key, k]));
      if (atRevision.value === null && info.value) info.value = { ...info.value, revision: Math.max(info.value.revision, list.revision) };
      error.value = null;
      if (selectedKey.value) await loadValue();
    } catch (err) {
      error.value = message(err);
    }
  }

  async function onStoreEvents(events: StoreEvent[]): Promise<void> {
    feed.value = [...events.slice().reverse(), ...feed.value].slice(0, FEED_SIZE);
    const last = events[events.length - 1];
    if (info.value && last) info.value = { ...info.value, revision: Math.max(info.value.revision, last.modRevision) };
    if (atRevision.value !== null) return; // time travel: the past does not change
    const next = new Map(keys.value);
    for (const e of events) {
      if (e.type === 'DELETE') next.delete(e.key);
      else next.set(e.key, { key: e.key, createRevision: e.createRevision, modRevision: e.modRevision, version: e.version, lease: e.lease, size: e.size });
    }
    keys.value = next;
    if (selectedKey.value && events.some((e) => e.key === selectedKey.value)) await loadValue();
  }

  async function loadValue(): Promise<void> {
    const bridge = await useBridge();
    const key = selectedKey.value;
    if (!bridge || !key) return;
    try {
      const [v, h] = await Promise.all([bridge.storeValue(key, atRevision.value ?? undefined, decrypt.value), bridge.storeHistory(key)]);
      if (key !== selectedKey.value) return;
      value.value = v;
      history.value = atRevision.value === null ? h : h.filter((m) => m.modRevision <= (atRevision.value ?? Infinity));
    } catch (err) {
      error.value = message(err);
    }
  }

  /** Selects a key and opens the folders above it. */
  async function select(key: string): Promise<void> {
    selectedKey.value = key;
    decrypt.value = false;
    value.value = null;
    const open = new Set(expanded.value);
    for (const prefix of ancestorsOf(key, STORE_ROOT)) open.add(prefix);
    expanded.value = open;
    await loadValue();
  }

  function toggle(prefix: string): void {
    const open = new Set(expanded.value);
    if (open.has(prefix)) open.delete(prefix);
    else open.add(prefix);
    expanded.value = open;
  }

  /** Decrypts the selected value (encrypted at rest): only on this explicit request. */
  async function reveal(): Promise<void> {
    decrypt.value = true;
    await loadValue();
  }

  /** Shows the store as of `revision` (null: live). */
  async function travel(revision: number | null): Promise<void> {
    atRevision.value = revision;
    await loadKeys();
  }

  /** Shows the selected key's value as of one of its versions. */
  async function showVersion(modRevision: number): Promise<void> {
    const bridge = await useBridge();
    const key = selectedKey.value;
    if (!bridge || !key) return;
    try {
      value.value = await bridge.storeValue(key, modRevision, decrypt.value);
    } catch (err) {
      error.value = message(err);
    }
  }

  return {
    info,
    atRevision,
    keys,
    filter,
    expanded,
    selectedKey,
    selectedMeta,
    value,
    history,
    feed,
    error,
    tree,
    start,
    stop,
    loadKeys,
    onStoreEvents,
    select,
    toggle,
    reveal,
    travel,
    showVersion,
  };
});
