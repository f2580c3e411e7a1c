/**
 * Appends `batch` to `list` and drops the oldest entries beyond `max`; returns how many went.
 * The views and their worker copies (log search, trace session) keep the same window this way.
 */
export function appendBounded<T>(list: T[], batch: readonly T[], max: number): number {
  for (const item of batch) list.push(item);
  const over = list.length - max;
  if (over <= 0) return 0;
  list.splice(0, over);
  return over;
}
