/** Test support: why tests that run pods on the host's Docker engine must skip, or false when they can run. */
import type Docker from 'dockerode';
import { dockerSkipReason } from '../../nodes/docker.js';
import { ensurePodImages } from '../../nodes/image/pod-images.js';

export async function podEngineSkipReason(docker: Docker): Promise<string | false> {
  const noEngine = await dockerSkipReason();
  if (noEngine) return noEngine;
  try {
    await ensurePodImages(docker);
  } catch (err) {
    return `the pod images (kubarium/pause, busybox, http-echo) are missing and cannot be built: ${(err as Error).message}`;
  }
  return false;
}
