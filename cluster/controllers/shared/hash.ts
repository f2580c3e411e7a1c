/**
 * The pod-template-hash, as upstream's controller.ComputeHash: FNV-32a over the pod
 * template (plus the Deployment's collisionCount as 8 little-endian bytes, when set),
 * rendered with rand.SafeEncodeString so the label never spells words nor looks like a
 * number. Upstream hashes a spew dump of the Go struct; we hash canonical JSON (sorted
 * keys, empty values dropped), which is equally stable for one cluster.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over bytes (hash/fnv New32a), continuing from `seed`. */
export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** Consonants and digits without vowels or look-alikes (k8s.io/apimachinery/pkg/util/rand). */
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each byte of `s` mapped onto SAFE_ALPHANUMS. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length];
  return out;
}

/** Drops undefined/null and empty objects/arrays, recursively (Semantic.DeepEqual treats nil and empty alike). */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(normalize);
    return items.length ? items : undefined;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalize((v as Record<string, unknown>)[k]);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** JSON with sorted keys and empty values dropped: the same text for semantically equal objects. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(normalize(v) ?? null);
}

/** controller.ComputeHash(template, collisionCount). */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
