/** Moving a selection through a list with the keyboard: ↑/↓ and k/j by one, PageUp/PageDown by a page, Home/End to the ends. */

/** The index to move to from `current` (-1: none yet) in a list of `length`; null when `key` is no movement key. */
export function nextIndex(key: string, current: number, length: number, page = 10): number | null {
  if (length === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(length - 1, i));
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return current < 0 ? 0 : clamp(current + 1);
    case 'ArrowUp':
    case 'k':
      return current < 0 ? length - 1 : clamp(current - 1);
    case 'PageDown':
      return clamp(current + page);
    case 'PageUp':
      return clamp(current - page);
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    default:
      return null;
  }
}
