/**
 * The node image, built offline in two layers so that agent changes rebuild in seconds:
 *   kubarium/node-base:<hash>  the debootstrap root (rootfs.ts) imported with the
 *                              image config the Dockerfile declares;
 *   kubarium/node:<hash>       the base plus /kubarium: the entrypoint and the agent
 *                              bundle (node-layer.ts).
 * Each tag carries the hash of its inputs (the node tag's covers the base's too), so
 * an existing tag means there is nothing to build.
 */
import type Docker from 'dockerode';
import { withBuildLock } from './build-lock.js';
import { hashParts, shortHash } from './content-hash.js';
import { imageId, importDirectory, pruneOtherTags } from './import.js';
import { addNodeLayer, nodeLayerHash } from './node-layer.js';
import { DEFAULT_AGENT_DIR, defaultCacheDir } from './paths.js';
import { ensureRootfs, rootfsHash, rootfsInputs } from './rootfs.js';

export const NODE_IMAGE_REPO = 'kubarium/node';
export const NODE_BASE_IMAGE_REPO = 'kubarium/node-base';

/** What the Dockerfile's ENV / ENTRYPOINT / CMD say, as `docker import --change` lines. */
export const NODE_IMAGE_CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV container=docker',
  'ENTRYPOINT ["/usr/bin/tini", "--"]',
  'CMD ["/kubarium/entrypoint.sh"]',
];

export interface NodeImageOptions {
  /** Directory copied to /kubarium/agent (its index.mjs is started). Default: the placeholder agent. */
  agentDir?: string;
  /** Where the debootstrap root and .deb downloads are kept. Default: defaultCacheDir(). */
  cacheDir?: string;
  log?: (line: string) => void;
  /** Remove other `kubarium/node:*` and `kubarium/node-base:*` tags after a build (default true). */
  pruneOld?: boolean;
}

export interface NodeImageResult {
  /** `kubarium/node:<hash>`. */
  ref: string;
  id: string;
  /** What this call built: nothing when the tag existed. */
  built: { rootfs: boolean; base: boolean; node: boolean };
  seconds: number;
}

/** The tags the given inputs produce, without building anything. */
export function nodeImageRefs(agentDir = DEFAULT_AGENT_DIR): { base: string; node: string } {
  // The base is the root plus its image config: a config change re-imports the cached root.
  const baseHash = hashParts([rootfsHash(rootfsInputs()), JSON.stringify(NODE_IMAGE_CHANGES)]);
  const nodeHash = hashParts([baseHash, nodeLayerHash(agentDir)]);
  return { base: `${NODE_BASE_IMAGE_REPO}:${shortHash(baseHash)}`, node: `${NODE_IMAGE_REPO}:${shortHash(nodeHash)}` };
}

/** Makes sure `kubarium/node:<hash>` exists in the host engine, building what is missing. */
export async function ensureNodeImage(docker: Docker, opts: NodeImageOptions = {}): Promise<NodeImageResult> {
  const t0 = performance.now();
  const agentDir = opts.agentDir ?? DEFAULT_AGENT_DIR;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const log = opts.log ?? (() => {});
  const refs = nodeImageRefs(agentDir);
  const built = { rootfs: false, base: false, node: false };
  const done = (id: string): NodeImageResult => ({ ref: refs.node, id, built, seconds: (performance.now() - t0) / 1000 });

  const existing = await imageId(docker, refs.node);
  if (existing) return done(existing);
  return withBuildLock(cacheDir, 'node-image', async () => {
    const raced = await imageId(docker, refs.node); // another process may have built it meanwhile
    if (raced) return done(raced);
    if (!(await imageId(docker, refs.base))) {
      const rootfs = await ensureRootfs({ cacheDir, log });
      built.rootfs = rootfs.built;
      log(`node image: importing ${refs.base}`);
      await importDirectory(docker, rootfs.dir, refs.base, NODE_IMAGE_CHANGES);
      built.base = true;
      if (opts.pruneOld !== false) await pruneOtherTags(docker, NODE_BASE_IMAGE_REPO, refs.base);
    }
    log(`node image: adding the entrypoint and agent (${agentDir}) as ${refs.node}`);
    const id = await addNodeLayer(docker, refs.base, agentDir, refs.node);
    built.node = true;
    if (opts.pruneOld !== false) await pruneOtherTags(docker, NODE_IMAGE_REPO, refs.node);
    return done(id);
  });
}
