/** apps/v1 and batch/v1 defaulting (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go). */
import { ensureObject, isObject, obj, objects, setDefault, setDefaultString, type JsonObject } from '../json.js';
import { defaultPodTemplateSpec } from './pod.js';
import { defaultPersistentVolumeClaimSpec } from './storage.js';

export function defaultDeployment(d: JsonObject): void {
  const spec = ensureObject(d, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObject(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(obj(spec, 'template'));
}

export function defaultReplicaSet(rs: JsonObject): void {
  const spec = ensureObject(rs, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(obj(spec, 'template'));
}

export function defaultStatefulSet(sts: JsonObject): void {
  const spec = ensureObject(sts, 'spec');
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  // rollingUpdate is only created when the type itself was defaulted; an explicit RollingUpdate keeps a nil rollingUpdate.
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    ensureObject(strategy, 'rollingUpdate');
  }
  const ru = obj(strategy, 'rollingUpdate');
  if (strategy.type === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0);
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  for (const pvc of objects(spec, 'volumeClaimTemplates')) {
    defaultPersistentVolumeClaimSpec(ensureObject(pvc, 'spec'));
    setDefaultString(ensureObject(pvc, 'status'), 'phase', 'Pending');
  }
  defaultPodTemplateSpec(obj(spec, 'template'));
}

export function defaultDaemonSet(ds: JsonObject): void {
  const spec = ensureObject(ds, 'spec');
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObject(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(obj(spec, 'template'));
}

/** SetDefaults_Job. */
export function defaultJob(job: JsonObject): void {
  const spec = ensureObject(job, 'spec');
  // Non-parallel job: both unset means both 1; parallelism alone defaults to 1.
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  if (spec.backoffLimit === undefined || spec.backoffLimit === null) {
    spec.backoffLimit = spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6;
  }
  // Job labels default to the pod template labels (a copy, never a shared reference).
  const meta = ensureObject(job, 'metadata');
  const templateLabels = obj(obj(obj(spec, 'template'), 'metadata'), 'labels');
  if (templateLabels && (!isObject(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...templateLabels };
  setDefaultString(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  for (const rule of objects(obj(spec, 'podFailurePolicy'), 'rules')) {
    for (const cond of objects(rule, 'onPodConditions')) setDefaultString(cond, 'status', 'True');
  }
  setDefault(spec, 'podReplacementPolicy', isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplateSpec(obj(spec, 'template'));
}

/** SetDefaults_CronJob; the job template's pod template gets pod-spec defaults, not Job defaults. */
export function defaultCronJob(cj: JsonObject): void {
  const spec = ensureObject(cj, 'spec');
  setDefaultString(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplateSpec(obj(obj(obj(spec, 'jobTemplate'), 'spec'), 'template'));
}
