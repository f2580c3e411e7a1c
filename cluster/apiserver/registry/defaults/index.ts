/**
 * Read-path and write-path defaulting for built-in kinds: `applyDefaults` is the equivalent of
 * upstream's generated SetObjectDefaults_<Kind>, run on decode. It mutates in place, never drops
 * fields, is idempotent and cheap, so it can run on every read (get, list, watch events).
 */
import { isObject, type JsonObject } from '../json.js';
import {
  defaultCoreEvent,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPodTemplate,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from './core.js';
import {
  defaultCustomResourceDefinition,
  defaultEndpointSlice,
  defaultHorizontalPodAutoscaler,
  defaultNetworkPolicy,
  defaultPriorityClass,
  defaultRoleBinding,
} from './misc.js';
import { defaultPod } from './pod.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from './storage.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './workloads.js';

export type Defaulter = (obj: JsonObject) => void;

/** Defaulters keyed by `group/version/Kind` (core group: `/v1/Pod`). */
export const DEFAULTERS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
  ['/v1/Pod', defaultPod],
  ['/v1/PodTemplate', defaultPodTemplate],
  ['/v1/ReplicationController', defaultReplicationController],
  ['/v1/Service', defaultService],
  ['/v1/Namespace', defaultNamespace],
  ['/v1/Secret', defaultSecret],
  ['/v1/Node', defaultNode],
  ['/v1/Endpoints', defaultEndpoints],
  ['/v1/Event', defaultCoreEvent],
  ['/v1/LimitRange', defaultLimitRange],
  ['/v1/PersistentVolumeClaim', defaultPersistentVolumeClaim],
  ['/v1/PersistentVolume', defaultPersistentVolume],
  ['apps/v1/Deployment', defaultDeployment],
  ['apps/v1/ReplicaSet', defaultReplicaSet],
  ['apps/v1/StatefulSet', defaultStatefulSet],
  ['apps/v1/DaemonSet', defaultDaemonSet],
  ['batch/v1/Job', defaultJob],
  ['batch/v1/CronJob', defaultCronJob],
  ['autoscaling/v2/HorizontalPodAutoscaler', defaultHorizontalPodAutoscaler],
  ['discovery.k8s.io/v1/EndpointSlice', defaultEndpointSlice],
  ['rbac.authorization.k8s.io/v1/RoleBinding', defaultRoleBinding],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', defaultRoleBinding],
  ['storage.k8s.io/v1/StorageClass', defaultStorageClass],
  ['scheduling.k8s.io/v1/PriorityClass', defaultPriorityClass],
  ['networking.k8s.io/v1/NetworkPolicy', defaultNetworkPolicy],
  ['apiextensions.k8s.io/v1/CustomResourceDefinition', defaultCustomResourceDefinition],
  // policy/v1 PodDisruptionBudget, coordination.k8s.io/v1 Lease and events.k8s.io/v1 Event have no upstream defaults.
]);

/**
 * Apply the upstream defaults of `group/version/kind` to `obj`, in place. Unknown kinds
 * (custom resources, kinds without defaults) are left untouched. Returns `obj`.
 */
export function applyDefaults<T>(group: string, version: string, kind: string, obj: T): T {
  if (!isObject(obj)) return obj;
  const fn = DEFAULTERS.get(`${group}/${version}/${kind}`);
  if (fn) fn(obj);
  return obj;
}

export { defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultPullPolicy } from './pod.js';
