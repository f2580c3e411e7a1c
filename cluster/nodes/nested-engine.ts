/**
 * The Docker engine inside a node container: waiting until it answers, and loading
 * images into it from the host's engine (`docker save` on the host piped into
 * `docker load` in the node, as `kind load docker-image` does).
 */
import type Docker from 'dockerode';
import { execIn, saveImages } from './docker.js';

export interface WaitForEngineOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves when `docker version` inside the node answers; throws if the node stops or time runs out. */
export async function waitForNodeEngine(container: Docker.Container, opts: WaitForEngineOptions = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const interval = opts.intervalMs ?? 100;
  let last = '';
  for (;;) {
    const info = await container.inspect();
    if (!info.State.Running) throw new Error(`node container ${info.Name.replace(/^\//, '')} is ${info.State.Status} (exit ${info.State.ExitCode}); see docker logs`);
    try {
      const r = await execIn(container, ['docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 });
      if (r.exitCode === 0) return;
      last = (r.stderr || r.stdout).trim();
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`the engine in node ${info.Name.replace(/^\//, '')} did not answer: ${last}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The image IDs the node's engine has for `refs` (absent ones left out). */
export async function nodeImageIds(container: Docker.Container, refs: string[]): Promise<Map<string, string>> {
  const r = await execIn(container, ['docker', 'image', 'inspect', '--format', '{{.Id}}', ...refs], { timeoutMs: 30_000 });
  // With some refs missing, inspect exits 1 but prints the IDs it found, in order; match them by asking per ref.
  if (r.exitCode === 0) {
    const ids = r.stdout.trim().split('\n');
    return new Map(refs.map((ref, i) => [ref, ids[i]]));
  }
  const out = new Map<string, string>();
  for (const ref of refs) {
    const one = await execIn(container, ['docker', 'image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 30_000 });
    if (one.exitCode === 0) out.set(ref, one.stdout.trim());
  }
  return out;
}

/**
 * Copies images from the host's engine into the node's: those the node lacks or has
 * with another ID. Returns the refs loaded. Throws when the host lacks one of them.
 */
export async function loadImagesIntoNode(docker: Docker, container: Docker.Container, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const hostIds = new Map<string, string>();
  for (const ref of refs) {
    try {
      hostIds.set(ref, (await docker.getImage(ref).inspect()).Id);
    } catch (err) {
      throw new Error(`image ${ref} is not in the host's Docker engine: ${err instanceof Error ? err.message : err}`);
    }
  }
  const present = await nodeImageIds(container, refs);
  const missing = refs.filter((ref) => present.get(ref) !== hostIds.get(ref));
  if (missing.length === 0) return [];
  const saved = await saveImages(docker, missing);
  const r = await execIn(container, ['docker', 'load', '--quiet'], { stdin: saved, timeoutMs: 10 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`docker load in the node failed (${r.exitCode}): ${(r.stderr || r.stdout).trim()}`);
  return missing;
}
