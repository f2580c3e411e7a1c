/** Orderings upstream's controller package defines (ReplicaSetsByCreationTimestamp and friends). */
import type { KubeObject } from '../../client/index.js';

const created = (o: KubeObject) => (o.metadata?.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : 0);

/** Oldest first; ties by name. */
export function byCreationTimestamp(a: KubeObject, b: KubeObject): number {
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

export function newestFirst(a: KubeObject, b: KubeObject): number {
  return -byCreationTimestamp(a, b);
}
