/** The cluster overview's data: every node and every pod, live from two watches. */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { ApiObject } from '../../../electron/preload/api';
import { useBridge } from '../bridge';
import { watchCollection, type WatchedCollection } from './watched-collection';

const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };

export const useOverviewStore = defineStore('overview', () => {
  const nodes = shallowRef<WatchedCollection | null>(null);
  const pods = shallowRef<WatchedCollection | null>(null);

  async function start(): Promise<void> {
    if (nodes.value) return;
    const bridge = await useBridge();
    if (!bridge) return;
    nodes.value = watchCollection(bridge, NODES);
    pods.value = watchCollection(bridge, PODS);
  }
  function stop(): void {
    nodes.value?.stop();
    pods.value?.stop();
    nodes.value = pods.value = null;
  }

  const nodeList = computed(() =>
    [...(nodes.value?.items.values() ?? [])].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')),
  );
  /** Pods by spec.nodeName; '' holds the ones not scheduled yet. */
  const podsByNode = computed(() => {
    const byNode = new Map<string, ApiObject[]>();
    for (const pod of pods.value?.items.values() ?? []) {
      const node = ((pod.spec as { nodeName?: string } | undefined)?.nodeName) ?? '';
      const list = byNode.get(node) ?? [];
      list.push(pod);
      byNode.set(node, list);
    }
    for (const list of byNode.values()) list.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    return byNode;
  });
  const error = computed(() => nodes.value?.state.error ?? pods.value?.state.error ?? null);

  return { start, stop, nodeList, podsByNode, error };
});
