/**
 * DefaultStorageClass, as the upstream admission plugin: a PersistentVolumeClaim that
 * names no storage class gets the cluster's default one (the StorageClass annotated
 * `storageclass.kubernetes.io/is-default-class: "true"`; the newest if several).
 */
import type { ObjectLister } from '../../caches/object-cache.js';
import type { AdmissionPlugin } from '../types.js';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export function defaultStorageClass(storageClasses: ObjectLister): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit(a) {
      const info = a.resource.info;
      if (info.group !== '' || info.resource !== 'persistentvolumeclaims' || a.operation !== 'CREATE' || a.subresource || !a.object) return;
      const spec = (a.object.spec ??= {}) as { storageClassName?: string | null };
      // An explicit "" means "no class" and stays as it is.
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      const defaults = (await storageClasses.list(undefined))
        .filter((sc) => sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
        .sort((x, y) => String(y.metadata?.creationTimestamp).localeCompare(String(x.metadata?.creationTimestamp)));
      if (defaults[0]) spec.storageClassName = defaults[0].metadata!.name;
    },
  };
}
