/**
 * How a client addresses a resource: group/version/resource plus whether it lives in a
 * namespace (client-go's schema.GroupVersionResource + RESTMapping scope), and the
 * REST paths the API server serves for it.
 */

export interface GVR {
  /** '' for the core (legacy) group served under /api. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower-case resource name, e.g. `pods`. */
  readonly resource: string;
  readonly namespaced: boolean;
  /** Kind of one object, e.g. `Pod` (used to fill TypeMeta on list items). */
  readonly kind: string;
}

function gvr(group: string, version: string, resource: string, kind: string, namespaced = true): GVR {
  return Object.freeze({ group, version, resource, kind, namespaced });
}

// Core group.
export const PODS = gvr('', 'v1', 'pods', 'Pod');
export const NODES = gvr('', 'v1', 'nodes', 'Node', false);
export const NAMESPACES = gvr('', 'v1', 'namespaces', 'Namespace', false);
export const SERVICES = gvr('', 'v1', 'services', 'Service');
export const ENDPOINTS = gvr('', 'v1', 'endpoints', 'Endpoints');
export const CONFIGMAPS = gvr('', 'v1', 'configmaps', 'ConfigMap');
export const SECRETS = gvr('', 'v1', 'secrets', 'Secret');
export const SERVICEACCOUNTS = gvr('', 'v1', 'serviceaccounts', 'ServiceAccount');
export const EVENTS = gvr('', 'v1', 'events', 'Event');
export const PERSISTENTVOLUMES = gvr('', 'v1', 'persistentvolumes', 'PersistentVolume', false);
export const PERSISTENTVOLUMECLAIMS = gvr('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim');
export const REPLICATIONCONTROLLERS = gvr('', 'v1', 'replicationcontrollers', 'ReplicationController');
export const RESOURCEQUOTAS = gvr('', 'v1', 'resourcequotas', 'ResourceQuota');
export const LIMITRANGES = gvr('', 'v1', 'limitranges', 'LimitRange');
// apps/v1.
export const DEPLOYMENTS = gvr('apps', 'v1', 'deployments', 'Deployment');
export const REPLICASETS = gvr('apps', 'v1', 'replicasets', 'ReplicaSet');
export const STATEFULSETS = gvr('apps', 'v1', 'statefulsets', 'StatefulSet');
export const DAEMONSETS = gvr('apps', 'v1', 'daemonsets', 'DaemonSet');
export const CONTROLLERREVISIONS = gvr('apps', 'v1', 'controllerrevisions', 'ControllerRevision');
// batch/v1.
export const JOBS = gvr('batch', 'v1', 'jobs', 'Job');
export const CRONJOBS = gvr('batch', 'v1', 'cronjobs', 'CronJob');
// Others the control plane's components use.
export const LEASES = gvr('coordination.k8s.io', 'v1', 'leases', 'Lease');
export const ENDPOINTSLICES = gvr('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice');
export const EVENTS_V1 = gvr('events.k8s.io', 'v1', 'events', 'Event');
export const PODDISRUPTIONBUDGETS = gvr('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget');
export const HORIZONTALPODAUTOSCALERS = gvr('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
export const PRIORITYCLASSES = gvr('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false);
export const STORAGECLASSES = gvr('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false);
export const CSINODES = gvr('storage.k8s.io', 'v1', 'csinodes', 'CSINode', false);
export const CERTIFICATESIGNINGREQUESTS = gvr('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false);
export const CLUSTERROLEBINDINGS = gvr('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false);
export const SUBJECTACCESSREVIEWS = gvr('authorization.k8s.io', 'v1', 'subjectaccessreviews', 'SubjectAccessReview', false);
export const CUSTOMRESOURCEDEFINITIONS = gvr('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false);

/** `apps/v1` or `v1` for the core group. */
export function apiVersionOf(r: Pick<GVR, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/**
 * The REST path of a collection or one object (and optionally a subresource):
 * `/api/v1/namespaces/ns/pods/name/status`, `/apis/apps/v1/deployments` (all namespaces).
 */
export function resourcePath(r: GVR, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) {
    if (!name) throw new Error(`resourcePath: empty name for ${r.resource}`);
    p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}
