/**
 * StatefulSet pod identity (pkg/controller/statefulset/stateful_set_utils.go): pod
 * `<set>-<ordinal>` with the pod-name and pod-index labels, hostname = pod name,
 * subdomain = serviceName, and each volumeClaimTemplate bound to claim
 * `<template>-<set>-<ordinal>`. Its `controller-revision-hash` label holds the revision's name, as upstream.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js';
import { CONTROLLER_REVISION_HASH_LABEL, controllerRefTo } from '../history/index.js';

export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name}-${ordinal}`;
}

/** The ordinal of a pod named `<set>-<n>`, or undefined if the name does not fit (getParentNameAndOrdinal). */
export function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${set.metadata?.name}-`;
  const name = pod.metadata?.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata?.name}-${ordinal}`;
}

/** The claims the pod at `ordinal` needs (getPersistentVolumeClaims): template copies labelled with the set's selector. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((tpl) => {
    const c = structuredClone(tpl);
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...(c.metadata?.annotations ? { annotations: c.metadata.annotations } : {}),
        name: claimName(set, c.metadata?.name ?? '', ordinal),
        namespace: set.metadata?.namespace,
        labels: { ...(c.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      },
      spec: c.spec,
    };
  });
}

export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revisionName: string): Pod {
  const t = structuredClone(template);
  const name = podName(set, ordinal);
  const spec = t.spec ?? { containers: [] };
  const claimVolumes: Volume[] = (set.spec?.volumeClaimTemplates ?? []).map((c) => ({
    name: c.metadata?.name ?? '',
    persistentVolumeClaim: { claimName: claimName(set, c.metadata?.name ?? '', ordinal) },
  }));
  const claimNames = new Set(claimVolumes.map((v) => v.name));
  spec.volumes = [...(spec.volumes ?? []).filter((v) => !claimNames.has(v.name)), ...claimVolumes];
  if (!spec.volumes.length) delete spec.volumes;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      name,
      namespace: set.metadata?.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [STATEFULSET_POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH_LABEL]: revisionName },
      ownerReferences: [controllerRefTo({ ...set, apiVersion: 'apps/v1', kind: 'StatefulSet' })],
    },
    spec,
  };
}
