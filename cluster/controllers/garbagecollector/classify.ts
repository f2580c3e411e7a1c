/**
 * Decisions of upstream garbagecollector.go attemptToDeleteItem, as pure functions:
 * sort an object's owners into solid (exist, not foreground-deleting), dangling (gone,
 * or the name now belongs to another uid) and waitingForDependentsDeletion; then pick
 * what to do with the object.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';

export type OwnerState = 'solid' | 'dangling' | 'waiting';

export interface ClassifiedOwners {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
}

export function classifyOwners(owners: readonly OwnerReference[], stateOf: (o: OwnerReference) => OwnerState): ClassifiedOwners {
  const out: ClassifiedOwners = { solid: [], dangling: [], waiting: [] };
  for (const o of owners) out[stateOf(o)].push(o);
  return out;
}

export type Action =
  | { kind: 'none' }
  /** Keep the object: drop references to dangling owners, unblock references to waiting owners. */
  | { kind: 'patchOwners'; remove: string[]; unblock: string[] }
  | { kind: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' };

export function decide(c: ClassifiedOwners, o: { hasDependents: boolean; finalizers: readonly string[] }): Action {
  if (!c.solid.length && !c.dangling.length && !c.waiting.length) return { kind: 'none' };
  if (c.solid.length > 0) {
    if (c.dangling.length === 0 && c.waiting.length === 0) return { kind: 'none' };
    // A solid owner keeps the object; references to waiting owners must not block them
    // (upstream unblockOwnerReferences), dangling references are dropped.
    const unblock = c.waiting.filter((w) => w.blockOwnerDeletion).map((w) => w.uid);
    const remove = c.dangling.map((d) => d.uid);
    if (!remove.length && !unblock.length) return { kind: 'none' };
    return { kind: 'patchOwners', remove, unblock };
  }
  if (c.waiting.length > 0 && o.hasDependents) return { kind: 'delete', propagationPolicy: 'Foreground' };
  if (o.finalizers.includes('orphan')) return { kind: 'delete', propagationPolicy: 'Orphan' };
  if (o.finalizers.includes('foregroundDeletion')) return { kind: 'delete', propagationPolicy: 'Foreground' };
  return { kind: 'delete', propagationPolicy: 'Background' };
}
