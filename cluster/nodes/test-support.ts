/** Shared by the Docker tests of cluster/nodes: when to skip, and a unique cluster id. */
import { randomBytes } from 'node:crypto';
import { connectDocker, engineReachable } from './docker.js';
import { staticBusybox } from './image/busybox-root.js';
import { imageId } from './image/import.js';
import { canBuildOffline } from './image/index.js';
import { nodeImageRefs } from './image/offline-build.js';

/** Why node tests cannot run here, or false when they can. */
export async function nodeTestSkipReason(): Promise<string | false> {
  const docker = connectDocker();
  if (!(await engineReachable(docker))) return 'no Docker engine answers (install docker.io; `npm test` starts dockerd when root)';
  try {
    staticBusybox();
  } catch (err) {
    return (err as Error).message;
  }
  if (!canBuildOffline() && !(await imageId(docker, nodeImageRefs().node))) {
    return 'the node image is not built and cannot be built offline here (needs Linux, root and debootstrap)';
  }
  return false;
}

/** A cluster id no other test run uses: `t-<pid>-<random>`. */
export const testClusterId = (): string => `t-${process.pid}-${randomBytes(3).toString('hex')}`;
