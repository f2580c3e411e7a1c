/**
 * Labels and names on the containers of the docker runtime, as cri-dockerd (the
 * dockershim) writes them, so a restarted kubelet finds and adopts what it created.
 */
import type { PodRef } from './types.js';

export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
/** `podsandbox` or `container` (cri-dockerd's io.kubernetes.docker.type). */
export const CONTAINER_TYPE_LABEL = 'io.kubernetes.docker.type';
export const RESTART_COUNT_LABEL = 'io.kubernetes.container.restartCount';
export const SANDBOX_ATTEMPT_LABEL = 'io.kubernetes.sandbox.attempt';
export const SANDBOX_ID_LABEL = 'io.kubernetes.sandbox.id';
export const INIT_LABEL = 'io.kubarium.container.init';
/** The image as the pod spec named it. */
export const IMAGE_LABEL = 'io.kubarium.container.image';
/** The host file bind-mounted at the container's terminationMessagePath. */
export const TERMINATION_LOG_LABEL = 'io.kubarium.container.termination-log';
/** Marks everything the kubelet's runtime created. */
export const MANAGED_LABEL = 'io.kubarium.kubelet';

export function podLabels(pod: PodRef): Record<string, string> {
  return { [POD_UID_LABEL]: pod.uid, [POD_NAMESPACE_LABEL]: pod.namespace, [POD_NAME_LABEL]: pod.name, [MANAGED_LABEL]: 'true' };
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]: the k8s names already fit. */
export function sandboxContainerName(pod: PodRef, attempt: number): string {
  return `k8s_POD_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}

export function containerName(pod: PodRef, name: string, restartCount: number): string {
  return `k8s_${name}_${pod.name}_${pod.namespace}_${pod.uid}_${restartCount}`;
}

export function podRefFrom(labels: Record<string, string> | undefined): PodRef {
  return { uid: labels?.[POD_UID_LABEL] ?? '', namespace: labels?.[POD_NAMESPACE_LABEL] ?? '', name: labels?.[POD_NAME_LABEL] ?? '' };
}
