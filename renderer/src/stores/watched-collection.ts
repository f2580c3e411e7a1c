/**
 * A live collection of one kind (an informer's cache, in the renderer): filled from a bridge
 * watch — current state as ADDED, then changes; RESET clears it when the watch starts over.
 */
import { shallowReactive } from 'vue';
import type { ApiObject, ExplorerWatchEvent, KubariumBridge, ResourceRef } from '../../../electron/preload/api';

export interface WatchedCollection {
  /** Keyed by namespace/name. */
  readonly items: Map<string, ApiObject>;
  readonly state: { synced: boolean; error: string | null };
  stop(): void;
}

export interface WatchOptions {
  /**
   * 'frame': apply the events that arrived since the last frame together, once per animation
   * frame, keeping only each object's latest state (as client-go's DeltaFIFO compresses a key's
   * deltas): a burst of thousands of events costs one render per frame instead of one per event,
   * and a hidden page (no frames) holds at most one pending state per object.
   * Default: apply each event as it arrives.
   */
  batch?: 'frame';
}

/** The pending ERROR's key in a batch (object keys are namespace/name, never starting with NUL). */
const ERROR_KEY = '\0error';

export function keyOf(obj: ApiObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/** Calls `flush` once on the next animation frame after schedule(); a timer where there are no frames (tests). */
function frameScheduler(flush: () => void): { schedule(): void; cancel(): void } {
  const raf = typeof requestAnimationFrame === 'function';
  let handle: number | ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    handle = undefined;
    flush();
  };
  return {
    schedule() {
      if (handle === undefined) handle = raf ? requestAnimationFrame(run) : setTimeout(run, 16);
    },
    cancel() {
      if (handle === undefined) return;
      if (raf) cancelAnimationFrame(handle as number);
      else clearTimeout(handle as ReturnType<typeof setTimeout>);
      handle = undefined;
    },
  };
}

export function watchCollection(bridge: KubariumBridge, ref: ResourceRef, namespace?: string, options: WatchOptions = {}): WatchedCollection {
  const items = shallowReactive(new Map<string, ApiObject>());
  const state = shallowReactive({ synced: false, error: null as string | null });
  // The first batch of ADDED events arrives together; mark synced on the next tick after one.
  let syncTimer: ReturnType<typeof setTimeout> | undefined;
  const apply = (event: ExplorerWatchEvent) => {
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
  };

  // Batched: the latest event per key (a RESET drops what came before it), applied in order of each key's first event.
  const pending = new Map<string, ExplorerWatchEvent>();
  let pendingReset = false;
  const frame = frameScheduler(() => {
    if (pendingReset) apply({ type: 'RESET' });
    pendingReset = false;
    const events = [...pending.values()];
    pending.clear();
    for (const event of events) apply(event);
  });
  const enqueue = (event: ExplorerWatchEvent) => {
    if (event.type === 'RESET') {
      pending.clear();
      pendingReset = true;
    } else if (event.type === 'ERROR') {
      pending.delete(ERROR_KEY); // last, after the objects that came before it
      pending.set(ERROR_KEY, event);
    } else {
      pending.delete(ERROR_KEY); // an object after an error clears it, as apply() does
      pending.set(keyOf(event.object), event); // a key keeps its first position: the order items would get unbatched
    }
    frame.schedule();
  };

  const stop = bridge.watch(ref, namespace, options.batch === 'frame' ? enqueue : apply);
  return {
    items,
    state,
    stop: () => {
      clearTimeout(syncTimer);
      frame.cancel();
      stop();
    },
  };
}
