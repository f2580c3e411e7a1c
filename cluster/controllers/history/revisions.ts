/**
 * ControllerRevision helpers shared by the DaemonSet and StatefulSet controllers
 * (pkg/controller/history): a revision is a snapshot of the parent's pod template,
 * named `<parent>-<hash>`, labelled `controller-revision-hash`, numbered in order;
 * reverting to an old template bumps the old revision's number instead of adding one.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { StatusError } from '../../api/status.js';
import { CONTROLLERREVISIONS, type RestClient } from '../../client/index.js';
import { canonicalJson, hashRevisionData } from './hash.js';
import { controllerRefTo } from './workload-helpers.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** What a DaemonSet/StatefulSet revision stores: its template, as a replacing patch (getPatch upstream). */
export interface TemplatePatch {
  spec: { template: PodTemplateSpec & { $patch: 'replace' } };
}

export interface RevisionParent {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: { template?: PodTemplateSpec; selector?: { matchLabels?: Record<string, string> } };
}

/** The revision data of a parent's current template. */
export function templatePatch(template: PodTemplateSpec | undefined): TemplatePatch {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

/** The pod template a revision recorded. */
export function templateOfRevision(rev: ControllerRevision): PodTemplateSpec {
  const data = rev.data as Partial<TemplatePatch> | undefined;
  const t = structuredClone(data?.spec?.template ?? {}) as PodTemplateSpec & { $patch?: string };
  delete t.$patch;
  return t;
}

/** history.NewControllerRevision: an unsaved revision of `parent` with the given number. */
export function newRevision(parent: RevisionParent, revision: number, collisionCount?: number): ControllerRevision {
  const data = templatePatch(parent.spec?.template);
  const hash = hashRevisionData(data, collisionCount);
  const labels: Record<string, string> = { ...(parent.spec?.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${parent.metadata?.name}-${hash}`,
      namespace: parent.metadata?.namespace,
      labels,
      ownerReferences: [controllerRefTo(parent)],
    },
    data,
    revision,
  };
}

/** history.EqualRevision: same recorded template (hash label and data). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** Revisions ordered by revision number, then name (history.SortControllerRevisions). */
export function sortRevisions(revs: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => a.revision - b.revision || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export function nextRevisionNumber(revs: readonly ControllerRevision[]): number {
  return revs.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

/** Revisions of `parent` in a namespace's cache: those it controls (by uid). */
export function ownedRevisions(all: readonly ControllerRevision[], parentUid: string | undefined): ControllerRevision[] {
  return all.filter((r) => r.metadata?.ownerReferences?.some((o) => o.controller && o.uid === parentUid));
}

export interface CurrentRevisionResult {
  /** The revision matching the parent's template (created or renumbered if needed). */
  revision: ControllerRevision;
  /** The collisionCount to write back to status if it changed. */
  collisionCount: number;
}

/**
 * Finds or creates the revision for the parent's current template (the core of
 * DaemonSet constructHistory and StatefulSet getStatefulSetRevisions): an equal
 * existing revision is reused (renumbered to be the newest if it is not already);
 * otherwise a new one is created, bumping collisionCount on a name clash with
 * different content (history.CreateControllerRevision).
 */
export async function ensureCurrentRevision(
  client: RestClient,
  parent: RevisionParent,
  revisions: readonly ControllerRevision[],
  collisionCount: number,
): Promise<CurrentRevisionResult> {
  const sorted = sortRevisions(revisions);
  const next = nextRevisionNumber(sorted);
  const candidate = newRevision(parent, next, collisionCount);
  const equal = sorted.filter((r) => equalRevision(r, candidate));
  if (equal.length > 0) {
    const newest = equal[equal.length - 1];
    if (newest.revision === sorted[sorted.length - 1].revision) return { revision: newest, collisionCount };
    const updated = await client.patch<ControllerRevision>(CONTROLLERREVISIONS, newest.metadata!.name!, { revision: next }, { namespace: newest.metadata?.namespace, type: 'merge' });
    return { revision: updated, collisionCount };
  }
  let count = collisionCount;
  for (let attempt = 0; attempt < 10; attempt++) {
    const rev = newRevision(parent, next, count);
    try {
      return { revision: await client.create(CONTROLLERREVISIONS, rev), collisionCount: count };
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      const existing = await client.get<ControllerRevision>(CONTROLLERREVISIONS, rev.metadata!.name!, { namespace: rev.metadata?.namespace });
      const ours = existing.metadata?.ownerReferences?.some((o) => o.uid === parent.metadata?.uid);
      if (ours && equalRevision(existing, rev)) return { revision: existing, collisionCount: count };
      count++;
    }
  }
  throw new Error(`could not create a ControllerRevision for ${parent.metadata?.name}: too many hash collisions`);
}

/**
 * Old revisions to delete so at most `limit` remain that no live pod uses
 * (DaemonSet cleanupHistory / StatefulSet truncateHistory); the current ones are kept.
 */
export function revisionsToPrune(revisions: readonly ControllerRevision[], keep: ReadonlySet<string>, liveHashes: ReadonlySet<string>, limit: number): ControllerRevision[] {
  const candidates = sortRevisions(revisions).filter((r) => {
    const name = r.metadata?.name ?? '';
    const hash = r.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    return !keep.has(name) && !liveHashes.has(hash);
  });
  return candidates.slice(0, Math.max(0, candidates.length - limit));
}

/** The hash label value of a revision. */
export function revisionHash(rev: ControllerRevision): string {
  return rev.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? (rev.metadata?.name ?? '').split('-').pop() ?? '';
}
