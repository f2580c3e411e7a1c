/**
 * The node image with the pod images already in its engine's storage, as kind's node
 * image carries its preloaded images: `/var/lib/docker` (overlay2 layers and the image
 * database of the node's engine) is baked into the image, and Docker copies it into
 * each node's new, empty `/var/lib/docker` volume when the node container is created.
 * Cheaper than `docker save | docker load` into every node at start (tar parsing,
 * digests and extraction of ~110 MB per node, all nodes at once on a small machine),
 * which was most of a warm start.
 *
 * Made once per (node image, pod images) pair: a throw-away container of the node image
 * runs only its engine on a scratch volume, loads the pod images, stops; its `image/`
 * and `overlay2/` directories are copied into a second container of the node image,
 * which is committed. Pod images are single-layer imports, so their layer directories
 * hold no overlay whiteouts that the host's own storage would misread.
 */
import type Docker from 'dockerode';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_LABEL } from '../names.js';
import { loadImagesIntoNode, waitForNodeEngine } from '../nested-engine.js';
import { detectPrivilegeMode, privilegeHostConfig } from '../privilege.js';
import { hashParts, shortHash } from './content-hash.js';
import { imageId, pruneOtherTags, splitRef } from './import.js';
import { tarDirectory } from './tar.js';

export const PRELOADED_NODE_IMAGE_REPO = 'kubarium/node-preloaded';
/** Bump when the way the storage is captured changes. */
const RECIPE = 'preloaded-node-image-v1';
/** What of the engine's storage is kept: layers and the image database, not containers, networks or the engine's id. */
const STORAGE_MEMBERS = ['image', 'overlay2'];
const SEED_LABEL = 'io.kubarium.seed';

export interface PreloadedImageResult {
  /** `kubarium/node-preloaded:<hash>`. */
  ref: string;
  id: string;
  built: boolean;
  seconds: number;
}

/** The tag for these inputs (image IDs, so a rebuilt pod image gives a new tag). */
export async function preloadedImageRef(docker: Docker, nodeRef: string, podRefs: readonly string[]): Promise<string> {
  const ids: string[] = [];
  for (const ref of [nodeRef, ...podRefs]) {
    const id = await imageId(docker, ref);
    if (!id) throw new Error(`image ${ref} is not in the host's Docker engine`);
    ids.push(`${ref}=${id}`);
  }
  return `${PRELOADED_NODE_IMAGE_REPO}:${shortHash(hashParts([RECIPE, ...ids]))}`;
}

export interface PreloadedImageOptions {
  log?: (line: string) => void;
}

/** `nodeRef` with `podRefs` in its engine's storage; built when missing. */
export async function ensurePreloadedNodeImage(
  docker: Docker,
  nodeRef: string,
  podRefs: readonly string[],
  opts: PreloadedImageOptions = {},
): Promise<PreloadedImageResult> {
  const started = Date.now();
  const ref = await preloadedImageRef(docker, nodeRef, podRefs);
  const existing = await imageId(docker, ref);
  if (existing) return { ref, id: existing, built: false, seconds: 0 };
  opts.log?.(`nodes: preloading ${podRefs.length} pod images into a node image (once per image set)`);
  const id = await build(docker, nodeRef, [...podRefs], ref);
  await pruneOtherTags(docker, PRELOADED_NODE_IMAGE_REPO, ref);
  return { ref, id, built: true, seconds: (Date.now() - started) / 1000 };
}

async function build(docker: Docker, nodeRef: string, podRefs: string[], ref: string): Promise<string> {
  const labels = { [CLUSTER_LABEL]: 'image-build', [SEED_LABEL]: ref };
  const mode = await detectPrivilegeMode(docker, nodeRef, 'image-build');
  const volume = `kubarium-seed-${process.pid}-${Date.now()}`;
  await docker.createVolume({ Name: volume, Labels: labels });
  const containers: Docker.Container[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'kubarium-seed-'));
  try {
    // The node's engine alone (no agent, no bridge): it only has to store images.
    const seed = await docker.createContainer({
      Image: nodeRef,
      Cmd: ['dockerd', '--host=unix:///var/run/docker.sock', '--exec-opt', 'native.cgroupdriver=cgroupfs', '--bridge=none', '--iptables=false'],
      Labels: labels,
      HostConfig: {
        ...privilegeHostConfig(mode),
        NetworkMode: 'none',
        Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/docker' }],
        Tmpfs: { '/run': 'rw,nosuid,nodev', '/tmp': 'rw,nosuid,nodev' },
      },
    });
    containers.push(seed);
    await seed.start();
    await waitForNodeEngine(seed);
    await loadImagesIntoNode(docker, seed, podRefs);
    await seed.stop({ t: 20 });

    const target = await docker.createContainer({ Image: nodeRef, Labels: labels });
    containers.push(target);
    mkdirSync(join(scratch, 'docker'), { mode: 0o710 });
    const dir = tarDirectory(scratch, ['docker']);
    await Promise.all([target.putArchive(dir.stream, { path: '/var/lib' }), dir.done]);
    for (const member of STORAGE_MEMBERS) {
      const archive = await seed.getArchive({ path: `/var/lib/docker/${member}` });
      await target.putArchive(archive, { path: '/var/lib/docker' });
    }
    // commit keeps the node image's config (entrypoint, env, labels) as it is.
    await target.commit({ ...splitRef(ref), comment: `kubarium: preloaded ${podRefs.join(' ')}` });
  } finally {
    for (const c of containers) await c.remove({ force: true, v: true }).catch(() => {});
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
  const id = await imageId(docker, ref);
  if (!id) throw new Error(`docker commit did not produce ${ref}`);
  return id;
}
