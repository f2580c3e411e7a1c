/** Where the node-image sources live in the repository, and the default cache directory. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resourcePath } from '../../resources.js';

/** resources/node-image: Dockerfile, entrypoint.sh, packages.txt, agent/ (beside the asar in a packaged app). */
export const NODE_IMAGE_DIR = resourcePath('node-image');
export const ENTRYPOINT_FILE = join(NODE_IMAGE_DIR, 'entrypoint.sh');
export const PACKAGES_FILE = join(NODE_IMAGE_DIR, 'packages.txt');
/** The placeholder agent; the kubelet's bundle replaces it (see `agentDir` options). */
export const DEFAULT_AGENT_DIR = join(NODE_IMAGE_DIR, 'agent');

/** `$KUBARIUM_CACHE_DIR`, else `$XDG_CACHE_HOME/kubarium`, else `~/.cache/kubarium`. */
export function defaultCacheDir(): string {
  if (process.env.KUBARIUM_CACHE_DIR) return process.env.KUBARIUM_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubarium');
}
