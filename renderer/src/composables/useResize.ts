/**
 * Keeps a measurement in step with an element's size: `measure` runs once the component is
 * mounted and again whenever the element is resized, until the component unmounts.
 */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

export function useResize(el: Ref<HTMLElement | null>, measure: () => void): void {
  let observer: ResizeObserver | undefined;
  onMounted(() => {
    measure();
    if (typeof ResizeObserver !== 'undefined' && el.value) {
      observer = new ResizeObserver(() => measure());
      observer.observe(el.value);
    }
  });
  onBeforeUnmount(() => observer?.disconnect());
}
