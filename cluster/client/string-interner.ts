/**
 * One instance per distinct string value among cached objects. JSON.parse gives every
 * string value its own copy (V8 shares only property names), so 5,000 pods of one
 * Deployment hold 5,000 copies of each image name, probe path, condition type, label
 * value and timestamp; an informer cache of pods was ~1/3 strings. Strings are immutable,
 * so sharing them changes nothing a reader can observe.
 *
 * The table is bounded: when full it starts over (values interned before keep their
 * instance; later ones get a new canonical one), so unique values (names, IPs) cannot
 * make it grow without limit. Values that are unique by nature are not looked up at all.
 */

/** Member names whose values are (nearly) always unique: interning them only fills the table. */
const UNIQUE_VALUED = new Set(['uid', 'resourceVersion', 'containerID', 'podIP', 'generateName']);
/** Long strings (certificates, config files) are rarely repeated and costly to hash. */
const MAX_LENGTH = 256;

export class StringInterner {
  private readonly table = new Map<string, string>();

  constructor(private readonly maxEntries = 50_000) {}

  /** Distinct values in the table (for tests). */
  get size(): number {
    return this.table.size;
  }

  intern(s: string): string {
    const c = this.table.get(s);
    if (c !== undefined) return c;
    if (this.table.size >= this.maxEntries) this.table.clear();
    this.table.set(s, s);
    return s;
  }

  /** Replaces the string values in a JSON tree (objects and arrays, in place) by their shared instances. */
  internTree(v: unknown): void {
    // A frozen tree is already shared (the API server's interned managedFields) and cannot be written.
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          if (x.length <= MAX_LENGTH) v[i] = this.intern(x);
        } else this.internTree(x);
      }
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'string') {
        // A JSON.parse'd own __proto__ member must not be assigned through (it would set the prototype).
        if (x.length <= MAX_LENGTH && k !== '__proto__' && !UNIQUE_VALUED.has(k)) {
          o[k] = this.intern(x); // (=== compares contents, not instances: always store)
        }
      } else this.internTree(x);
    }
  }
}

/** The process's table: informers of every component share it, so their caches share the strings too. */
export const sharedStrings = new StringInterner();
