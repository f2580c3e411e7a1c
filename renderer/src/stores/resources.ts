/** The resources view's data: discovery, the chosen kind and namespace, and that kind's objects live from a watch. */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { ApiObject, ResourceKind } from '../../../electron/preload/api';
import { useBridge } from '../bridge';
import { keyOf, watchCollection, type WatchedCollection } from './watched-collection';

/** `deployments.apps` or `pods` for the core group, as kubectl names a resource. */
export function kindId(kind: Pick<ResourceKind, 'resource' | 'group'>): string {
  return kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
}

export const useResourcesStore = defineStore('resources', () => {
  const kinds = ref<ResourceKind[]>([]);
  const selectedKind = ref('pods');
  /** '' for all namespaces. */
  const namespace = ref('');
  const search = ref('');
  const selectedKey = ref<string | null>(null);
  /** Rows ticked for a bulk delete (namespace/name). */
  const checked = reactive(new Set<string>());
  const deleteErrors = ref<string[]>([]);
  const error = ref<string | null>(null);
  const collection = shallowRef<WatchedCollection | null>(null);
  let stopNamespaces: (() => void) | undefined;
  const namespacesSource = shallowRef<WatchedCollection | null>(null);

  const kind = computed(() => kinds.value.find((k) => kindId(k) === selectedKind.value) ?? null);

  async function load(): Promise<void> {
    const bridge = await useBridge();
    if (!bridge) return;
    try {
      kinds.value = (await bridge.listResources()).sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group));
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    }
    if (!stopNamespaces) {
      const ns = watchCollection(bridge, { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' });
      stopNamespaces = ns.stop;
      namespacesSource.value = ns;
    }
    await rewatch();
  }
  const namespaceNames = computed(() => [...(namespacesSource.value?.items.values() ?? [])].map((n) => n.metadata?.name ?? '').sort());

  async function rewatch(): Promise<void> {
    collection.value?.stop();
    collection.value = null;
    selectedKey.value = null;
    checked.clear();
    const bridge = await useBridge();
    if (!bridge || !kind.value) return;
    collection.value = watchCollection(bridge, kind.value, kind.value.namespaced ? namespace.value || undefined : undefined);
  }

  function stop(): void {
    collection.value?.stop();
    collection.value = null;
    stopNamespaces?.();
    stopNamespaces = undefined;
    namespacesSource.value = null;
  }

  const rows = computed(() => {
    const needle = search.value.trim().toLowerCase();
    return [...(collection.value?.items.values() ?? [])]
      .filter((o) => !needle || keyOf(o).toLowerCase().includes(needle))
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  });
  const selected = computed<ApiObject | null>(() => (selectedKey.value ? (collection.value?.items.get(selectedKey.value) ?? null) : null));
  const watchError = computed(() => collection.value?.state.error ?? null);

  /** Deletes every ticked object (each on its own, as `kubectl delete a b c`); failures are listed by name. */
  async function deleteChecked(): Promise<void> {
    await deleteObjects([...checked]);
  }

  /** Deletes the objects with these namespace/name keys (the ticked ones, or the row under the keyboard's focus). */
  async function deleteObjects(targets: string[]): Promise<void> {
    const bridge = await useBridge();
    const k = kind.value;
    if (!bridge || !k) return;
    const results = await Promise.allSettled(
      targets.map((key) => {
        const [ns, name] = key.split('/');
        return bridge.delete(k, ns || null, name);
      }),
    );
    deleteErrors.value = results.flatMap((r, i) => (r.status === 'rejected' ? [`${targets[i]}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
    for (const key of targets) checked.delete(key);
  }

  return { checked, deleteErrors, deleteChecked, deleteObjects, kinds, namespaces: namespaceNames, selectedKind, namespace, search, selectedKey, error, kind, rows, selected, watchError, load, rewatch, stop };
});
