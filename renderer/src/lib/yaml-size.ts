/**
 * Whether a value is at least `limit` characters of text, walking it only until it is (cheap for big objects):
 * small objects are rendered in place, big ones in the YAML worker (issue #5).
 */
export function atLeastChars(value: unknown, limit: number): boolean {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length + 4;
    else if (v && typeof v === 'object') {
      if (Array.isArray(v)) {
        total += 2;
        for (const item of v) stack.push(item);
      } else {
        for (const [k, item] of Object.entries(v)) {
          total += k.length + 4;
          stack.push(item);
        }
      }
    } else total += 6;
    if (total >= limit) return true;
  }
  return false;
}
