/**
 * A live collection of one kind (an informer's cache, in the renderer): filled from a bridge
 * watch — current state as ADDED, then changes; RESET clears it when the watch starts over.
 */
import { shallowReactive } from 'vue';
import type { ApiObject, KubariumBridge, ResourceRef } from '../../../electron/preload/api';

export interface WatchedCollection {
  /** Keyed by namespace/name. */
  readonly items: Map<string, ApiObject>;
  readonly state: { synced: boolean; error: string | null };
  stop(): void;
}

export function keyOf(obj: ApiObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export function watchCollection(bridge: KubariumBridge, ref: ResourceRef, namespace?: string): WatchedCollection {
  const items = shallowReactive(new Map<string, ApiObject>());
  const state = shallowReactive({ synced: false, error: null as string | null });
  // The first batch of ADDED events arrives together; mark synced on the next tick after one.
  let syncTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = bridge.watch(ref, namespace, (event) => {
    switch (event.type) {
      case 'RESET':
        items.clear();
        return;
      case 'ERROR':
        state.error = event.error.message;
        return;
      case 'DELETED':
        items.delete(keyOf(event.object));
        return;
      default:
        items.set(keyOf(event.object), event.object);
        state.error = null;
        if (!state.synced) {
          clearTimeout(syncTimer);
          syncTimer = setTimeout(() => (state.synced = true), 50);
        }
    }
  });
  return {
    items,
    state,
    stop: () => {
      clearTimeout(syncTimer);
      stop();
    },
  };
}
