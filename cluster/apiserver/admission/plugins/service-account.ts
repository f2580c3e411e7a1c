/**
 * ServiceAccount admission for pods, as upstream: a pod without one runs as the
 * namespace's `default` service account, and unless automounting is turned off it gets
 * the projected `kube-api-access-*` volume (token, cluster CA, namespace) mounted at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container.
 */
import { forbiddenMessage } from '../../../api/status.js';
import type { ObjectLister } from '../../caches/object-cache.js';
import { randomSuffix } from '../../storage/resource-store.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

const MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

interface Container {
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface VolumeView {
  name: string;
  secret?: unknown;
  configMap?: unknown;
  projected?: { defaultMode?: number; sources?: { secret?: unknown; configMap?: unknown; serviceAccountToken?: unknown; downwardAPI?: unknown }[] };
}

interface PodSpecView {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: VolumeView[];
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
}

export function serviceAccountAdmission(serviceAccounts: ObjectLister): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    async admit(a: AdmissionAttributes): Promise<void> {
      const info = a.resource.info;
      if (info.group !== '' || info.resource !== 'pods' || a.operation !== 'CREATE' || a.subresource || !a.object) return;
      const spec = (a.object.spec ??= {}) as PodSpecView;
      // A mirror pod (the API's copy of a kubelet's static pod) gets no account and no token, and may not
      // reference API objects the node could not have read (upstream's checkMirrorPodForbiddenReferences).
      if (a.object.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
        const refusal = mirrorPodForbiddenReference(spec);
        if (refusal) throw forbiddenMessage('', 'pods', a.name ?? a.object.metadata?.name ?? '', refusal);
        return;
      }
      const name = spec.serviceAccountName || spec.serviceAccount || 'default';
      spec.serviceAccountName = name;
      spec.serviceAccount = name;
      const sa = await serviceAccounts.get(a.namespace, name);
      // The `default` account is created by the ServiceAccount controller; a pod may race it, as upstream tolerates
      // only for mirror pods. We reject a missing named account, and accept a missing default one.
      if (!sa && name !== 'default') {
        throw forbiddenMessage('', 'pods', a.name ?? a.object.metadata?.generateName ?? '', `error looking up service account ${a.namespace}/${name}: serviceaccount "${name}" not found`);
      }
      const automount = spec.automountServiceAccountToken ?? (sa as { automountServiceAccountToken?: boolean } | undefined)?.automountServiceAccountToken ?? true;
      if (!automount) return;
      const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
      if (all.some((c) => c.volumeMounts?.some((m) => m.mountPath === MOUNT_PATH))) return;
      const volumeName = `kube-api-access-${randomSuffix(5)}`;
      (spec.volumes ??= []).push({
        name: volumeName,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      });
      for (const c of all) (c.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: MOUNT_PATH });
    },
  };
}

function mirrorPodForbiddenReference(spec: PodSpecView): string | undefined {
  if (spec.serviceAccountName || spec.serviceAccount) return 'a mirror pod may not reference service accounts';
  for (const v of spec.volumes ?? []) {
    const sources = v.projected?.sources ?? [];
    if (v.secret || sources.some((s) => s.secret)) return `volume ${v.name}: a mirror pod may not reference secrets`;
    if (v.configMap || sources.some((s) => s.configMap)) return `volume ${v.name}: a mirror pod may not reference configmaps`;
    if (sources.some((s) => s.serviceAccountToken)) return `volume ${v.name}: a mirror pod may not use a service account token`;
  }
  return undefined;
}
