/**
 * Hash-consing of managedFields' `fieldsV1` trees in shared (read-only) decoded objects.
 *
 * A decoded pod spends most of its heap on managedFields: `fieldsV1` is a tree of
 * hundreds of nested objects (`{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},…}}}}`),
 * ~11 KB of V8 heap per pod in the benchmark's pods, and objects written by the same
 * manager through the same path (a Deployment's pods, every status update of a kubelet)
 * carry identical subtrees. Only keys and nesting matter (the leaves are `{}`), so identical
 * subtrees are replaced by one frozen instance: the watch cache's objects then share them
 * instead of each holding a copy. Objects there are never mutated (writes work on a
 * deepClone, which copies frozen trees into fresh ones), and freezing makes a write to a
 * shared tree fail loudly instead of corrupting other objects.
 *
 * Canonical trees are held weakly: a tree no longer used by any object is collected, and
 * its table entry goes with it (FinalizationRegistry), so the table is bounded by what
 * the cached objects use.
 */
import type { KubeObject } from './object.js';

const EMPTY: object = Object.freeze({});

/**
 * A trie over a tree's members in order: member name, then the canonical id of its value.
 * The node reached by a tree's members holds that tree's canonical instance. Names are
 * JSON.parse's internalized property names and ids are integers, so a lookup hashes
 * nothing new (a string key built per tree cost as much as the parse itself).
 */
interface Trie {
  next?: Map<string, Map<number, Trie>>;
  canonical?: WeakRef<object>;
  parent?: Trie;
  name?: string;
  childId?: number;
}

export class FieldsInterner {
  private readonly root: Trie = {};
  /** Canonical tree → its id (a parent's trie path names children by id). */
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** Id of the tree intern() returned last. */
  private lastId = 0;
  private canonicals = 0;
  private readonly registry = new FinalizationRegistry<Trie>((t) => {
    if (t.canonical?.deref() !== undefined) return;
    t.canonical = undefined;
    this.canonicals--;
    this.prune(t);
  });

  /** Number of distinct canonical trees alive (for tests). */
  get size(): number {
    return this.canonicals;
  }

  /** Replaces each managedFields entry's fieldsV1 of `obj` (a JSON-decoded object) by its canonical tree, in place. */
  internManagedFields(obj: KubeObject): void {
    const mf = obj.metadata?.managedFields;
    if (!Array.isArray(mf)) return;
    for (const entry of mf as unknown[]) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
      const e = entry as { fieldsV1?: unknown };
      if (isTree(e.fieldsV1) && !Object.isFrozen(e.fieldsV1)) {
        const c = this.intern(e.fieldsV1);
        if (c) e.fieldsV1 = c;
      }
    }
  }

  /**
   * The canonical instance of a fieldsV1 (sub)tree (its id in lastId), or undefined when it
   * is not a tree of objects only (then left as it is).
   */
  private intern(node: Record<string, unknown>): object | undefined {
    // Already canonical (a subtree a write kept from the object before it): nothing to walk.
    const known = this.ids.get(node);
    if (known !== undefined) {
      this.lastId = known;
      return node;
    }
    let t = this.root;
    for (const name in node) {
      // A member named __proto__ (JSON.parse makes them) cannot be reassigned safely; fieldsV1 never has one.
      if (name === '__proto__') return this.abandon(t);
      const child = node[name];
      if (!isTree(child)) return this.abandon(t);
      const c = this.intern(child);
      if (!c) return this.abandon(t);
      if (c !== child) node[name] = c;
      const id = this.lastId;
      let byId = t.next?.get(name);
      if (!byId) (t.next ??= new Map()).set(name, (byId = new Map()));
      let n = byId.get(id);
      if (!n) byId.set(id, (n = { parent: t, name, childId: id }));
      t = n;
    }
    if (t === this.root) {
      this.lastId = 0;
      return EMPTY;
    }
    const existing = t.canonical?.deref();
    if (existing) {
      this.lastId = this.ids.get(existing)!;
      return existing;
    }
    const id = this.nextId++;
    Object.freeze(node);
    this.ids.set(node, id);
    t.canonical = new WeakRef(node);
    this.canonicals++;
    this.registry.register(node, t);
    this.lastId = id;
    return node;
  }

  /** A tree turned out not to be internable: drop the trie path made for it so far. */
  private abandon(t: Trie): undefined {
    this.prune(t);
    return undefined;
  }

  /** Removes trie nodes that lead nowhere (no canonical tree, no children), up towards the root. */
  private prune(t: Trie): void {
    while (t.parent && !t.canonical && !t.next?.size) {
      const byId = t.parent.next!.get(t.name!)!;
      byId.delete(t.childId!);
      if (!byId.size) t.parent.next!.delete(t.name!);
      t = t.parent;
    }
  }
}

/** A JSON object (what JSON.parse makes: no arrays, no null). */
function isTree(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
