/**
 * VolumeBinding (the part that needs no PV controller): PreFilter resolves the pod's
 * PersistentVolumeClaims — missing or terminating claims and unbound Immediate claims
 * make the pod unschedulable; Filter rejects nodes outside a bound PersistentVolume's
 * spec.nodeAffinity ("volume node affinity conflict"). Unbound WaitForFirstConsumer
 * claims pass (dynamic provisioning / binding is left to a PV controller).
 */
import type { PersistentVolume, PersistentVolumeClaim, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { SKIP, status } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, PreFilterPlugin, Status } from '../types.js';
import { matchNodeSelectorTerms } from './helpers.js';

export const ERR_VOLUME_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export interface VolumeListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
}

const KEY = 'VolumeBinding';

export class VolumeBinding implements PreFilterPlugin, FilterPlugin {
  readonly name = 'VolumeBinding';
  constructor(private readonly listers: VolumeListers) {}
  events(): ClusterEvent[] {
    return ['PvcChange', 'PvChange', 'StorageClassChange', 'NodeAdd', 'NodeLabelChange', 'NodeUpdate'];
  }

  preFilter(state: CycleState, pod: PodInfo): Status | null {
    const claims = (pod.pod.spec?.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim!.claimName);
    if (!claims.length) return SKIP;
    const terms: NodeSelectorTerm[][] = [];
    let unboundImmediate = false;
    for (const name of claims) {
      const pvc = this.listers.claim(pod.namespace, name);
      if (!pvc) return status('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" not found`);
      if (pvc.metadata?.deletionTimestamp) return status('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" is being deleted`);
      const volumeName = pvc.spec?.volumeName;
      if (volumeName) {
        const pv = this.listers.volume(volumeName);
        if (!pv) return status('UnschedulableAndUnresolvable', `pvc(s) bound to non-existent pv(s)`);
        const t = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
        if (t) terms.push(t);
        continue;
      }
      const sc = pvc.spec?.storageClassName ? this.listers.storageClass(pvc.spec.storageClassName) : undefined;
      if (sc?.volumeBindingMode !== 'WaitForFirstConsumer') unboundImmediate = true;
    }
    if (unboundImmediate) return status('UnschedulableAndUnresolvable', ERR_UNBOUND_IMMEDIATE);
    if (!terms.length) return SKIP;
    state.write(KEY, terms);
    return null;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status | null {
    const terms = state.read<NodeSelectorTerm[][]>(KEY) ?? [];
    for (const t of terms) if (!matchNodeSelectorTerms(t, node)) return status('UnschedulableAndUnresolvable', ERR_VOLUME_NODE_CONFLICT);
    return null;
  }
}
