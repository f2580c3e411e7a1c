/**
 * Images from local files, with no registry: `docker import` of a directory (with
 * Dockerfile-style config changes), and a layer added on top of an image by
 * `docker create` + copy + `docker commit`.
 */
import type Docker from 'dockerode';
import { followProgress, isNotFound } from '../docker.js';
import { tarDirectory } from './tar.js';

export function splitRef(ref: string): { repo: string; tag: string } {
  const at = ref.lastIndexOf(':');
  if (at <= ref.lastIndexOf('/')) return { repo: ref, tag: 'latest' };
  return { repo: ref.slice(0, at), tag: ref.slice(at + 1) };
}

/** The image's ID, or undefined when the engine does not have it. */
export async function imageId(docker: Docker, ref: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** `tar -C dir -c . | docker import --change ... - ref`; returns the image ID. */
export async function importDirectory(docker: Docker, dir: string, ref: string, changes: string[]): Promise<string> {
  const tar = tarDirectory(dir);
  const imported = docker.importImage(tar.stream, { ...splitRef(ref), changes }).then((s) => followProgress(docker, s));
  await Promise.all([imported, tar.done]);
  const id = await imageId(docker, ref);
  if (!id) throw new Error(`docker import of ${dir} did not produce ${ref}`);
  return id;
}

/**
 * A new image `ref`: `base` plus the `members` of `dir` (paths relative to it) copied to
 * `/` (docker create + cp + commit). Naming members keeps `dir`'s own mode off `/`.
 */
export async function addLayer(docker: Docker, base: string, dir: string, members: string[], ref: string): Promise<string> {
  const container = await docker.createContainer({ Image: base });
  try {
    const tar = tarDirectory(dir, members);
    await Promise.all([container.putArchive(tar.stream, { path: '/' }), tar.done]);
    await container.commit({ ...splitRef(ref), comment: `kubarium: ${members.join(' ')}` });
  } finally {
    await container.remove({ force: true, v: true });
  }
  const id = await imageId(docker, ref);
  if (!id) throw new Error(`docker commit did not produce ${ref}`);
  return id;
}

/** Removes `repo:*` tags other than `keep` (superseded builds); images still in use stay. */
export async function pruneOtherTags(docker: Docker, repo: string, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [`${repo}:*`] } });
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (tag === keep || splitRef(tag).repo !== repo) continue;
      await docker
        .getImage(tag)
        .remove()
        .catch(() => {});
    }
  }
}
