/**
 * Every image a cluster needs, in the host's engine: the node image (offline from
 * Debian packages on a Linux host as root with debootstrap, else from the Dockerfile)
 * and the pod images preloaded into each node (pause, busybox, http-echo).
 */
import type Docker from 'dockerode';
import { noProgress, type ProgressSink } from '../../controlplane/progress.js';
import { spawnSync } from 'node:child_process';
import { ensureNodeImageFromDockerfile } from './dockerfile-build.js';
import { withBuildLock } from './build-lock.js';
import { imageId } from './import.js';
import { defaultCacheDir } from './paths.js';
import { ensureNodeImage, nodeImageRefs } from './offline-build.js';
import type { NodeImageOptions, NodeImageResult } from './offline-build.js';
import { ensurePodImages } from './pod-images.js';
import type { PodImagesResult } from './pod-images.js';
import { ensurePreloadedNodeImage } from './preloaded-image.js';
import type { PreloadedImageResult } from './preloaded-image.js';

export { ensureNodeImage, nodeImageRefs, NODE_IMAGE_REPO, NODE_BASE_IMAGE_REPO, NODE_IMAGE_CHANGES } from './offline-build.js';
export type { NodeImageOptions, NodeImageResult } from './offline-build.js';
export { ensureNodeImageFromDockerfile, dockerfileImageRefs } from './dockerfile-build.js';
export { ensurePodImages, PAUSE_IMAGE, BUSYBOX_IMAGE, HTTP_ECHO_IMAGE, POD_IMAGES, CONTENT_HASH_LABEL } from './pod-images.js';
export type { PodImagesResult } from './pod-images.js';
export { ensurePreloadedNodeImage, PRELOADED_NODE_IMAGE_REPO } from './preloaded-image.js';
export type { PreloadedImageResult } from './preloaded-image.js';
export { defaultCacheDir, DEFAULT_AGENT_DIR, NODE_IMAGE_DIR } from './paths.js';

export type NodeImageMethod = 'auto' | 'offline' | 'dockerfile';

/** True when this host can build offline: Linux, root, debootstrap on PATH. */
export function canBuildOffline(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status === 0;
}

export interface ClusterImages {
  node: NodeImageResult;
  pod: PodImagesResult;
  /** The node image with the pod images in its engine: what node containers run. */
  preloaded: PreloadedImageResult;
}

/** The node image and the pod images, built when missing ('auto': offline when possible). */
export async function ensureClusterImages(docker: Docker, opts: NodeImageOptions & { method?: NodeImageMethod; progress?: ProgressSink } = {}): Promise<ClusterImages> {
  // One task, three steps; each build's log lines become its detail (a first build takes minutes, a cached one none).
  const task = (opts.progress ?? noProgress).start('Prepare the node images', { total: 3, phase: 'node image' });
  try {
    const images = await buildClusterImages(docker, { ...opts, log: (line) => (task.detail(line), opts.log?.(line)) }, (phase) => task.phase(phase));
    task.finish('node images ready');
    return images;
  } catch (err) {
    task.fail(err);
    throw err;
  }
}

async function buildClusterImages(docker: Docker, opts: NodeImageOptions & { method?: NodeImageMethod }, phase: (name: string) => void): Promise<ClusterImages> {
  const method = opts.method ?? 'auto';
  // 'auto': an offline-built image already there needs no root to reuse.
  const offline =
    method === 'offline' ||
    (method === 'auto' && ((await imageId(docker, nodeImageRefs(opts.agentDir).node)) !== undefined || canBuildOffline()));
  const node = offline ? await ensureNodeImage(docker, opts) : await ensureNodeImageFromDockerfile(docker, opts);
  phase('pod images');
  const pod = await ensurePodImages(docker, { cacheDir: opts.cacheDir });
  phase('preloaded node image');
  const preloaded = await withBuildLock(opts.cacheDir ?? defaultCacheDir(), 'preloaded-node-image', () =>
    ensurePreloadedNodeImage(docker, node.ref, pod.refs, { log: opts.log }),
  );
  return { node, pod, preloaded };
}
