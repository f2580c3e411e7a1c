/**
 * The lines of a long text that are drawn (issue #5): those in view of a scrolled element, plus
 * `overscan` either side, the rest left to a spacer of the full height. Shared by the read-only
 * YamlView and YamlEditor's highlighted backdrop; their lines are LINE_HEIGHT px tall (their CSS).
 */
import { computed, ref, type Ref } from 'vue';
import { useResize } from './useResize';

export const LINE_HEIGHT = 18;

export interface LineWindowOptions {
  /** Lines drawn beyond the view on each side. */
  overscan: number;
  /** Space above the first line inside the scrolled element (px). */
  padding?: number;
}

export function useLineWindow(count: () => number, viewport: Ref<HTMLElement | null>, opts: LineWindowOptions) {
  const scrollTop = ref(0);
  const height = ref(600);
  /** Index of the first line drawn, and one past the last. */
  const first = computed(() => Math.max(0, Math.floor((scrollTop.value - (opts.padding ?? 0)) / LINE_HEIGHT) - opts.overscan));
  const last = computed(() => Math.min(count(), first.value + Math.ceil(height.value / LINE_HEIGHT) + 2 * opts.overscan));

  /** Takes the scroll position and height of `el` (the viewport, or what scrolls in step with it). */
  function follow(el: HTMLElement): void {
    scrollTop.value = el.scrollTop;
    if (el.clientHeight > 0) height.value = el.clientHeight;
  }
  const measure = () => {
    if (viewport.value) follow(viewport.value);
  };
  useResize(viewport, measure);

  return { first, last, follow, measure };
}
