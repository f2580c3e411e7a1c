/**
 * Key-range helpers shared by both backends. etcd orders keys by their bytes; SQLite's
 * BINARY collation compares TEXT by its UTF-8 bytes too, and UTF-8 byte order equals
 * code point order, so "all keys with this prefix" is one half-open interval in both.
 */

/**
 * The smallest string above every string that starts with `prefix`, in UTF-8 byte
 * order; undefined when there is none (empty prefix: the whole key space).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate block: those code points never appear in well-formed text.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      cps.push(String.fromCodePoint(next));
      return cps.join('');
    }
  }
  return undefined;
}

/** etcd's range_end for a prefix (clientv3.GetPrefixRangeEnd): last byte below 0xff plus one; "\0" = to the end. */
export function prefixRangeEnd(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
