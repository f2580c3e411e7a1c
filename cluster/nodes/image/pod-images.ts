/**
 * The images every node engine is preloaded with, built offline from busybox-static:
 *   kubarium/pause:3.10      the sandbox holding a pod's namespaces: a shell that sleeps
 *                            and exits at once on SIGTERM/SIGINT (the real pause does the same);
 *   kubarium/busybox:1       busybox with a shell and every applet (sh, wget, nc, nslookup...);
 *   kubarium/http-echo:1     hashicorp/http-echo's interface on busybox httpd: answers GET /
 *                            with `-text=TEXT` (default: the pod's host name), on
 *                            `-listen=:PORT` (default :5678); GET /healthz answers "ok".
 * Tags are fixed (pods name them; not `latest`, so imagePullPolicy defaults to
 * IfNotPresent); a label carries the content hash that decides a rebuild.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { isNotFound } from '../docker.js';
import { withBuildLock } from './build-lock.js';
import { hashParts } from './content-hash.js';
import { importDirectory } from './import.js';
import { busyboxApplets, staticBusybox, writeBusyboxRoot } from './busybox-root.js';
import { defaultCacheDir } from './paths.js';

export const PAUSE_IMAGE = 'kubarium/pause:3.10';
export const BUSYBOX_IMAGE = 'kubarium/busybox:1';
export const HTTP_ECHO_IMAGE = 'kubarium/http-echo:1';
/** Preloaded into every node's engine. */
export const POD_IMAGES = [PAUSE_IMAGE, BUSYBOX_IMAGE, HTTP_ECHO_IMAGE] as const;

export const CONTENT_HASH_LABEL = 'io.kubarium.content-hash';
const RECIPE = 'pod-images-v1';

const PAUSE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done";

const HTTP_ECHO_SCRIPT = `#!/bin/sh
# hashicorp/http-echo's flags on busybox httpd.
text=""
port=5678
for arg in "$@"; do
  case "$arg" in
    -text=*) text="\${arg#-text=}" ;;
    -listen=*) port="\${arg##*:}" ;;
  esac
done
[ -n "$text" ] || text="$(hostname)"
mkdir -p /tmp/www
printf '%s\\n' "$text" > /tmp/www/index.html
echo ok > /tmp/www/healthz
echo "http-echo: listening on :$port"
exec httpd -f -v -p "$port" -h /tmp/www
`;

interface PodImageRecipe {
  ref: string;
  applets: 'all' | string[];
  files: Record<string, { content: string; mode: number }>;
  changes: string[];
}

function recipes(): PodImageRecipe[] {
  return [
    { ref: PAUSE_IMAGE, applets: ['sh', 'sleep'], files: {}, changes: [`ENTRYPOINT ["/bin/sh", "-c", ${JSON.stringify(PAUSE_SCRIPT)}]`] },
    { ref: BUSYBOX_IMAGE, applets: 'all', files: {}, changes: ['ENV PATH=/bin', 'CMD ["sh"]'] },
    {
      ref: HTTP_ECHO_IMAGE,
      applets: 'all',
      files: { 'bin/http-echo': { content: HTTP_ECHO_SCRIPT, mode: 0o755 } },
      changes: ['ENV PATH=/bin', 'EXPOSE 5678/tcp', 'ENTRYPOINT ["/bin/http-echo"]'],
    },
  ];
}

async function current(docker: Docker, ref: string): Promise<{ id: string; hash?: string } | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, hash: info.Config?.Labels?.[CONTENT_HASH_LABEL] };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export interface PodImagesResult {
  refs: string[];
  /** The refs this call (re)built; empty when all were current. */
  built: string[];
}

/** Makes sure the pod images exist in the host engine with current contents. */
export async function ensurePodImages(docker: Docker, opts: { cacheDir?: string } = {}): Promise<PodImagesResult> {
  const busybox = staticBusybox();
  const busyboxBytes = readFileSync(busybox);
  const wanted = recipes().map((recipe) => ({ recipe, hash: hashParts([RECIPE, busyboxBytes, JSON.stringify(recipe)]) }));
  const stale = async () => {
    const out = [];
    for (const w of wanted) if ((await current(docker, w.recipe.ref))?.hash !== w.hash) out.push(w);
    return out;
  };
  if ((await stale()).length === 0) return { refs: [...POD_IMAGES], built: [] };
  return withBuildLock(opts.cacheDir ?? defaultCacheDir(), 'pod-images', () => buildImages(docker, busybox, stale));
}

async function buildImages(docker: Docker, busybox: string, stale: () => Promise<Array<{ recipe: PodImageRecipe; hash: string }>>): Promise<PodImagesResult> {
  let applets: string[] | undefined;
  const built: string[] = [];
  for (const { recipe, hash } of await stale()) {
    const previous = await current(docker, recipe.ref);
    applets ??= busyboxApplets(busybox);
    const dir = mkdtempSync(join(tmpdir(), 'kubarium-image-'));
    try {
      writeBusyboxRoot(dir, busybox, recipe.applets === 'all' ? applets : recipe.applets);
      for (const [path, file] of Object.entries(recipe.files)) writeFileSync(join(dir, path), file.content, { mode: file.mode });
      await importDirectory(docker, dir, recipe.ref, [...recipe.changes, `LABEL ${CONTENT_HASH_LABEL}=${hash}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The superseded image would linger untagged.
    if (previous) await docker.getImage(previous.id).remove().catch(() => {});
    built.push(recipe.ref);
  }
  return { refs: [...POD_IMAGES], built };
}
