/**
 * Finding the runtime container a streaming request means: the current instance of a
 * pod's container, or (`--previous`) the one before it, with the kubelet's messages
 * when there is none (kubelet_pods.go validateContainerLogStatus, findContainer).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/types.js';
import { KubeletHttpError } from './http-error.js';

/** Every container named in the pod's spec (app, init, ephemeral). */
export function specContainerNames(pod: Pod): string[] {
  const spec = pod.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
}

/** Instances of one container, newest first. */
async function instances(runtime: ContainerRuntime, pod: Pod, name: string): Promise<RuntimeContainer[]> {
  const all = await runtime.listPodContainers(pod.metadata?.uid ?? '');
  return all.filter((c) => c.name === name).sort((a, b) => b.restartCount - a.restartCount || b.createdAtMs - a.createdAtMs);
}

function waitingReason(pod: Pod, name: string): string {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.find((s) => s.name === name)?.state?.waiting?.reason ?? 'ContainerCreating';
}

/** The container whose logs are asked for (400 when it has none yet, or no previous instance). */
export async function logContainer(runtime: ContainerRuntime, pod: Pod, name: string, previous: boolean): Promise<RuntimeContainer> {
  const podName = pod.metadata?.name ?? '';
  if (!specContainerNames(pod).includes(name)) throw new KubeletHttpError(404, `container "${name}" not found in pod "${podName}"`);
  const list = await instances(runtime, pod, name);
  if (previous) {
    const prev = list[1];
    if (!prev) throw new KubeletHttpError(400, `previous terminated container "${name}" in pod "${podName}" not found`);
    return prev;
  }
  const current = list[0];
  if (!current || current.state === 'created' || current.state === 'unknown') {
    throw new KubeletHttpError(400, `container "${name}" in pod "${podName}" is waiting to start: ${waitingReason(pod, name)}`);
  }
  return current;
}

/** The running container to exec in or attach to (the kubelet's findContainer looks at running ones only). */
export async function runningContainer(runtime: ContainerRuntime, pod: Pod, name: string): Promise<RuntimeContainer> {
  const current = (await instances(runtime, pod, name))[0];
  if (!current || current.state !== 'running') throw new KubeletHttpError(500, `container not found ("${name}")`);
  return current;
}
