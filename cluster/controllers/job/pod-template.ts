/**
 * The pods a Job creates (pkg/controller/job: getPodsForJob's template copy plus
 * addCompletionIndexEnvVariables / addCompletionIndexAnnotation): the Job's template
 * with the tracking finalizer and a controller reference; Indexed Jobs' pods are named
 * `<job>-<index>-<suffix>`, carry the index as annotation and label, get
 * JOB_COMPLETION_INDEX from that annotation and a hostname `<job>-<index>`.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Container, EnvVar, Pod } from 'kubernetes-types/core/v1.js';
import { controllerRefTo } from '../history/index.js';
import { JOB_COMPLETION_INDEX_ANNOTATION, JOB_COMPLETION_INDEX_ENV, JOB_COMPLETION_INDEX_LABEL, JOB_TRACKING_FINALIZER } from './constants.js';

const indexEnv: EnvVar = {
  name: JOB_COMPLETION_INDEX_ENV,
  valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX_ANNOTATION}']` } },
};

function withIndexEnv(c: Container): Container {
  if (c.env?.some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) return c;
  return { ...c, env: [...(c.env ?? []), indexEnv] };
}

export function newJobPod(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const name = job.metadata?.name ?? '';
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  const spec = template.spec ?? { containers: [] };
  let generateName = `${name}-`;
  if (index !== undefined) {
    generateName = `${name}-${index}-`;
    annotations[JOB_COMPLETION_INDEX_ANNOTATION] = String(index);
    labels[JOB_COMPLETION_INDEX_LABEL] = String(index);
    spec.containers = (spec.containers ?? []).map(withIndexEnv);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndexEnv);
    spec.hostname ??= `${name}-${index}`;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata?.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers: [...(template.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER],
      ownerReferences: [controllerRefTo({ ...job, apiVersion: job.apiVersion ?? 'batch/v1', kind: job.kind ?? 'Job' })],
    },
    spec,
  };
}
