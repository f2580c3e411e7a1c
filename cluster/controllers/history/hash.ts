/**
 * Revision hashes as pkg/controller/history names them: FNV-1a (32 bit) over the
 * revision's data plus the parent's collisionCount, rendered with apimachinery's
 * rand.SafeEncodeString alphabet (no vowels, no look-alike digits), so names such as
 * `web-7b9c8d6f5` look like upstream's.
 */

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a of a UTF-8 string. */
export function fnv32a(input: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const byte of Buffer.from(input, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character of `s` mapped into the safe alphabet. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** JSON with object keys sorted, so equal data hashes equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** history.HashControllerRevision: the `controller-revision-hash` of some revision data. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  let input = canonicalJson(data);
  if (collisionCount) input += `\u0000${collisionCount}`;
  return safeEncode(fnv32a(input).toString(10));
}
