/**
 * Per-kind validation, as upstream's strategy Validate / ValidateUpdate. Returns field causes
 * (empty when valid); the caller turns them into a 422 Invalid Status (see invalidMessage).
 * Objects are expected to be defaulted already (upstream validates the decoded, defaulted object).
 */
import { BUILTIN_RESOURCES } from '../../resources/catalog.js';
import { isObject, obj, type JsonObject } from '../json.js';
import type { FieldCause } from './field.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config.js';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './crd.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import {
  validateEndpoints,
  validateEndpointSlice,
  validateEvent,
  validateHorizontalPodAutoscaler,
  validateIngress,
  validateLease,
  validateNamespace,
  validateNetworkPolicy,
  validateNode,
  validateNodeUpdate,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePodDisruptionBudget,
  validatePriorityClass,
  validatePriorityClassUpdate,
  validateServiceAccount,
  validateStorageClass,
  validateStorageClassUpdate,
} from './misc.js';
import { nameIsDNSSubdomain } from './names.js';
import { validatePodCreate, validatePodUpdate } from './pod.js';
import { validateRole, validateRoleBinding, validateRoleBindingUpdate } from './rbac.js';
import { validateService, validateServiceUpdate } from './service.js';
import {
  validateAppsUpdate,
  validateCronJob,
  validateDaemonSet,
  validateDeployment,
  validateJob,
  validateJobUpdate,
  validatePodTemplate,
  validateReplicaSet,
  validateReplicationController,
  validateStatefulSet,
} from './workloads.js';

export interface KindValidator {
  create(obj: JsonObject, group: string): FieldCause[];
  /** Defaults to ObjectMeta update rules plus `create` on the new object. */
  update?(obj: JsonObject, old: JsonObject, group: string): FieldCause[];
}

const apps = (fn: (o: JsonObject) => FieldCause[], kind: string): KindValidator => ({
  create: fn,
  update: (o, old) => [...validateAppsUpdate(kind, o, old), ...fn(o)],
});

/** Validators keyed by `group/Kind` (version-independent, like upstream's internal types). */
export const VALIDATORS: ReadonlyMap<string, KindValidator> = new Map<string, KindValidator>([
  ['/Pod', { create: validatePodCreate, update: validatePodUpdate }],
  ['/Service', { create: validateService, update: validateServiceUpdate }],
  ['/ConfigMap', { create: validateConfigMap, update: validateConfigMapUpdate }],
  ['/Secret', { create: validateSecret, update: validateSecretUpdate }],
  ['/Namespace', { create: validateNamespace }],
  ['/Node', { create: validateNode, update: validateNodeUpdate }],
  ['/ServiceAccount', { create: validateServiceAccount }],
  ['/PersistentVolumeClaim', { create: validatePersistentVolumeClaim, update: validatePersistentVolumeClaimUpdate }],
  ['/PersistentVolume', { create: validatePersistentVolume }],
  ['/Endpoints', { create: validateEndpoints }],
  ['/Event', { create: (o) => validateEvent(o, '') }],
  ['/ReplicationController', { create: validateReplicationController }],
  ['/PodTemplate', { create: validatePodTemplate }],
  ['apps/Deployment', apps(validateDeployment, 'Deployment')],
  ['apps/ReplicaSet', apps(validateReplicaSet, 'ReplicaSet')],
  ['apps/StatefulSet', apps(validateStatefulSet, 'StatefulSet')],
  ['apps/DaemonSet', apps(validateDaemonSet, 'DaemonSet')],
  ['batch/Job', { create: validateJob, update: (o, old) => [...validateJobUpdate(o, old), ...validateJob(o)] }],
  ['batch/CronJob', { create: validateCronJob }],
  ['autoscaling/HorizontalPodAutoscaler', { create: validateHorizontalPodAutoscaler }],
  ['coordination.k8s.io/Lease', { create: validateLease }],
  ['discovery.k8s.io/EndpointSlice', { create: validateEndpointSlice }],
  ['events.k8s.io/Event', { create: (o) => validateEvent(o, 'events.k8s.io') }],
  ['networking.k8s.io/Ingress', { create: validateIngress }],
  ['networking.k8s.io/NetworkPolicy', { create: validateNetworkPolicy }],
  ['rbac.authorization.k8s.io/Role', { create: (o) => validateRole(o, true) }],
  ['rbac.authorization.k8s.io/ClusterRole', { create: (o) => validateRole(o, false) }],
  ['rbac.authorization.k8s.io/RoleBinding', { create: (o) => validateRoleBinding(o, true), update: (o, old) => validateRoleBindingUpdate(o, old, true) }],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', { create: (o) => validateRoleBinding(o, false), update: (o, old) => validateRoleBindingUpdate(o, old, false) }],
  ['storage.k8s.io/StorageClass', { create: validateStorageClass, update: validateStorageClassUpdate }],
  ['scheduling.k8s.io/PriorityClass', { create: validatePriorityClass, update: validatePriorityClassUpdate }],
  ['policy/PodDisruptionBudget', { create: validatePodDisruptionBudget }],
  ['apiextensions.k8s.io/CustomResourceDefinition', { create: validateCustomResourceDefinition, update: validateCustomResourceDefinitionUpdate }],
]);

const NAMESPACED = new Map(BUILTIN_RESOURCES.map((r) => [`${r.group}/${r.kind}`, r.namespaced]));

export interface ValidateOptions {
  /** Scope of kinds the catalog does not know (custom resources); built-ins use the catalog. */
  namespaced?: boolean;
}

/** Fallback for kinds without specific rules (custom resources, ControllerRevision...): ObjectMeta with DNS-subdomain names. */
function genericCreate(group: string, kind: string, o: JsonObject, opts: ValidateOptions): FieldCause[] {
  const namespaced = NAMESPACED.get(`${group}/${kind}`) ?? opts.namespaced ?? typeof obj(o, 'metadata')?.namespace === 'string';
  return validateObjectMeta(obj(o, 'metadata'), { namespaced, nameFn: nameIsDNSSubdomain });
}

/** Validate an object about to be created (after defaulting and prepareForCreate). */
export function validateCreate(group: string, _version: string, kind: string, o: unknown, opts: ValidateOptions = {}): FieldCause[] {
  if (!isObject(o)) return [];
  const v = VALIDATORS.get(`${group}/${kind}`);
  return v ? v.create(o, group) : genericCreate(group, kind, o, opts);
}

/** Validate an update of `old` to `o` (after defaulting and prepareForUpdate). */
export function validateUpdate(group: string, _version: string, kind: string, o: unknown, old: unknown, opts: ValidateOptions = {}): FieldCause[] {
  if (!isObject(o) || !isObject(old)) return [];
  const v = VALIDATORS.get(`${group}/${kind}`);
  if (v?.update) return v.update(o, old, group);
  const create = v ? v.create(o, group) : genericCreate(group, kind, o, opts);
  return [...validateObjectMetaUpdate(obj(o, 'metadata'), obj(old, 'metadata')), ...create];
}

export { causeToString, invalidMessage, type CauseType, type FieldCause } from './field.js';
