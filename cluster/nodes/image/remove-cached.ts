/**
 * `down --images`: removes the images Kubarium built and cached by content (node image,
 * its preloaded variant and base, the pod images), which a normal `down` keeps so the
 * next start builds nothing. Images a container still uses stay (another cluster's nodes).
 */
import type Docker from 'dockerode';
import { DNS_IMAGE_REPO } from '../../addons/dns/image.js';
import { splitRef } from './import.js';
import { NODE_BASE_IMAGE_REPO, NODE_IMAGE_REPO } from './offline-build.js';
import { BUSYBOX_IMAGE, HTTP_ECHO_IMAGE, PAUSE_IMAGE } from './pod-images.js';
import { PRELOADED_NODE_IMAGE_REPO } from './preloaded-image.js';

export const CACHED_IMAGE_REPOS: readonly string[] = [
  PRELOADED_NODE_IMAGE_REPO,
  NODE_IMAGE_REPO,
  NODE_BASE_IMAGE_REPO,
  DNS_IMAGE_REPO,
  ...[PAUSE_IMAGE, BUSYBOX_IMAGE, HTTP_ECHO_IMAGE].map((ref) => splitRef(ref).repo),
];

export interface RemovedImages {
  removed: string[];
  /** Tags kept because a container uses them. */
  inUse: string[];
}

/** Untags (and so deletes, when nothing else refers to them) every tag of `repos`, children first. */
export async function removeCachedImages(docker: Docker, repos: readonly string[] = CACHED_IMAGE_REPOS): Promise<RemovedImages> {
  const out: RemovedImages = { removed: [], inUse: [] };
  // In this order a derived image (preloaded → node → base) goes before the one it was built from.
  for (const repo of repos) {
    const images = await docker.listImages({ filters: { reference: [`${repo}:*`] } });
    for (const tag of images.flatMap((i) => i.RepoTags ?? []).filter((t) => splitRef(t).repo === repo)) {
      try {
        await docker.getImage(tag).remove();
        out.removed.push(tag);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 409) out.inUse.push(tag);
        else throw err;
      }
    }
  }
  return out;
}
