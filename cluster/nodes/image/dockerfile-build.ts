/**
 * The node image where a registry is reachable (users' machines, macOS/Windows Docker
 * Desktop): `docker build resources/node-image` as the base, then the same agent layer
 * as the offline path. Tagged by the hash of the build context and the agent.
 */
import type Docker from 'dockerode';
import { followProgress } from '../docker.js';
import { hashDirectory, hashParts, shortHash } from './content-hash.js';
import { imageId, pruneOtherTags } from './import.js';
import { NODE_BASE_IMAGE_REPO, NODE_IMAGE_REPO } from './offline-build.js';
import type { NodeImageOptions, NodeImageResult } from './offline-build.js';
import { addNodeLayer, nodeLayerHash } from './node-layer.js';
import { DEFAULT_AGENT_DIR, NODE_IMAGE_DIR } from './paths.js';
import { tarDirectory } from './tar.js';

export function dockerfileImageRefs(agentDir = DEFAULT_AGENT_DIR): { base: string; node: string } {
  const baseHash = hashParts(['dockerfile-v1', hashDirectory(NODE_IMAGE_DIR)]);
  const nodeHash = hashParts([baseHash, nodeLayerHash(agentDir)]);
  return { base: `${NODE_BASE_IMAGE_REPO}:df-${shortHash(baseHash)}`, node: `${NODE_IMAGE_REPO}:df-${shortHash(nodeHash)}` };
}

/** Builds `kubarium/node:df-<hash>` from the Dockerfile unless it exists (pulls debian and node images). */
export async function ensureNodeImageFromDockerfile(docker: Docker, opts: NodeImageOptions = {}): Promise<NodeImageResult> {
  const t0 = performance.now();
  const agentDir = opts.agentDir ?? DEFAULT_AGENT_DIR;
  const log = opts.log ?? (() => {});
  const refs = dockerfileImageRefs(agentDir);
  const built = { rootfs: false, base: false, node: false };
  const done = (id: string): NodeImageResult => ({ ref: refs.node, id, built, seconds: (performance.now() - t0) / 1000 });
  const existing = await imageId(docker, refs.node);
  if (existing) return done(existing);
  if (!(await imageId(docker, refs.base))) {
    log(`node image: docker build ${NODE_IMAGE_DIR} as ${refs.base}`);
    const context = tarDirectory(NODE_IMAGE_DIR);
    const stream = await docker.buildImage(context.stream, { t: refs.base, rm: true, forcerm: true });
    await Promise.all([followProgress(docker, stream), context.done]);
    built.base = true;
    if (opts.pruneOld !== false) await pruneOtherTags(docker, NODE_BASE_IMAGE_REPO, refs.base);
  }
  const id = await addNodeLayer(docker, refs.base, agentDir, refs.node);
  built.node = true;
  if (opts.pruneOld !== false) await pruneOtherTags(docker, NODE_IMAGE_REPO, refs.node);
  return done(id);
}
