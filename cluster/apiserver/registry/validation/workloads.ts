/**
 * Workload validation: apps/v1 (pkg/apis/apps/validation), batch/v1 (pkg/apis/batch/validation),
 * core/v1 ReplicationController and PodTemplate.
 */
import { deepEqual, isObject, obj, str, stringMap, type JsonObject } from '../json.js';
import { selectorIsEmpty, selectorMatches } from '../selector.js';
import { child, forbidden, goStringMap, GoValue, invalid, notSupported, required, type FieldCause } from './field.js';
import { goLabelSelector, validateLabels, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE_ERROR, isValidPercent, maxLenError, nameIsDNSSubdomain } from './names.js';
import { validatePodTemplateSpec } from './pod.js';

const meta = (o: JsonObject) => obj(o, 'metadata');
const nsMeta = (o: JsonObject) => validateObjectMeta(meta(o), { namespaced: true, nameFn: nameIsDNSSubdomain });

function nonNegative(v: unknown, fld: string): FieldCause[] {
  return typeof v === 'number' && v < 0 ? [invalid(fld, v, IS_NEGATIVE_ERROR)] : [];
}

function templateLabels(template: JsonObject | undefined): Record<string, string> | undefined {
  return stringMap(obj(template, 'metadata'), 'labels');
}

/** Go `%#v`/String() of an intstr value: String() is used since *IntOrString is a Stringer. */
function intOrString(v: unknown): GoValue {
  return new GoValue(String(v));
}

/** Selector required and non-empty, template labels matched, template valid (ValidatePodTemplateSpecForReplicaSet). */
function validateSelectorAndTemplate(spec: JsonObject, fld: string, what: string, restartPolicies: readonly string[] = ['Always']): FieldCause[] {
  const out: FieldCause[] = [];
  const selector = obj(spec, 'selector');
  const template = obj(spec, 'template');
  if (!selector) out.push(required(child(fld, 'selector')));
  else {
    out.push(...validateLabelSelector(selector, child(fld, 'selector')));
    if (selectorIsEmpty(selector)) out.push(invalid(child(fld, 'selector'), goLabelSelector(selector), `empty selector is invalid for ${what}`));
  }
  if (!template) {
    out.push(required(child(fld, 'template')));
    return out;
  }
  const labels = templateLabels(template);
  if (selector && !selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    out.push(invalid(child(fld, 'template', 'metadata', 'labels'), new GoValue(goStringMap(labels)), '`selector` does not match template `labels`'));
  }
  out.push(...validatePodTemplateSpec(template, child(fld, 'template')));
  const restart = obj(template, 'spec')?.restartPolicy;
  if (restart && !restartPolicies.includes(String(restart))) out.push(notSupported(child(fld, 'template', 'spec', 'restartPolicy'), restart, restartPolicies));
  if (restartPolicies.length === 1 && isObject(obj(template, 'spec')) && obj(template, 'spec')?.activeDeadlineSeconds !== undefined) {
    out.push(forbidden(child(fld, 'template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return out;
}

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
function validateIntOrPercent(v: unknown, fld: string, max100: boolean): FieldCause[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (isValidPercent(v).length) return [invalid(fld, intOrString(v), "must be an integer or percentage (e.g '5%')")];
    if (max100 && Number(v.slice(0, -1)) > 100) return [invalid(fld, intOrString(v), 'must not be greater than 100%')];
    return [];
  }
  return nonNegative(v, fld);
}

function intOrPercentIsZero(v: unknown): boolean {
  return v === 0 || v === '0%' || v === undefined || v === null;
}

function validateRollingUpdate(ru: JsonObject, fld: string): FieldCause[] {
  const out = [...validateIntOrPercent(ru.maxUnavailable, child(fld, 'maxUnavailable'), true), ...validateIntOrPercent(ru.maxSurge, child(fld, 'maxSurge'), false)];
  if (intOrPercentIsZero(ru.maxUnavailable) && intOrPercentIsZero(ru.maxSurge)) {
    out.push(invalid(child(fld, 'maxUnavailable'), intOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
  }
  return out;
}

function immutableSelector(spec: JsonObject, oldSpec: JsonObject, fld: string): FieldCause[] {
  const s = obj(spec, 'selector');
  return deepEqual(s, obj(oldSpec, 'selector')) ? [] : [invalid(child(fld, 'selector'), goLabelSelector(s), FIELD_IMMUTABLE)];
}

export function validateDeployment(d: JsonObject): FieldCause[] {
  const spec = obj(d, 'spec') ?? {};
  const out = [...nsMeta(d), ...nonNegative(spec.replicas, 'spec.replicas'), ...validateSelectorAndTemplate(spec, 'spec', 'deployment')];
  const strategy = obj(spec, 'strategy') ?? {};
  if (strategy.type === 'Recreate') {
    if (isObject(strategy.rollingUpdate)) out.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    if (!ru) out.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
    else out.push(...validateRollingUpdate(ru, 'spec.strategy.rollingUpdate'));
  } else {
    out.push(notSupported('spec.strategy.type', strategy.type ?? '', ['Recreate', 'RollingUpdate']));
  }
  out.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'), ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    out.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
      out.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return out;
}

export function validateReplicaSet(rs: JsonObject): FieldCause[] {
  const spec = obj(rs, 'spec') ?? {};
  return [...nsMeta(rs), ...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'), ...validateSelectorAndTemplate(spec, 'spec', 'deployment')];
}

export function validateStatefulSet(sts: JsonObject): FieldCause[] {
  const spec = obj(sts, 'spec') ?? {};
  const out = [...nsMeta(sts), ...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const pmp = spec.podManagementPolicy;
  if (pmp && !['OrderedReady', 'Parallel'].includes(String(pmp))) out.push(notSupported('spec.podManagementPolicy', pmp, ['OrderedReady', 'Parallel']));
  const us = obj(spec, 'updateStrategy') ?? {};
  if (us.type && !['OnDelete', 'RollingUpdate'].includes(String(us.type))) out.push(notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
  if (us.type === 'OnDelete' && isObject(us.rollingUpdate)) out.push(invalid('spec.updateStrategy.rollingUpdate', '', 'only allowed for updateStrategy \'RollingUpdate\''));
  out.push(...nonNegative(obj(us, 'rollingUpdate')?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy') ?? {};
  for (const f of ['whenDeleted', 'whenScaled']) {
    const v = retention[f];
    if (v && !['Retain', 'Delete'].includes(String(v))) out.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ['Retain', 'Delete']));
  }
  out.push(...validateSelectorAndTemplate(spec, 'spec', 'statefulset'));
  return out;
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateDaemonSet(ds: JsonObject): FieldCause[] {
  const spec = obj(ds, 'spec') ?? {};
  const out = [...nsMeta(ds), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'), ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit')];
  out.push(...validateSelectorAndTemplate(spec, 'spec', 'daemonset'));
  const us = obj(spec, 'updateStrategy') ?? {};
  if (us.type === 'RollingUpdate') {
    const ru = obj(us, 'rollingUpdate');
    if (ru) out.push(...validateRollingUpdate(ru, 'spec.updateStrategy.rollingUpdate'));
  } else if (us.type !== 'OnDelete') out.push(notSupported('spec.updateStrategy.type', us.type ?? '', ['OnDelete', 'RollingUpdate']));
  return out;
}

/** apps/v1 update rules: selector immutable; StatefulSet spec mostly immutable. */
export function validateAppsUpdate(kind: string, o: JsonObject, old: JsonObject): FieldCause[] {
  const spec = obj(o, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  const out = [...validateObjectMetaUpdate(meta(o), meta(old)), ...immutableSelector(spec, oldSpec, 'spec')];
  if (kind === 'StatefulSet') {
    const strip = (s: JsonObject) => Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)));
    if (!deepEqual(strip(spec), strip(oldSpec))) {
      out.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
    }
  }
  return out;
}

function validateJobSpec(spec: JsonObject, fld: string, requireSelector: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) out.push(...nonNegative(spec[f], child(fld, f)));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0) {
    out.push(invalid(child(fld, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be greater than zero'));
  }
  const mode = spec.completionMode;
  if (mode && !['NonIndexed', 'Indexed'].includes(String(mode))) out.push(notSupported(child(fld, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) out.push(required(child(fld, 'completions'), 'when completion mode is Indexed'));
  const prp = spec.podReplacementPolicy;
  if (prp && !['TerminatingOrFailed', 'Failed'].includes(String(prp))) out.push(notSupported(child(fld, 'podReplacementPolicy'), prp, ['TerminatingOrFailed', 'Failed']));
  const template = obj(spec, 'template');
  const selector = obj(spec, 'selector');
  if (requireSelector && !selector) out.push(required(child(fld, 'selector')));
  if (selector) {
    out.push(...validateLabelSelector(selector, child(fld, 'selector')));
    if (template && !selectorMatches(selector, templateLabels(template))) {
      out.push(invalid(child(fld, 'template', 'metadata', 'labels'), new GoValue(goStringMap(templateLabels(template))), '`selector` does not match template `labels`'));
    }
  }
  if (!template) out.push(required(child(fld, 'template')));
  else {
    out.push(...validatePodTemplateSpec(template, child(fld, 'template')));
    const restart = obj(template, 'spec')?.restartPolicy;
    if (restart && !['OnFailure', 'Never'].includes(String(restart))) out.push(notSupported(child(fld, 'template', 'spec', 'restartPolicy'), restart, ['OnFailure', 'Never']));
  }
  return out;
}

export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

export function validateJob(job: JsonObject): FieldCause[] {
  const spec = obj(job, 'spec') ?? {};
  const out = [...nsMeta(job), ...validateJobSpec(spec, 'spec', true)];
  if (spec.manualSelector !== true) {
    // validateGeneratedSelector: the selector must be the one prepareForCreate generated.
    const uid = str(meta(job), 'uid');
    const ml = obj(obj(spec, 'selector'), 'matchLabels');
    if (uid && ml && ml[JOB_CONTROLLER_UID_LABEL] !== uid) {
      out.push(invalid('spec.selector', goLabelSelector(obj(spec, 'selector')), '`selector` not auto-generated'));
    }
  }
  return out;
}

export function validateJobUpdate(job: JsonObject, old: JsonObject): FieldCause[] {
  const spec = obj(job, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  const out = [...validateObjectMetaUpdate(meta(job), meta(old)), ...immutableSelector(spec, oldSpec, 'spec')];
  if (spec.completionMode !== 'Indexed' && !deepEqual(spec.completions, oldSpec.completions)) out.push(invalid('spec.completions', spec.completions ?? null, FIELD_IMMUTABLE));
  if (!deepEqual(spec.completionMode, oldSpec.completionMode)) out.push(invalid('spec.completionMode', spec.completionMode ?? '', FIELD_IMMUTABLE));
  // The pod template is immutable, except scheduling directives of a suspended job that never started.
  const t = structuredClone(obj(spec, 'template') ?? {});
  const ot = obj(oldSpec, 'template') ?? {};
  const neverStarted = oldSpec.suspend === true && !obj(old, 'status')?.startTime;
  if (neverStarted) {
    const ts = obj(t, 'spec');
    const ots = obj(ot, 'spec');
    if (ts && ots) for (const f of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) ts[f] = ots[f];
    const tm = obj(t, 'metadata');
    const otm = obj(ot, 'metadata');
    if (tm) {
      tm.labels = otm?.labels;
      tm.annotations = otm?.annotations;
    }
  }
  if (!deepEqual(t, ot)) out.push(invalid('spec.template', new GoValue('core.PodTemplateSpec{...}'), FIELD_IMMUTABLE));
  return out;
}

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

export function validateCronJob(cj: JsonObject): FieldCause[] {
  const spec = obj(cj, 'spec') ?? {};
  const out = nsMeta(cj);
  const name = str(meta(cj), 'name') ?? '';
  // The controller appends an 11-character suffix to job names, so the CronJob name is capped at 52.
  if (name.length > 52) out.push(invalid('metadata.name', name, maxLenError(52)));
  const schedule = str(spec, 'schedule') ?? '';
  if (!schedule) out.push(required('spec.schedule'));
  else {
    const body = schedule.replace(/^(CRON_)?TZ=\S+\s+/, '');
    const fields = body.trim().split(/\s+/);
    if (!CRON_MACROS.includes(body.trim()) && !body.trim().startsWith('@every ') && fields.length !== 5) {
      out.push(invalid('spec.schedule', schedule, `expected exactly 5 fields, found ${fields.length}: ${body}`));
    }
    if (/TZ=/.test(schedule)) out.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  const cp = spec.concurrencyPolicy;
  if (!cp) out.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(String(cp))) out.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) out.push(...nonNegative(spec[f], `spec.${f}`));
  const jt = obj(spec, 'jobTemplate');
  const jtMeta = obj(jt, 'metadata');
  out.push(...validateLabels(jtMeta?.labels, 'spec.jobTemplate.metadata.labels'));
  out.push(...validateJobSpec(obj(jt, 'spec') ?? {}, 'spec.jobTemplate.spec', false));
  return out;
}

export function validateReplicationController(rc: JsonObject): FieldCause[] {
  const spec = obj(rc, 'spec') ?? {};
  const out = [...nsMeta(rc), ...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const selector = stringMap(spec, 'selector');
  if (!selector || Object.keys(selector).length === 0) out.push(required('spec.selector'));
  else out.push(...validateLabels(selector, 'spec.selector'));
  const template = obj(spec, 'template');
  if (!template) out.push(required('spec.template'));
  else {
    const labels = templateLabels(template);
    if (selector && Object.keys(selector).length > 0 && !selectorMatches({ matchLabels: selector }, labels)) {
      out.push(invalid('spec.template.metadata.labels', new GoValue(goStringMap(labels)), '`selector` does not match template `labels`'));
    }
    out.push(...validatePodTemplateSpec(template, 'spec.template'));
    const restart = obj(template, 'spec')?.restartPolicy;
    if (restart && restart !== 'Always') out.push(notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
  }
  return out;
}

export function validatePodTemplate(pt: JsonObject): FieldCause[] {
  return [...nsMeta(pt), ...validatePodTemplateSpec(obj(pt, 'template'), 'template')];
}
