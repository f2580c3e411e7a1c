/** Storage defaulting: PVC/PV (core/v1 defaults.go) and StorageClass (storage/v1 defaults.go). */
import { ensureObject, obj, setDefault, setDefaultString, type JsonObject } from '../json.js';

export function defaultPersistentVolumeClaimSpec(spec: JsonObject): void {
  setDefault(spec, 'volumeMode', 'Filesystem');
}

export function defaultPersistentVolumeClaim(pvc: JsonObject): void {
  defaultPersistentVolumeClaimSpec(ensureObject(pvc, 'spec'));
  setDefaultString(ensureObject(pvc, 'status'), 'phase', 'Pending');
}

export function defaultPersistentVolume(pv: JsonObject): void {
  const spec = ensureObject(pv, 'spec');
  setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const hostPath = obj(spec, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  setDefaultString(ensureObject(pv, 'status'), 'phase', 'Pending');
}

export function defaultStorageClass(sc: JsonObject): void {
  setDefault(sc, 'reclaimPolicy', 'Delete');
  setDefault(sc, 'volumeBindingMode', 'Immediate');
}
