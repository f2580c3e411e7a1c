/**
 * Claim ↔ volume matching (pkg/controller/volume/persistentvolume/index.go
 * findBestMatchForClaim, reduced): same storage class, access modes a superset, capacity
 * at least the request, labels matching the claim's selector, same volume mode; the
 * smallest fitting volume wins. Also the PV the local-path provisioner makes.
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { parseQuantity } from '../../api/quantity.js';
import { selectorFromLabelSelector } from '../../api/labels.js';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
export const PROVISIONER = 'kubarium.io/local-path';

export const claimClass = (c: PersistentVolumeClaim) => c.spec?.storageClassName ?? '';
export const requestOf = (c: PersistentVolumeClaim) => parseQuantity(c.spec?.resources?.requests?.storage) ?? 0;
export const capacityOf = (v: PersistentVolume) => parseQuantity(v.spec?.capacity?.storage) ?? 0;

export function volumeMatches(v: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = v.spec?.claimRef;
  if (ref && !(ref.namespace === c.metadata?.namespace && ref.name === c.metadata?.name && (!ref.uid || ref.uid === c.metadata?.uid))) return false;
  if (!ref && v.status?.phase && v.status.phase !== 'Available') return false;
  if (v.metadata?.deletionTimestamp) return false;
  if ((v.spec?.storageClassName ?? '') !== claimClass(c)) return false;
  if ((v.spec?.volumeMode ?? 'Filesystem') !== (c.spec?.volumeMode ?? 'Filesystem')) return false;
  const modes = new Set(v.spec?.accessModes ?? []);
  if (!(c.spec?.accessModes ?? []).every((m) => modes.has(m))) return false;
  if (capacityOf(v) < requestOf(c)) return false;
  if (c.spec?.selector && !selectorFromLabelSelector(c.spec.selector).matches(v.metadata?.labels)) return false;
  return true;
}

/** The volume to bind: one pre-bound to this claim first, else the smallest match. */
export function findBestMatch(volumes: readonly PersistentVolume[], c: PersistentVolumeClaim): PersistentVolume | undefined {
  const fits = volumes.filter((v) => volumeMatches(v, c));
  const prebound = fits.find((v) => v.spec?.claimRef);
  if (prebound) return prebound;
  return fits.sort((a, b) => capacityOf(a) - capacityOf(b))[0];
}

export function isDefaultClass(sc: StorageClass): boolean {
  return sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/** The local-path PV for a claim on `node` (hostPath + nodeAffinity, as rancher's local-path-provisioner). */
export function provisionedVolume(c: PersistentVolumeClaim, sc: StorageClass, node: string, baseDir = '/var/lib/kubarium/local-path'): PersistentVolume {
  const name = `pvc-${c.metadata!.uid}`;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': sc.provisioner } },
    spec: {
      capacity: { storage: c.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'],
      volumeMode: c.spec?.volumeMode ?? 'Filesystem',
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata!.name,
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: c.metadata!.namespace, name: c.metadata!.name, uid: c.metadata!.uid },
      hostPath: { path: `${baseDir}/${name}_${c.metadata!.namespace}_${c.metadata!.name}`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}
