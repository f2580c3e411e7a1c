/**
 * The node image's top layer, the part that changes with our code: /kubarium/entrypoint.sh
 * and the agent bundle in /kubarium/agent (its index.mjs is what the entrypoint starts).
 * Added to a base image with docker create + cp + commit, so a code change rebuilds
 * only this, in seconds.
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { hashDirectory, hashParts } from './content-hash.js';
import { addLayer } from './import.js';
import { ENTRYPOINT_FILE } from './paths.js';

/** The hash of the layer's inputs. */
export function nodeLayerHash(agentDir: string): string {
  return hashParts(['node-layer-v1', readFileSync(ENTRYPOINT_FILE), hashDirectory(agentDir)]);
}

/** Commits `ref` = `base` + /kubarium (entrypoint and `agentDir`). */
export async function addNodeLayer(docker: Docker, base: string, agentDir: string, ref: string): Promise<string> {
  const stage = mkdtempSync(join(tmpdir(), 'kubarium-node-layer-'));
  try {
    const root = join(stage, 'kubarium');
    mkdirSync(root, { mode: 0o755 });
    chmodSync(root, 0o755);
    copyFileSync(ENTRYPOINT_FILE, join(root, 'entrypoint.sh'));
    chmodSync(join(root, 'entrypoint.sh'), 0o755);
    cpSync(agentDir, join(root, 'agent'), { recursive: true });
    chmodSync(join(root, 'agent'), 0o755);
    return await addLayer(docker, base, stage, ['kubarium'], ref);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
