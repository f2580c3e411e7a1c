/** Every Event in the cluster, live from a watch, and the timeline's filters. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useBridge } from '../bridge';
import { buildTimeline, type CoreEvent } from '../lib/timeline';
import { watchCollection, type WatchedCollection } from './watched-collection';

const EVENTS = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };

export const useEventsStore = defineStore('events', () => {
  const collection = shallowRef<WatchedCollection | null>(null);
  const objectFilter = ref('');
  const reasonFilter = ref('');

  async function start(): Promise<void> {
    if (collection.value) return;
    const bridge = await useBridge();
    if (bridge) collection.value = watchCollection(bridge, EVENTS);
  }
  function stop(): void {
    collection.value?.stop();
    collection.value = null;
  }

  const events = computed(() => [...(collection.value?.items.values() ?? [])] as CoreEvent[]);
  const timeline = computed(() => buildTimeline(events.value, { object: objectFilter.value, reason: reasonFilter.value }));
  const error = computed(() => collection.value?.state.error ?? null);

  return { objectFilter, reasonFilter, events, timeline, error, start, stop };
});
