/**
 * Pruning as apiextensions-apiserver does for structural schemas: fields a custom resource's schema does not
 * specify are dropped (kept below `x-kubernetes-preserve-unknown-fields: true`; embedded resources keep
 * apiVersion/kind and have their metadata pruned to ObjectMeta).
 */
import type { SchemaNode } from './compile.js';

const EMBEDDED_IMPLIED = new Set(['apiVersion', 'kind']);

/** Removes unknown fields from `v` in place; returns the removed paths (`spec.foo`, `spec.items[0].bar`). */
export function pruneInPlace(node: SchemaNode, v: unknown, objectMeta: SchemaNode | undefined, path = ''): string[] {
  const removed: string[] = [];
  walk(node, v, path);
  return removed;

  function walk(n: SchemaNode, value: unknown, p: string): void {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      if (n.items) for (let i = 0; i < value.length; i++) walk(n.items, value[i], `${p}[${i}]`);
      return;
    }
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const childPath = p ? `${p}.${key}` : key;
      const sub = n.properties?.get(key);
      if (sub) { walk(sub, obj[key], childPath); continue; }
      if (n.embedded && EMBEDDED_IMPLIED.has(key)) continue;
      if (n.embedded && key === 'metadata') { if (objectMeta) walk(objectMeta, obj[key], childPath); continue; }
      if (n.additional) { if (n.additional !== true) walk(n.additional, obj[key], childPath); continue; }
      if (n.preserveUnknown || (!n.properties && !n.custom)) continue;
      delete obj[key];
      removed.push(childPath);
    }
    // allOf/anyOf members may not introduce fields in structural schemas: nothing to prune through them.
  }
}
