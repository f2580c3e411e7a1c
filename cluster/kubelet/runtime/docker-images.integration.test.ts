/**
 * The docker runtime's image-GC methods against the host's engine, read-only (nothing is
 * removed from a shared engine): images listed with the pause image pinned, the image
 * filesystem's size, and the images of existing containers counted as in use.
 * Skips without an engine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectDocker, dockerSkipReason } from '../../nodes/docker.js';
import { ensurePodImages, PAUSE_IMAGE } from '../../nodes/image/pod-images.js';
import { DockerRuntime } from './docker-runtime.js';

const docker = connectDocker();
const skip = (await dockerSkipReason()) || (await ensurePodImages(docker).then(() => false, (err: Error) => `the pod images cannot be built: ${err.message}`));

test('listImages, imageFsStats and imagesInUse over a real engine', { skip }, async () => {
  const rt = new DockerRuntime({ docker });
  const images = await rt.listImages();
  const pause = images.find((i) => i.repoTags.includes(PAUSE_IMAGE));
  assert.ok(pause, 'the pause image is listed');
  assert.equal(pause.pinned, true);
  assert.match(pause.id, /^sha256:/);
  assert.ok(pause.sizeBytes > 0);
  assert.ok(images.filter((i) => i.pinned).every((i) => i.repoTags.includes(PAUSE_IMAGE)), 'only the pause image is pinned');
  const fs = await rt.imageFsStats();
  assert.ok(fs.capacityBytes > 0 && fs.availableBytes > 0 && fs.availableBytes <= fs.capacityBytes, JSON.stringify(fs));
  const inUse = await rt.imagesInUse();
  const containers = await docker.listContainers({ all: true });
  for (const c of containers) assert.ok(inUse.has(c.ImageID), `${c.Names[0]}'s image counts as used`);
});
