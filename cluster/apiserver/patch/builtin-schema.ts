// Patch metadata and list/map types of the common built-in kinds, transcribed from the Go
// struct tags and +listType/+listMapKey/+structType markers of k8s.io/api (core/v1, apps/v1,
// batch/v1) and k8s.io/apimachinery metav1.ObjectMeta. Lets strategic merge patch and
// server-side apply work without an OpenAPI document; an OpenAPI-derived lookup can replace it.
import { pureFieldTypeLookup, type FieldType, type FieldTypeLookup, type PatchMeta, type PatchMetaLookup } from './schema.js';

interface FieldDef extends PatchMeta, FieldType {
  /** Fields of the value (of each item, for a list). */
  of?: TypeDef;
}
type TypeDef = Readonly<Record<string, FieldDef>>;

const ATOMIC: FieldDef = { mapType: 'atomic' };
const CONDITIONS: FieldDef = { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] };
const byName = (of?: TypeDef): FieldDef => ({ patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'], of });

const OBJECT_META: TypeDef = {
  finalizers: { patchStrategy: 'merge', listType: 'set' },
  ownerReferences: { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] },
};

const ENV_VAR: TypeDef = {
  valueFrom: {
    of: { configMapKeyRef: ATOMIC, secretKeyRef: ATOMIC, fieldRef: ATOMIC, resourceFieldRef: ATOMIC, fileKeyRef: ATOMIC },
  },
};

const CONTAINER: TypeDef = {
  ports: {
    patchStrategy: 'merge',
    patchMergeKey: 'containerPort',
    listType: 'map',
    listMapKeys: ['containerPort', 'protocol'],
    listMapKeyDefaults: { protocol: 'TCP' },
  },
  env: byName(ENV_VAR),
  envFrom: { of: { configMapRef: ATOMIC, secretRef: ATOMIC } },
  volumeMounts: { patchStrategy: 'merge', patchMergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  volumeDevices: { patchStrategy: 'merge', patchMergeKey: 'devicePath', listType: 'map', listMapKeys: ['devicePath'] },
  resources: { of: { claims: { listType: 'map', listMapKeys: ['name'] } } },
};

const POD_SPEC: TypeDef = {
  volumes: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  initContainers: byName(CONTAINER),
  containers: byName(CONTAINER),
  ephemeralContainers: byName(CONTAINER),
  imagePullSecrets: byName(),
  hostAliases: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
  topologySpreadConstraints: {
    patchStrategy: 'merge',
    patchMergeKey: 'topologyKey',
    listType: 'map',
    listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    of: { labelSelector: ATOMIC },
  },
  schedulingGates: byName(),
  resourceClaims: { ...byName(), patchStrategy: 'merge,retainKeys' },
  nodeSelector: ATOMIC,
};

const CONTAINER_STATUS: TypeDef = {
  volumeMounts: { patchStrategy: 'merge', patchMergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  allocatedResourcesStatus: byName(),
};

const POD_STATUS: TypeDef = {
  conditions: CONDITIONS,
  hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
  podIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
  resourceClaimStatuses: { ...byName(), patchStrategy: 'merge,retainKeys' },
  containerStatuses: { of: CONTAINER_STATUS },
  initContainerStatuses: { of: CONTAINER_STATUS },
  ephemeralContainerStatuses: { of: CONTAINER_STATUS },
};

const POD_TEMPLATE_SPEC: TypeDef = { metadata: { of: OBJECT_META }, spec: { of: POD_SPEC } };
const WORKLOAD_STATUS: TypeDef = { conditions: CONDITIONS };

const JOB_SPEC: TypeDef = { selector: ATOMIC, template: { of: POD_TEMPLATE_SPEC } };

const KINDS: Readonly<Record<string, TypeDef>> = {
  'v1/Pod': { spec: { of: POD_SPEC }, status: { of: POD_STATUS } },
  'v1/PodTemplate': { template: { of: POD_TEMPLATE_SPEC } },
  'v1/ReplicationController': {
    spec: { of: { selector: ATOMIC, template: { of: POD_TEMPLATE_SPEC } } },
    status: { of: WORKLOAD_STATUS },
  },
  'v1/Service': {
    spec: {
      of: {
        ports: {
          patchStrategy: 'merge',
          patchMergeKey: 'port',
          listType: 'map',
          listMapKeys: ['port', 'protocol'],
          listMapKeyDefaults: { protocol: 'TCP' },
        },
        selector: ATOMIC,
      },
    },
    status: { of: WORKLOAD_STATUS },
  },
  'v1/Node': {
    spec: { of: { podCIDRs: { patchStrategy: 'merge', listType: 'set' } } },
    status: {
      of: {
        conditions: CONDITIONS,
        addresses: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
      },
    },
  },
  // NamespaceSpec.finalizers has no patch strategy upstream: it is replaced, not merged.
  'v1/Namespace': { status: { of: WORKLOAD_STATUS } },
  'v1/ServiceAccount': { secrets: byName() },
  'v1/PersistentVolumeClaim': { status: { of: WORKLOAD_STATUS } },
  'v1/ComponentStatus': { conditions: CONDITIONS },
  'apps/Deployment': {
    spec: { of: { selector: ATOMIC, template: { of: POD_TEMPLATE_SPEC }, strategy: { patchStrategy: 'retainKeys' } } },
    status: { of: WORKLOAD_STATUS },
  },
  'apps/ReplicaSet': { spec: { of: JOB_SPEC }, status: { of: WORKLOAD_STATUS } },
  'apps/StatefulSet': { spec: { of: JOB_SPEC }, status: { of: WORKLOAD_STATUS } },
  'apps/DaemonSet': { spec: { of: JOB_SPEC }, status: { of: WORKLOAD_STATUS } },
  'batch/Job': {
    spec: { of: JOB_SPEC },
    status: {
      of: {
        conditions: CONDITIONS,
        uncountedTerminatedPods: { of: { succeeded: { listType: 'set' }, failed: { listType: 'set' } } },
      },
    },
  },
  'batch/CronJob': {
    spec: { of: { jobTemplate: { of: { metadata: { of: OBJECT_META }, spec: { of: JOB_SPEC } } } } },
  },
};

/** 'apps/v1' -> 'apps', 'v1' -> 'v1' (core). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(0, slash);
}

function rootFor(apiVersion: string, kind: string): TypeDef {
  const def = KINDS[`${groupOf(apiVersion)}/${kind}`] ?? {};
  return { metadata: { of: OBJECT_META }, ...def };
}

function find(root: TypeDef, path: string[]): FieldDef | undefined {
  let cur: TypeDef | undefined = root;
  let def: FieldDef | undefined;
  for (const name of path) {
    if (!cur || !Object.prototype.hasOwnProperty.call(cur, name)) return undefined;
    def = cur[name];
    cur = def.of;
  }
  return def;
}

/** True when the built-in table describes this kind beyond metadata. */
export function hasBuiltinSchema(apiVersion: string, kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(KINDS, `${groupOf(apiVersion)}/${kind}`);
}

/**
 * Patch metadata of a built-in kind (metadata.finalizers / ownerReferences for every kind, plus
 * the kind's own merge lists). Not meant for custom resources: upstream refuses strategic merge
 * patch on them with 415.
 */
export function builtinPatchMeta(apiVersion: string, kind: string): PatchMetaLookup {
  const root = rootFor(apiVersion, kind);
  return (path) => {
    const d = find(root, path);
    if (!d || (!d.patchStrategy && !d.patchMergeKey)) return undefined;
    return { patchStrategy: d.patchStrategy, patchMergeKey: d.patchMergeKey };
  };
}

/** One lookup per kind, so managed-fields walkers can keep their per-path cache across requests. */
const fieldTypesByKind = new Map<string, FieldTypeLookup>();
const MAX_CACHED_KINDS = 1024;

/** List/map types of a built-in kind for server-side apply. */
export function builtinFieldTypes(apiVersion: string, kind: string): FieldTypeLookup {
  const key = `${groupOf(apiVersion)}/${kind}`;
  let lookup = fieldTypesByKind.get(key);
  if (!lookup) {
    if (fieldTypesByKind.size >= MAX_CACHED_KINDS) fieldTypesByKind.clear();
    lookup = pureFieldTypeLookup(fieldTypesFor(rootFor(apiVersion, kind)));
    fieldTypesByKind.set(key, lookup);
  }
  return lookup;
}

function fieldTypesFor(root: TypeDef): FieldTypeLookup {
  return (path) => {
    const d = find(root, path);
    if (!d || (!d.listType && !d.mapType)) return undefined;
    const t: FieldType = {};
    if (d.listType) t.listType = d.listType;
    if (d.listMapKeys) t.listMapKeys = d.listMapKeys;
    if (d.listMapKeyDefaults) t.listMapKeyDefaults = d.listMapKeyDefaults;
    if (d.mapType) t.mapType = d.mapType;
    return t;
  };
}
