/**
 * Mirror pods (pkg/kubelet/pod/mirror_client.go): the API server's view of a static pod,
 * a copy carrying kubernetes.io/config.mirror=<hash> and owned by the Node. The kubelet
 * writes the static pod's status to it; it never runs it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../api/status.js';
import { PODS } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION } from './static-pods.js';

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

export function staticPodHash(pod: Pod): string {
  return pod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] ?? pod.metadata?.uid ?? '';
}

/** The mirror stands for this version of the static pod (podManager.IsMirrorPodOf). */
export function isMirrorPodOf(mirror: Pod, staticPod: Pod): boolean {
  return (
    mirror.metadata?.name === staticPod.metadata?.name &&
    mirror.metadata?.namespace === staticPod.metadata?.namespace &&
    mirror.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] === staticPodHash(staticPod)
  );
}

export class MirrorPodClient {
  constructor(
    private readonly client: RestClient,
    private readonly nodeName: string,
    /** The Node's uid, for the owner reference; undefined while unknown (no mirror is made then). */
    private readonly nodeUid: () => string | undefined,
  ) {}

  /** Creates the mirror of a static pod; an existing one of the same hash is taken as it is. */
  async create(staticPod: Pod): Promise<Pod | undefined> {
    const uid = this.nodeUid();
    if (!uid) return undefined;
    const hash = staticPodHash(staticPod);
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...meta } = staticPod.metadata ?? {};
    const mirror: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...meta,
        annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: hash },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid, controller: true }],
      },
      spec: staticPod.spec,
    };
    try {
      return await this.client.create<Pod>(PODS, mirror, { namespace: meta.namespace });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      const existing = await this.client.get<Pod>(PODS, meta.name ?? '', { namespace: meta.namespace });
      return existing.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] === hash && !existing.metadata?.deletionTimestamp ? existing : undefined;
    }
  }

  /** Deletes a mirror pod at once (grace 0, uid precondition); one already gone or replaced is fine. */
  async delete(mirror: Pod): Promise<void> {
    try {
      await this.client.delete(PODS, mirror.metadata?.name ?? '', { namespace: mirror.metadata?.namespace, gracePeriodSeconds: 0, preconditions: { uid: mirror.metadata?.uid } });
    } catch (err) {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
  }
}
