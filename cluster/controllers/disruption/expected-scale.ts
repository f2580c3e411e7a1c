/**
 * How many pods a budget's pods' controllers want (getExpectedScale and its finders in
 * pkg/controller/disruption): each pod's controllerRef is resolved once — a ReplicaSet
 * (unless a Deployment owns it), the Deployment behind a ReplicaSet, a
 * ReplicationController, a StatefulSet (their spec.replicas from the informer caches),
 * else any resource's scale subresource — and the scales are summed. Pods without a
 * controller are reported as unmanaged.
 */
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Indexer } from '../../client/index.js';
import { getControllerOf } from '../shared/controller-ref.js';

export interface WorkloadCaches {
  replicaSets: Indexer<ReplicaSet>;
  deployments: Indexer<Deployment>;
  replicationControllers: Indexer<ReplicationController>;
  statefulSets: Indexer<StatefulSet>;
}

export interface ControllerScale {
  uid: string;
  replicas: number;
}

/** Reads `scale` of any controller kind; undefined when it is not that object (uid differs) or none exists. */
export type ScaleReader = (ref: OwnerReference, namespace: string) => Promise<ControllerScale | undefined>;

type Finder = (ref: OwnerReference, namespace: string) => Promise<ControllerScale | undefined> | ControllerScale | undefined;

const groupOf = (apiVersion: string | undefined) => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');
const isKind = (ref: OwnerReference, kind: string, groups: string[]) => ref.kind === kind && groups.includes(groupOf(ref.apiVersion));

function finders(c: WorkloadCaches, readScale: ScaleReader): Finder[] {
  const rsOf = (ref: OwnerReference, ns: string) => {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = c.replicaSets.getByName(ns, ref.name);
    return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
  };
  return [
    // getPodReplicaSet: a bare ReplicaSet.
    (ref, ns) => {
      const rs = rsOf(ref, ns);
      if (!rs || getControllerOf(rs)?.kind === 'Deployment') return undefined;
      return { uid: rs.metadata!.uid!, replicas: rs.spec?.replicas ?? 1 };
    },
    // getPodDeployment: the Deployment owning the pod's ReplicaSet.
    (ref, ns) => {
      const rs = rsOf(ref, ns);
      const dref = rs && getControllerOf(rs);
      if (!dref || !isKind(dref, 'Deployment', ['apps', 'extensions'])) return undefined;
      const d = c.deployments.getByName(ns, dref.name);
      if (!d || d.metadata?.uid !== dref.uid) return undefined;
      return { uid: d.metadata.uid!, replicas: d.spec?.replicas ?? 1 };
    },
    // getPodReplicationController.
    (ref, ns) => {
      if (!isKind(ref, 'ReplicationController', [''])) return undefined;
      const rc = c.replicationControllers.getByName(ns, ref.name);
      if (!rc || rc.metadata?.uid !== ref.uid) return undefined;
      return { uid: rc.metadata.uid!, replicas: rc.spec?.replicas ?? 1 };
    },
    // getPodStatefulSet.
    (ref, ns) => {
      if (!isKind(ref, 'StatefulSet', ['apps'])) return undefined;
      const ss = c.statefulSets.getByName(ns, ref.name);
      if (!ss || ss.metadata?.uid !== ref.uid) return undefined;
      return { uid: ss.metadata.uid!, replicas: ss.spec?.replicas ?? 1 };
    },
    // getScaleController: anything else that serves a scale subresource.
    (ref, ns) => {
      if (isKind(ref, 'ReplicaSet', ['apps', 'extensions']) || isKind(ref, 'ReplicationController', ['']) || isKind(ref, 'StatefulSet', ['apps'])) return undefined;
      return readScale(ref, ns);
    },
  ];
}

export interface ExpectedScale {
  expectedCount: number;
  /** Names of selected pods without a controller. */
  unmanagedPods: string[];
}

export async function getExpectedScale(pods: readonly Pod[], namespace: string, caches: WorkloadCaches, readScale: ScaleReader): Promise<ExpectedScale> {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  const find = finders(caches, readScale);
  for (const pod of pods) {
    const ref = getControllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata?.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let found: ControllerScale | undefined;
    for (const f of find) {
      found = await f(ref, namespace);
      if (found) break;
    }
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
    scales.set(found.uid, found.replicas);
  }
  let expectedCount = 0;
  for (const n of scales.values()) expectedCount += n;
  return { expectedCount, unmanagedPods };
}
