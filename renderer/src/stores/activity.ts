/**
 * What the header's progress area shows: the host's long work (ClusterStatus.progress: image builds, node starts,
 * image loads) and image pulls on the nodes, read from Events (lib/pulls.ts).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { ProgressTask } from '../../../electron/preload/api';
import { useBridge } from '../bridge';
import { applyPullEvent, pullsToShow, type ImagePull } from '../lib/pulls';
import { useClusterStore } from './cluster';

const EVENTS = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };
/** Finished tasks stay in the header this long; the details list them until the host drops them. */
const RECENT_MS = 8_000;

/** `3/5`, or null when the task cannot count. */
export function stepsOf(task: ProgressTask): string | null {
  return task.total === null ? null : `${task.done}/${task.total}`;
}

export const useActivityStore = defineStore('activity', () => {
  const cluster = useClusterStore();
  const pulls = shallowRef(new Map<string, ImagePull>());
  const now = ref(Date.now());
  let stopWatch: (() => void) | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;

  /** Follows Events for pulls (restart after a context switch or a reset). */
  async function start(): Promise<void> {
    stop();
    const bridge = await useBridge();
    if (!bridge) return;
    stopWatch = bridge.watch(EVENTS, undefined, (event) => {
      if (applyPullEvent(pulls.value, event)) triggerRef(pulls);
    });
    ticker = setInterval(() => (now.value = Date.now()), 1000);
  }
  function stop(): void {
    stopWatch?.();
    stopWatch = undefined;
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    pulls.value = new Map();
  }

  const tasks = computed<ProgressTask[]>(() => cluster.status?.progress ?? []);
  const running = computed(() => tasks.value.filter((t) => !t.finished));
  /** Failed tasks, newest first. */
  const failed = computed(() => tasks.value.filter((t) => t.error).reverse());
  const shownPulls = computed(() => pullsToShow(pulls.value.values(), now.value));
  /** Failures of the last little while: they keep the header's error mark until seen. */
  const recentFailures = computed(() => failed.value.filter((t) => now.value - Date.parse(t.finished ?? '') < 5 * 60_000).length + shownPulls.value.failed.length);
  const justFinished = computed(() => tasks.value.filter((t) => t.finished && !t.error && now.value - Date.parse(t.finished) < RECENT_MS));
  const busy = computed(() => running.value.length + shownPulls.value.active.length);

  /** One line for the header: the oldest running task with its phase, or the pulls. */
  const summary = computed(() => {
    const first = running.value[0];
    const pullCount = shownPulls.value.active.length;
    const pullText = pullCount ? `pulling ${pullCount} image${pullCount === 1 ? '' : 's'}` : '';
    if (first) {
      const steps = stepsOf(first);
      const more = busy.value - 1;
      return `${first.title}: ${first.phase}${steps ? ` (${steps})` : ''}${more > 0 ? ` +${more} more` : ''}`;
    }
    if (pullText) return pullText[0].toUpperCase() + pullText.slice(1);
    if (justFinished.value.length) return `Done: ${justFinished.value[justFinished.value.length - 1].title}`;
    return '';
  });

  return { tasks, running, failed, pulls: shownPulls, recentFailures, busy, summary, now, start, stop };
});
