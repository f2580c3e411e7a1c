/**
 * Write-path hooks per kind, as upstream's RESTCreateStrategy.PrepareForCreate and
 * RESTUpdateStrategy.PrepareForUpdate: reset status on create, keep status on main-resource
 * updates, metadata.generation (1 on create, +1 when spec changes), Pod phase/QoS, Job selector,
 * Namespace finalizers, Service allocated values, Secret stringData. They mutate in place and
 * run after defaulting and before validation.
 */
import { randomUUID } from 'node:crypto';
import { arr, deepEqual, ensureObject, isObject, obj, objects, str, type JsonObject } from '../json.js';
import { computePodQOS } from './qos.js';
import { normalizeClusterIPs, prepareServiceUpdate } from './service.js';
import { deepClone } from '../../storage/object.js';

export interface Strategy {
  prepareForCreate?(obj: JsonObject): void;
  prepareForUpdate?(obj: JsonObject, old: JsonObject): void;
  /** For the /status subresource: everything but status (and metadata) comes from the stored object. */
  prepareForStatusUpdate?(obj: JsonObject, old: JsonObject): void;
}

interface Rules {
  /** Value status gets on create (a fresh object per call); omitted = status kept as sent (Node). */
  initialStatus?: () => JsonObject;
  /** Track metadata.generation. */
  generation?: boolean;
  /** Also bump generation when annotations change (Deployment: rollback annotations). */
  annotationsBumpGeneration?: boolean;
  create?: (obj: JsonObject) => void;
  update?: (obj: JsonObject, old: JsonObject) => void;
}

function meta(o: JsonObject): JsonObject {
  return ensureObject(o, 'metadata');
}

function build(r: Rules): Strategy {
  return {
    prepareForCreate(o) {
      if (r.initialStatus) o.status = r.initialStatus();
      if (r.generation) meta(o).generation = 1;
      r.create?.(o);
    },
    prepareForUpdate(o, old) {
      if (r.initialStatus) {
        if (old.status === undefined) delete o.status;
        else o.status = deepClone(old.status);
      }
      if (r.generation) {
        const oldGen = typeof obj(old, 'metadata')?.generation === 'number' ? (obj(old, 'metadata')?.generation as number) : 1;
        const changed = !deepEqual(o.spec, old.spec) || (r.annotationsBumpGeneration === true && !deepEqual(obj(o, 'metadata')?.annotations ?? {}, obj(old, 'metadata')?.annotations ?? {}));
        meta(o).generation = changed ? oldGen + 1 : oldGen;
      }
      r.update?.(o, old);
    },
    prepareForStatusUpdate(o, old) {
      if (old.spec !== undefined) o.spec = deepClone(old.spec);
      else delete o.spec;
      const m = meta(o);
      const om = obj(old, 'metadata') ?? {};
      if (om.generation !== undefined) m.generation = om.generation;
    },
  };
}

const empty = () => ({});

/** Pod: Pending phase and QoS class on create; a SchedulingGated condition while gated. */
function preparePodCreate(pod: JsonObject): void {
  const status: JsonObject = { phase: 'Pending', qosClass: computePodQOS(pod) };
  const gates = arr(obj(pod, 'spec'), 'schedulingGates') ?? [];
  if (gates.length > 0) {
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
        lastProbeTime: null,
        lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    ];
  }
  pod.status = status;
}

export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

/**
 * Job selector generation (upstream generateSelector, unless spec.manualSelector): template labels
 * job-name/controller-uid (legacy and batch.kubernetes.io/ forms) and selector on the controller uid.
 * Needs metadata.uid: one is assigned here when missing, and the caller must keep it.
 */
export function generateJobSelector(job: JsonObject): void {
  const spec = ensureObject(job, 'spec');
  if (spec.manualSelector === true) return;
  const m = meta(job);
  if (typeof m.uid !== 'string' || !m.uid) m.uid = randomUUID();
  const uid = m.uid as string;
  const name = str(m, 'name') ?? '';
  const template = ensureObject(spec, 'template');
  const labels = ensureObject(ensureObject(template, 'metadata'), 'labels');
  // Existing user labels are kept; a conflict is rejected by validation.
  for (const k of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) if (labels[k] === undefined) labels[k] = name;
  for (const k of [JOB_LABELS.legacyControllerUid, JOB_LABELS.controllerUid]) if (labels[k] === undefined) labels[k] = uid;
  const selector = ensureObject(spec, 'selector');
  const matchLabels = ensureObject(selector, 'matchLabels');
  if (matchLabels[JOB_LABELS.controllerUid] === undefined) matchLabels[JOB_LABELS.controllerUid] = uid;
  // SetDefaults_Job copies template labels to the Job when it has none (upstream: on the next decode).
  if (!isObject(m.labels) || Object.keys(m.labels).length === 0) m.labels = { ...labels };
}

/** Namespace: the `kubernetes` finalizer is required on create (not a default: it is removed over the object's life). */
function prepareNamespaceCreate(ns: JsonObject): void {
  const spec = ensureObject(ns, 'spec');
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
}

function prepareNamespaceUpdate(ns: JsonObject, old: JsonObject): void {
  const oldSpec = obj(old, 'spec');
  const spec = ensureObject(ns, 'spec');
  if (oldSpec && oldSpec.finalizers !== undefined) spec.finalizers = deepClone(oldSpec.finalizers);
  else delete spec.finalizers;
}

/** Secret stringData is write-only: merged over data (base64) and dropped, as the v1 conversion does. */
function mergeStringData(secret: JsonObject): void {
  const sd = obj(secret, 'stringData');
  if (sd) {
    const data = ensureObject(secret, 'data');
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

/** CRD: status.storedVersions records every version ever marked storage. */
function recordStoredVersion(crd: JsonObject): void {
  const storage = objects(obj(crd, 'spec'), 'versions').find((v) => v.storage === true);
  if (!storage) return;
  const status = ensureObject(crd, 'status');
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  if (!stored.includes(storage.name)) status.storedVersions = [...stored, storage.name];
}

const workload: Rules = { initialStatus: empty, generation: true };

/** Strategies keyed by `group/Kind` (core group: `/Pod`). */
export const strategies: ReadonlyMap<string, Strategy> = new Map<string, Strategy>([
  ['/Pod', build({ initialStatus: empty, generation: true, create: preparePodCreate })],
  ['/Service', build({ initialStatus: () => ({ loadBalancer: {} }), create: (s) => normalizeClusterIPs(ensureObject(s, 'spec')), update: prepareServiceUpdate })],
  ['/Namespace', build({ initialStatus: () => ({ phase: 'Active' }), create: prepareNamespaceCreate, update: prepareNamespaceUpdate })],
  ['/Node', build({ update: (n, old) => (old.status === undefined ? delete n.status : (n.status = deepClone(old.status))) })],
  ['/PersistentVolume', build({ initialStatus: () => ({ phase: 'Pending' }) })],
  ['/PersistentVolumeClaim', build({ initialStatus: () => ({ phase: 'Pending' }) })],
  ['/ResourceQuota', build({ initialStatus: empty })],
  ['/ReplicationController', build(workload)],
  ['/Secret', build({ create: mergeStringData, update: mergeStringData })],
  ['apps/Deployment', build({ ...workload, annotationsBumpGeneration: true })],
  ['apps/ReplicaSet', build(workload)],
  ['apps/StatefulSet', build(workload)],
  ['apps/DaemonSet', build(workload)],
  ['batch/Job', build({ ...workload, create: generateJobSelector })],
  ['batch/CronJob', build(workload)],
  ['autoscaling/HorizontalPodAutoscaler', build(workload)],
  ['policy/PodDisruptionBudget', build(workload)],
  ['networking.k8s.io/Ingress', build({ initialStatus: empty, generation: true })],
  ['networking.k8s.io/NetworkPolicy', build({ generation: true })],
  ['certificates.k8s.io/CertificateSigningRequest', build({ initialStatus: empty })],
  ['apiextensions.k8s.io/CustomResourceDefinition', build({ initialStatus: empty, generation: true, create: recordStoredVersion, update: recordStoredVersion })],
]);

export function getStrategy(group: string, kind: string): Strategy | undefined {
  return strategies.get(`${group}/${kind}`);
}

/** Run the kind's prepareForCreate, if any. */
export function prepareForCreate(group: string, _version: string, kind: string, o: unknown): void {
  if (isObject(o)) getStrategy(group, kind)?.prepareForCreate?.(o);
}

/** Run the kind's prepareForUpdate (main resource), if any. */
export function prepareForUpdate(group: string, _version: string, kind: string, o: unknown, old: unknown): void {
  if (isObject(o) && isObject(old)) getStrategy(group, kind)?.prepareForUpdate?.(o, old);
}

/** Run the kind's prepareForStatusUpdate (/status subresource), if any. */
export function prepareForStatusUpdate(group: string, _version: string, kind: string, o: unknown, old: unknown): void {
  if (isObject(o) && isObject(old)) getStrategy(group, kind)?.prepareForStatusUpdate?.(o, old);
}

export { computePodQOS, type QOSClass } from './qos.js';
