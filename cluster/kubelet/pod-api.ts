/**
 * The pod sync's results written to the API server, as the kubelet's status manager
 * writes them (pkg/kubelet/status/status_manager.go): a patch of pods/status carrying
 * the uid, and, once a deleted pod's containers are gone, the final DELETE with
 * gracePeriodSeconds=0 and a uid precondition.
 */
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../api/status.js';
import { PODS } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import type { PodSyncer } from './pod-sync.js';

/**
 * JSON merge patch of pods/status: lists (conditions, containerStatuses) are replaced
 * whole, so fields a previous status had and this one lacks do not linger. False when
 * the pod is gone.
 */
export async function writePodStatus(client: RestClient, pod: Pod, status: PodStatus): Promise<boolean> {
  try {
    await client.patch<Pod>(PODS, pod.metadata?.name ?? '', { metadata: { uid: pod.metadata?.uid }, status }, {
      namespace: pod.metadata?.namespace,
      subresource: 'status',
      type: 'merge',
    });
    return true;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return false;
    throw err;
  }
}

/** The final delete of a terminated pod; a pod already gone, or replaced by a new one of the same name, is fine. */
export async function deletePodObject(client: RestClient, pod: Pod): Promise<void> {
  try {
    await client.delete(PODS, pod.metadata?.name ?? '', {
      namespace: pod.metadata?.namespace,
      gracePeriodSeconds: 0,
      preconditions: { uid: pod.metadata?.uid },
    });
  } catch (err) {
    if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
  }
}

/**
 * One sync of a pod with its outcome in the API: the status written; for a deleted pod
 * (deletionTimestamp), the containers killed gracefully, the final status written, the
 * object deleted and the containers removed. Returns when to sync again.
 */
export async function syncPodToApi(client: RestClient, syncer: PodSyncer, pod: Pod): Promise<number | undefined> {
  const result = await syncer.syncPod(pod);
  const exists = await writePodStatus(client, pod, result.status);
  if (result.terminated) {
    if (exists) await deletePodObject(client, pod);
    await syncer.removePod(pod.metadata?.uid ?? '');
    return undefined;
  }
  return result.requeueAfterMs;
}
