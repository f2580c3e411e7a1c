/**
 * Every built-in resource the API server serves, as kube-apiserver registers it:
 * group, version, plural resource name, kind, scope, short names, categories, verbs,
 * subresources and the etcd key prefix kube-apiserver writes (e.g. nodes live under
 * `/registry/minions/`, services under `/registry/services/specs/`).
 *
 * This table is the single source the router, discovery, OpenAPI paths, storage keys,
 * Table printers and RBAC defaults read. Custom resources get entries at run time
 * (see crd registration) with the same shape.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_ONLY_CREATE: readonly Verb[] = ['create'];

export type SubresourceName =
  | 'status'
  | 'scale'
  | 'binding'
  | 'eviction'
  | 'log'
  | 'exec'
  | 'attach'
  | 'portforward'
  | 'proxy'
  | 'token'
  | 'ephemeralcontainers'
  | 'resize'
  | 'approval'
  | 'finalize';

export interface ResourceInfo {
  /** API group; '' for the core group served under /api. */
  group: string;
  version: string;
  /** Plural, lower-case resource name used in URLs. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly Verb[];
  subresources: readonly SubresourceName[];
  /** Key prefix in the store, without trailing slash: `/registry/pods`. */
  storagePrefix: string;
  /** The object carries a separate status (writes to the main resource keep status; /status keeps spec). */
  hasStatus: boolean;
  /** Created by the server itself only (reviews): never stored. */
  virtual?: boolean;
  /** Scale subresource paths, for custom resources and built-ins alike. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

interface Spec {
  g: string;
  v: string;
  r: string;
  kind: string;
  ns: boolean;
  short?: string[];
  cat?: string[];
  sub?: SubresourceName[];
  /** etcd key segment after /registry/ when it differs from the resource name. */
  key?: string;
  verbs?: readonly Verb[];
  status?: boolean;
  virtual?: boolean;
  singular?: string;
}

const specs: Spec[] = [
  // core/v1
  { g: '', v: 'v1', r: 'namespaces', kind: 'Namespace', ns: false, short: ['ns'], sub: ['status', 'finalize'], status: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { g: '', v: 'v1', r: 'pods', kind: 'Pod', ns: true, short: ['po'], cat: ['all'], sub: ['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'proxy', 'ephemeralcontainers', 'resize'], status: true },
  { g: '', v: 'v1', r: 'services', kind: 'Service', ns: true, short: ['svc'], cat: ['all'], sub: ['status', 'proxy'], key: 'services/specs', status: true, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
  { g: '', v: 'v1', r: 'endpoints', kind: 'Endpoints', ns: true, short: ['ep'], key: 'services/endpoints', singular: 'endpoints' },
  { g: '', v: 'v1', r: 'configmaps', kind: 'ConfigMap', ns: true, short: ['cm'] },
  { g: '', v: 'v1', r: 'secrets', kind: 'Secret', ns: true },
  { g: '', v: 'v1', r: 'serviceaccounts', kind: 'ServiceAccount', ns: true, short: ['sa'], sub: ['token'] },
  { g: '', v: 'v1', r: 'nodes', kind: 'Node', ns: false, short: ['no'], sub: ['status', 'proxy'], key: 'minions', status: true },
  { g: '', v: 'v1', r: 'events', kind: 'Event', ns: true, short: ['ev'] },
  { g: '', v: 'v1', r: 'persistentvolumes', kind: 'PersistentVolume', ns: false, short: ['pv'], sub: ['status'], status: true },
  { g: '', v: 'v1', r: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', ns: true, short: ['pvc'], sub: ['status'], status: true },
  { g: '', v: 'v1', r: 'resourcequotas', kind: 'ResourceQuota', ns: true, short: ['quota'], sub: ['status'], status: true },
  { g: '', v: 'v1', r: 'limitranges', kind: 'LimitRange', ns: true, short: ['limits'] },
  { g: '', v: 'v1', r: 'replicationcontrollers', kind: 'ReplicationController', ns: true, short: ['rc'], cat: ['all'], sub: ['status', 'scale'], key: 'controllers', status: true },
  { g: '', v: 'v1', r: 'podtemplates', kind: 'PodTemplate', ns: true },
  { g: '', v: 'v1', r: 'bindings', kind: 'Binding', ns: true, verbs: READ_ONLY_CREATE, virtual: true },
  { g: '', v: 'v1', r: 'componentstatuses', kind: 'ComponentStatus', ns: false, short: ['cs'], verbs: ['get', 'list'], virtual: true },
  // apps/v1
  { g: 'apps', v: 'v1', r: 'deployments', kind: 'Deployment', ns: true, short: ['deploy'], cat: ['all'], sub: ['status', 'scale'], status: true },
  { g: 'apps', v: 'v1', r: 'replicasets', kind: 'ReplicaSet', ns: true, short: ['rs'], cat: ['all'], sub: ['status', 'scale'], status: true },
  { g: 'apps', v: 'v1', r: 'statefulsets', kind: 'StatefulSet', ns: true, short: ['sts'], cat: ['all'], sub: ['status', 'scale'], status: true },
  { g: 'apps', v: 'v1', r: 'daemonsets', kind: 'DaemonSet', ns: true, short: ['ds'], cat: ['all'], sub: ['status'], status: true },
  { g: 'apps', v: 'v1', r: 'controllerrevisions', kind: 'ControllerRevision', ns: true },
  // batch/v1
  { g: 'batch', v: 'v1', r: 'jobs', kind: 'Job', ns: true, cat: ['all'], sub: ['status'], status: true },
  { g: 'batch', v: 'v1', r: 'cronjobs', kind: 'CronJob', ns: true, short: ['cj'], cat: ['all'], sub: ['status'], status: true },
  // autoscaling/v2
  { g: 'autoscaling', v: 'v2', r: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', ns: true, short: ['hpa'], cat: ['all'], sub: ['status'], status: true },
  // coordination.k8s.io/v1
  { g: 'coordination.k8s.io', v: 'v1', r: 'leases', kind: 'Lease', ns: true },
  // discovery.k8s.io/v1
  { g: 'discovery.k8s.io', v: 'v1', r: 'endpointslices', kind: 'EndpointSlice', ns: true },
  // events.k8s.io/v1 (the same objects as core/v1 events, another shape)
  { g: 'events.k8s.io', v: 'v1', r: 'events', kind: 'Event', ns: true, short: ['ev'] },
  // networking.k8s.io/v1
  { g: 'networking.k8s.io', v: 'v1', r: 'ingresses', kind: 'Ingress', ns: true, short: ['ing'], sub: ['status'], key: 'ingress', status: true },
  { g: 'networking.k8s.io', v: 'v1', r: 'ingressclasses', kind: 'IngressClass', ns: false },
  { g: 'networking.k8s.io', v: 'v1', r: 'networkpolicies', kind: 'NetworkPolicy', ns: true, short: ['netpol'] },
  // rbac.authorization.k8s.io/v1
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterroles', kind: 'ClusterRole', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterrolebindings', kind: 'ClusterRoleBinding', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'roles', kind: 'Role', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'rolebindings', kind: 'RoleBinding', ns: true },
  // storage.k8s.io/v1
  { g: 'storage.k8s.io', v: 'v1', r: 'storageclasses', kind: 'StorageClass', ns: false, short: ['sc'] },
  // scheduling.k8s.io/v1
  { g: 'scheduling.k8s.io', v: 'v1', r: 'priorityclasses', kind: 'PriorityClass', ns: false, short: ['pc'] },
  // policy/v1
  { g: 'policy', v: 'v1', r: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', ns: true, short: ['pdb'], sub: ['status'], status: true },
  // certificates.k8s.io/v1
  { g: 'certificates.k8s.io', v: 'v1', r: 'certificatesigningrequests', kind: 'CertificateSigningRequest', ns: false, short: ['csr'], sub: ['status', 'approval'], status: true },
  // authentication / authorization reviews: answered, never stored
  { g: 'authentication.k8s.io', v: 'v1', r: 'tokenreviews', kind: 'TokenReview', ns: false, verbs: READ_ONLY_CREATE, virtual: true },
  { g: 'authentication.k8s.io', v: 'v1', r: 'selfsubjectreviews', kind: 'SelfSubjectReview', ns: false, verbs: READ_ONLY_CREATE, virtual: true },
  { g: 'authorization.k8s.io', v: 'v1', r: 'subjectaccessreviews', kind: 'SubjectAccessReview', ns: false, verbs: READ_ONLY_CREATE, virtual: true },
  { g: 'authorization.k8s.io', v: 'v1', r: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', ns: false, verbs: READ_ONLY_CREATE, virtual: true },
  { g: 'authorization.k8s.io', v: 'v1', r: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', ns: false, verbs: READ_ONLY_CREATE, virtual: true },
  { g: 'authorization.k8s.io', v: 'v1', r: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview', ns: true, verbs: READ_ONLY_CREATE, virtual: true },
  // apiextensions.k8s.io/v1
  { g: 'apiextensions.k8s.io', v: 'v1', r: 'customresourcedefinitions', kind: 'CustomResourceDefinition', ns: false, short: ['crd', 'crds'], cat: ['api-extensions'], sub: ['status'], key: 'apiextensions.k8s.io/customresourcedefinitions', status: true },
];

function toInfo(s: Spec): ResourceInfo {
  const singular = s.singular ?? s.kind.toLowerCase();
  return {
    group: s.g,
    version: s.v,
    resource: s.r,
    singular,
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.ns,
    shortNames: s.short ?? [],
    categories: s.cat ?? [],
    verbs: s.verbs ?? ALL_VERBS,
    subresources: s.sub ?? [],
    storagePrefix: `/registry/${s.key ?? s.r}`,
    hasStatus: s.status ?? false,
    virtual: s.virtual,
    scale: s.sub?.includes('scale')
      ? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' }
      : undefined,
  };
}

export const BUILTIN_RESOURCES: readonly ResourceInfo[] = specs.map(toInfo);

/** apiVersion string of a resource: `v1` for core, `apps/v1` otherwise. */
export function apiVersionOf(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `group/version` key used in maps; core group is just the version. */
export function groupVersionKey(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
