/**
 * What plugins read besides nodes and pods, served from shared informers: claims,
 * volumes and storage classes (VolumeBinding), the selector of a pod's Services and
 * controller (system-default topology spreading, helper.DefaultSelector), and pod
 * priority. As upstream, priority is read from spec.priority, which the Priority admission
 * plugin sets from the PriorityClass: the scheduler never watches PriorityClasses (its
 * bootstrap role system:kube-scheduler does not grant them).
 */
import type { Pod, PersistentVolume, PersistentVolumeClaim, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { Selector, selectorFromLabelSelector } from '../api/labels.js';
import type { Requirement } from '../api/labels.js';
import { NAMESPACE_INDEX } from '../client/index.js';
import type { SharedInformer } from '../client/index.js';
import type { VolumeListers } from './plugins/volume-binding.js';

export interface ListerInformers {
  pvcs: SharedInformer<PersistentVolumeClaim>;
  pvs: SharedInformer<PersistentVolume>;
  storageClasses: SharedInformer<StorageClass>;
  services: SharedInformer<Service>;
  replicaSets: SharedInformer<ReplicaSet>;
  statefulSets: SharedInformer<StatefulSet>;
  replicationControllers: SharedInformer<ReplicationController>;
}

export function volumeListers(i: ListerInformers): VolumeListers {
  return {
    claim: (ns, name) => i.pvcs.indexer.get(`${ns}/${name}`),
    volume: (name) => i.pvs.indexer.get(name),
    storageClass: (name) => i.storageClasses.indexer.get(name),
  };
}

/** corev1helpers.PodPriority: spec.priority (set at admission), else 0. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/** Services selecting the pod, plus its controlling RC/RS/StatefulSet, ANDed into one selector (DefaultSelector). */
export function defaultSelectorFor(i: ListerInformers): (pod: Pod) => Selector | undefined {
  return (pod) => {
    const ns = pod.metadata?.namespace ?? 'default';
    const labels = pod.metadata?.labels ?? {};
    const reqs: Requirement[] = [];
    const equal = (sel: Record<string, string>) => {
      for (const [k, v] of Object.entries(sel)) reqs.push({ key: k, operator: 'Equals', values: [v] });
    };
    for (const svc of i.services.indexer.byIndex(NAMESPACE_INDEX, ns)) {
      const sel = svc.spec?.selector;
      if (sel && Object.keys(sel).length && Object.entries(sel).every(([k, v]) => labels[k] === v)) equal(sel);
    }
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner?.kind === 'ReplicationController') {
      const sel = i.replicationControllers.indexer.get(`${ns}/${owner.name}`)?.spec?.selector;
      if (sel) equal(sel);
    } else if (owner?.kind === 'ReplicaSet' || owner?.kind === 'StatefulSet') {
      const inf = owner.kind === 'ReplicaSet' ? i.replicaSets : i.statefulSets;
      const sel = (inf as SharedInformer<ReplicaSet | StatefulSet>).indexer.get(`${ns}/${owner.name}`)?.spec?.selector;
      if (sel) reqs.push(...selectorFromLabelSelector(sel).requirements);
    }
    return reqs.length ? new Selector(reqs) : undefined;
  };
}
