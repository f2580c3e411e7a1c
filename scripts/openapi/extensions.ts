/**
 * Facts the npm-shipped models lack, written down from the Kubernetes Go types' struct tags
 * (`patchStrategy:"merge" patchMergeKey:"name"`, `+listType=map`, `+listMapKey=...`), kept in one table so the
 * generator (generate-definitions.ts) can stamp them on the definitions as upstream's OpenAPI does.
 */
type Ext = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

/** `patchStrategy: merge` + `patchMergeKey` + `listType: map` keyed by `keys` (the common shape). */
function mergeMap(key: string, keys: string[] = [key], retainKeys = false): Ext {
  return {
    'x-kubernetes-list-map-keys': keys,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': retainKeys ? 'merge,retainKeys' : 'merge',
  };
}
const atomic: Ext = { 'x-kubernetes-list-type': 'atomic' };
const set: Ext = { 'x-kubernetes-list-type': 'set' };
const conditions = mergeMap('type');

const containerLists: Record<string, Ext> = {
  args: atomic,
  command: atomic,
  env: mergeMap('name'),
  envFrom: atomic,
  ports: mergeMap('containerPort', ['containerPort', 'protocol']),
  resizePolicy: atomic,
  volumeDevices: mergeMap('devicePath'),
  volumeMounts: mergeMap('mountPath'),
};

function fieldsOf(def: string, fields: Record<string, Ext>): Record<string, Ext> {
  return Object.fromEntries(Object.entries(fields).map(([f, e]) => [`${def}.${f}`, e]));
}

/** `definition.field` -> vendor extensions to add to that property. */
export const FIELD_EXTENSIONS: Record<string, Ext> = {
  ...fieldsOf(`${META}.ObjectMeta`, {
    finalizers: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    managedFields: atomic,
    ownerReferences: mergeMap('uid'),
  }),
  ...fieldsOf(`${META}.LabelSelector`, { matchExpressions: atomic }),
  ...fieldsOf(`${META}.LabelSelectorRequirement`, { values: atomic }),
  ...fieldsOf(`${META}.Status`, {}),
  ...fieldsOf(`${CORE}.PodSpec`, {
    containers: mergeMap('name'),
    ephemeralContainers: mergeMap('name'),
    hostAliases: mergeMap('ip'),
    imagePullSecrets: mergeMap('name'),
    initContainers: mergeMap('name'),
    readinessGates: atomic,
    resourceClaims: mergeMap('name', ['name'], true),
    schedulingGates: mergeMap('name'),
    tolerations: atomic,
    topologySpreadConstraints: mergeMap('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: mergeMap('name', ['name'], true),
  }),
  ...fieldsOf(`${CORE}.Container`, containerLists),
  ...fieldsOf(`${CORE}.EphemeralContainer`, containerLists),
  ...fieldsOf(`${CORE}.PodStatus`, {
    conditions,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    hostIPs: mergeMap('ip'),
    initContainerStatuses: atomic,
    podIPs: mergeMap('ip'),
    resourceClaimStatuses: mergeMap('name', ['name'], true),
  }),
  ...fieldsOf(`${CORE}.PodSecurityContext`, { supplementalGroups: atomic, sysctls: atomic }),
  ...fieldsOf(`${CORE}.Capabilities`, { add: atomic, drop: atomic }),
  ...fieldsOf(`${CORE}.NodeSelector`, { nodeSelectorTerms: atomic }),
  ...fieldsOf(`${CORE}.NodeSelectorTerm`, { matchExpressions: atomic, matchFields: atomic }),
  ...fieldsOf(`${CORE}.NodeSelectorRequirement`, { values: atomic }),
  ...fieldsOf(`${CORE}.PodAffinity`, { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic }),
  ...fieldsOf(`${CORE}.PodAntiAffinity`, { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic }),
  ...fieldsOf(`${CORE}.NodeAffinity`, { preferredDuringSchedulingIgnoredDuringExecution: atomic }),
  ...fieldsOf(`${CORE}.PodAffinityTerm`, { matchLabelKeys: atomic, mismatchLabelKeys: atomic, namespaces: atomic }),
  ...fieldsOf(`${CORE}.TopologySpreadConstraint`, { matchLabelKeys: atomic }),
  ...fieldsOf(`${CORE}.ConfigMapVolumeSource`, { items: atomic }),
  ...fieldsOf(`${CORE}.SecretVolumeSource`, { items: atomic }),
  ...fieldsOf(`${CORE}.ProjectedVolumeSource`, { sources: atomic }),
  ...fieldsOf(`${CORE}.DownwardAPIVolumeSource`, { items: atomic }),
  ...fieldsOf(`${CORE}.ExecAction`, { command: atomic }),
  ...fieldsOf(`${CORE}.HTTPGetAction`, { httpHeaders: atomic }),
  ...fieldsOf(`${CORE}.ServiceSpec`, {
    clusterIPs: atomic,
    externalIPs: atomic,
    ipFamilies: atomic,
    loadBalancerSourceRanges: atomic,
    ports: mergeMap('port', ['port', 'protocol']),
  }),
  ...fieldsOf(`${CORE}.ServiceStatus`, { conditions }),
  ...fieldsOf(`${CORE}.LoadBalancerStatus`, { ingress: atomic }),
  ...fieldsOf(`${CORE}.NodeSpec`, { podCIDRs: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' }, taints: atomic }),
  ...fieldsOf(`${CORE}.NodeStatus`, {
    addresses: mergeMap('type'),
    conditions,
    images: atomic,
    volumesAttached: atomic,
    volumesInUse: atomic,
  }),
  ...fieldsOf(`${CORE}.NamespaceSpec`, { finalizers: atomic }),
  ...fieldsOf(`${CORE}.NamespaceStatus`, { conditions }),
  ...fieldsOf(`${CORE}.PersistentVolumeClaimSpec`, { accessModes: atomic }),
  ...fieldsOf(`${CORE}.PersistentVolumeClaimStatus`, { accessModes: atomic, conditions }),
  ...fieldsOf(`${CORE}.PersistentVolumeSpec`, { accessModes: atomic, mountOptions: atomic }),
  ...fieldsOf(`${CORE}.ReplicationControllerStatus`, { conditions }),
  ...fieldsOf(`${CORE}.ServiceAccount`, { imagePullSecrets: atomic, secrets: mergeMap('name') }),
  ...fieldsOf(`${CORE}.Endpoints`, { subsets: atomic }),
  ...fieldsOf(`${CORE}.EndpointSubset`, { addresses: atomic, notReadyAddresses: atomic, ports: atomic }),
  ...fieldsOf(`${CORE}.LimitRangeSpec`, { limits: atomic }),
  ...fieldsOf(`${CORE}.ResourceQuotaSpec`, { scopes: atomic }),
  ...fieldsOf(`${CORE}.ResourceRequirements`, { claims: { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' } }),
  ...fieldsOf(`${APPS}.DeploymentStatus`, { conditions }),
  ...fieldsOf(`${APPS}.ReplicaSetStatus`, { conditions }),
  ...fieldsOf(`${APPS}.StatefulSetStatus`, { conditions }),
  ...fieldsOf(`${APPS}.DaemonSetStatus`, { conditions }),
  ...fieldsOf(`${APPS}.StatefulSetSpec`, { volumeClaimTemplates: atomic }),
  ...fieldsOf('io.k8s.api.batch.v1.JobStatus', { conditions: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' } }),
  ...fieldsOf('io.k8s.api.batch.v1.CronJobStatus', { active: atomic }),
  ...fieldsOf('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec', { metrics: atomic }),
  ...fieldsOf('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus', { conditions, currentMetrics: atomic }),
  ...fieldsOf('io.k8s.api.policy.v1.PodDisruptionBudgetStatus', { conditions }),
  ...fieldsOf('io.k8s.api.networking.v1.IngressSpec', { rules: atomic, tls: atomic }),
  ...fieldsOf('io.k8s.api.networking.v1.IngressTLS', { hosts: atomic }),
  ...fieldsOf('io.k8s.api.networking.v1.HTTPIngressRuleValue', { paths: atomic }),
  ...fieldsOf('io.k8s.api.networking.v1.NetworkPolicySpec', { egress: atomic, ingress: atomic, policyTypes: atomic }),
  ...fieldsOf('io.k8s.api.rbac.v1.Role', { rules: atomic }),
  ...fieldsOf('io.k8s.api.rbac.v1.ClusterRole', { rules: atomic }),
  ...fieldsOf('io.k8s.api.rbac.v1.RoleBinding', { subjects: atomic }),
  ...fieldsOf('io.k8s.api.rbac.v1.ClusterRoleBinding', { subjects: atomic }),
  ...fieldsOf('io.k8s.api.rbac.v1.PolicyRule', { apiGroups: atomic, nonResourceURLs: atomic, resourceNames: atomic, resources: atomic, verbs: atomic }),
  ...fieldsOf('io.k8s.api.discovery.v1.EndpointSlice', { endpoints: atomic, ports: atomic }),
  ...fieldsOf('io.k8s.api.discovery.v1.Endpoint', { addresses: set }),
  ...fieldsOf('io.k8s.api.certificates.v1.CertificateSigningRequestStatus', { conditions: { 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-list-type': 'map' } }),
  ...fieldsOf('io.k8s.api.certificates.v1.CertificateSigningRequestSpec', { usages: atomic }),
  ...fieldsOf(`${APIEXT}.CustomResourceDefinitionStatus`, { conditions: { 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-list-type': 'map' }, storedVersions: atomic }),
  ...fieldsOf(`${APIEXT}.CustomResourceDefinitionSpec`, { versions: atomic }),
};

/** Roots beyond the catalog's kinds: subresource bodies and meta types every group-version references. */
export const EXTRA_ROOTS: { group: string; version: string; kind: string; dir: string; gvk: boolean }[] = [
  { group: 'autoscaling', version: 'v1', kind: 'Scale', dir: 'autoscaling', gvk: true },
  { group: 'policy', version: 'v1', kind: 'Eviction', dir: 'policy', gvk: true },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', dir: 'authentication', gvk: true },
  { group: '', version: 'v1', kind: 'Status', dir: 'meta', gvk: true },
  { group: '', version: 'v1', kind: 'DeleteOptions', dir: 'meta', gvk: false },
  { group: '', version: 'v1', kind: 'WatchEvent', dir: 'meta', gvk: false },
  { group: '', version: 'v1', kind: 'APIResourceList', dir: 'meta', gvk: true },
  { group: '', version: 'v1', kind: 'APIGroupList', dir: 'meta', gvk: true },
  { group: '', version: 'v1', kind: 'APIGroup', dir: 'meta', gvk: true },
  { group: '', version: 'v1', kind: 'APIVersions', dir: 'meta', gvk: true },
];

/** Fields the models type as `any`, with the definition upstream references instead. */
export const ANY_FIELD_REFS: Record<string, Ext> = {
  'io.k8s.api.apps.v1.ControllerRevision.data': { $ref: '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension' },
  [`${META}.WatchEvent.object`]: { $ref: '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension' },
  [`${META}.ManagedFieldsEntry.fieldsV1`]: { $ref: `#/definitions/${META}.FieldsV1` },
  [`${APIEXT}.CustomResourceSubresources.status`]: { $ref: `#/definitions/${APIEXT}.CustomResourceSubresourceStatus` },
  [`${APIEXT}.JSONSchemaProps.additionalItems`]: { $ref: `#/definitions/${APIEXT}.JSONSchemaPropsOrBool` },
  [`${APIEXT}.JSONSchemaProps.additionalProperties`]: { $ref: `#/definitions/${APIEXT}.JSONSchemaPropsOrBool` },
  [`${APIEXT}.JSONSchemaProps.default`]: { $ref: `#/definitions/${APIEXT}.JSON` },
  [`${APIEXT}.JSONSchemaProps.example`]: { $ref: `#/definitions/${APIEXT}.JSON` },
  [`${APIEXT}.JSONSchemaProps.enum`]: { type: 'array', items: { $ref: `#/definitions/${APIEXT}.JSON` } },
  [`${APIEXT}.JSONSchemaProps.items`]: { $ref: `#/definitions/${APIEXT}.JSONSchemaPropsOrArray` },
};

/** Definitions with no model class: scalars with special wire forms, and free-form JSON. */
export const RAW_DEFINITIONS: Record<string, Ext> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the "" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= "+" | "-" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | "" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn\'t choose the capitalization.)\n\n<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber> ```',
    type: 'string',
    format: 'quantity',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    type: 'string',
    format: 'int-or-string',
  },
  [`${META}.Time`]: {
    description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}.MicroTime`]: {
    description: 'MicroTime is version of Time with microsecond level precision.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}.FieldsV1`]: {
    description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
    type: 'object',
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    description: 'RawExtension is used to hold extensions in external versions.',
    type: 'object',
  },
  [`${APIEXT}.JSON`]: {
    description: 'JSON represents any valid JSON value. These types are supported: bool, int64, float64, string, []interface{}, map[string]interface{} and nil.',
  },
  [`${APIEXT}.JSONSchemaPropsOrArray`]: {
    description: 'JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps. Mainly here for serialization purposes.',
  },
  [`${APIEXT}.JSONSchemaPropsOrBool`]: {
    description: 'JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. Defaults to true for the boolean property.',
  },
  [`${APIEXT}.JSONSchemaPropsOrStringArray`]: {
    description: 'JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.',
  },
  [`${APIEXT}.CustomResourceSubresourceStatus`]: {
    description: 'CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources. Status is represented by the `.status` JSON path inside of a CustomResource. When set, * exposes a /status subresource for the custom resource * PUT requests to the /status subresource take a custom resource object, and ignore changes to anything except the status stanza * PUT/POST/PATCH requests to the custom resource ignore changes to the status stanza',
    type: 'object',
  },
};
