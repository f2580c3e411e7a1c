/**
 * The deletion conditions a terminating namespace carries, as upstream's
 * pkg/controller/namespace/deletion/status_condition_utils.go sets them: all five are
 * present once deletion starts; each is False with an "ok" reason unless that step failed.
 */
import type { NamespaceCondition } from 'kubernetes-types/core/v1.js';

export type DeletionConditionType =
  | 'NamespaceDeletionDiscoveryFailure'
  | 'NamespaceDeletionGroupVersionParsingFailure'
  | 'NamespaceDeletionContentFailure'
  | 'NamespaceContentRemaining'
  | 'NamespaceFinalizersRemaining';

const OK: Record<DeletionConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

const TYPES = Object.keys(OK) as DeletionConditionType[];

/** What one pass of content deletion found. */
export interface DeletionOutcome {
  /** groupVersion → error, for groups discovery could not read. */
  discoveryFailures: Map<string, string>;
  /** Messages of failed deletes/lists. */
  deleteFailures: string[];
  /** `resource[.group]` → objects still present. */
  remaining: Map<string, number>;
  /** finalizer → objects still carrying it. */
  finalizers: Map<string, number>;
}

function failure(type: DeletionConditionType, o: DeletionOutcome): { reason: string; message: string } | undefined {
  const list = (m: Map<string, number>, fmt: (k: string, n: number) => string) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => fmt(k, n)).join(', ');
  switch (type) {
    case 'NamespaceDeletionDiscoveryFailure':
      if (!o.discoveryFailures.size) return undefined;
      return { reason: 'DiscoveryFailed', message: `Discovery failed for some groups, ${o.discoveryFailures.size} failing: ${[...o.discoveryFailures].map(([gv, e]) => `${gv}: ${e}`).join(', ')}` };
    case 'NamespaceDeletionGroupVersionParsingFailure':
      return undefined;
    case 'NamespaceDeletionContentFailure':
      if (!o.deleteFailures.length) return undefined;
      return { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${o.deleteFailures.length} remaining: ${o.deleteFailures.join(', ')}` };
    case 'NamespaceContentRemaining':
      if (!o.remaining.size) return undefined;
      return { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${list(o.remaining, (k, n) => `${k} has ${n} resource instances`)}` };
    case 'NamespaceFinalizersRemaining':
      if (!o.finalizers.size) return undefined;
      return { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${list(o.finalizers, (k, n) => `${k} in ${n} resource instances`)}` };
  }
}

/** The namespace's new conditions; lastTransitionTime changes only when a status flips. */
export function deletionConditions(current: readonly NamespaceCondition[] | undefined, o: DeletionOutcome, now: string): NamespaceCondition[] {
  const others = (current ?? []).filter((c) => !TYPES.includes(c.type as DeletionConditionType));
  const ours = TYPES.map((type): NamespaceCondition => {
    const f = failure(type, o);
    const status = f ? 'True' : 'False';
    const { reason, message } = f ?? OK[type];
    const prev = current?.find((c) => c.type === type);
    const lastTransitionTime = prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return { type, status, reason, message, lastTransitionTime };
  });
  return [...others, ...ours];
}
