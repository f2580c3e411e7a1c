/**
 * The garbage collector's dependency graph (upstream graph_builder.go, reduced): every
 * object seen by the GC's informers, by uid, with its owner references, and the reverse
 * edges owner uid → dependent uids. Owners that are not (yet) known are simply absent:
 * the collector verifies them against the API before acting, as upstream's virtual
 * nodes are verified.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { GVR, KubeObject } from '../../client/index.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface GraphNode {
  uid: string;
  gvr: GVR;
  namespace?: string;
  name: string;
  owners: readonly OwnerReference[];
  /** deletionTimestamp is set. */
  beingDeleted: boolean;
  finalizers: readonly string[];
}

export function nodeOf(gvr: GVR, obj: KubeObject): GraphNode | undefined {
  const m = obj.metadata;
  if (!m?.uid || !m.name) return undefined;
  return {
    uid: m.uid,
    gvr,
    namespace: m.namespace,
    name: m.name,
    owners: m.ownerReferences ?? [],
    beingDeleted: !!m.deletionTimestamp,
    finalizers: m.finalizers ?? [],
  };
}

/** Deleting with foreground propagation: waits for its blocking dependents (isDeletingDependents). */
export function isDeletingDependents(n: Pick<GraphNode, 'beingDeleted' | 'finalizers'>): boolean {
  return n.beingDeleted && n.finalizers.includes(FINALIZER_FOREGROUND);
}

export function isOrphaning(n: Pick<GraphNode, 'beingDeleted' | 'finalizers'>): boolean {
  return n.beingDeleted && n.finalizers.includes(FINALIZER_ORPHAN);
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Adds or replaces a node; returns the previous one. */
  upsert(n: GraphNode): GraphNode | undefined {
    const old = this.nodes.get(n.uid);
    if (old) this.unlink(old);
    this.nodes.set(n.uid, n);
    for (const o of n.owners) {
      let set = this.dependentsOf.get(o.uid);
      if (!set) this.dependentsOf.set(o.uid, (set = new Set()));
      set.add(n.uid);
    }
    return old;
  }

  remove(uid: string): GraphNode | undefined {
    const old = this.nodes.get(uid);
    if (!old) return undefined;
    this.unlink(old);
    this.nodes.delete(uid);
    return old;
  }

  /** Known dependents of `ownerUid` (objects whose ownerReferences name it). */
  dependents(ownerUid: string): GraphNode[] {
    return [...(this.dependentsOf.get(ownerUid) ?? [])].map((u) => this.nodes.get(u)!).filter(Boolean);
  }

  /** Dependents whose reference to the owner has blockOwnerDeletion. */
  blockingDependents(ownerUid: string): GraphNode[] {
    return this.dependents(ownerUid).filter((d) => d.owners.some((o) => o.uid === ownerUid && o.blockOwnerDeletion));
  }

  private unlink(n: GraphNode): void {
    for (const o of n.owners) {
      const set = this.dependentsOf.get(o.uid);
      set?.delete(n.uid);
      if (set?.size === 0) this.dependentsOf.delete(o.uid);
    }
  }
}
