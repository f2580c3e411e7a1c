/**
 * The images every node engine is preloaded with, built offline from busybox-static:
 *   kubarium/pause:3.10      the sandbox holding a pod's namespaces: a shell that sleeps
 *                            and exits at once on SIGTERM/SIGINT (the real pause does the same);
 *   kubarium/busybox:1       busybox with a shell and every applet (sh, wget, nc, nslookup...);
 *   kubarium/http-echo:1     hashicorp/http-echo's interface on busybox httpd: answers GET /
 *                            with `-text=TEXT` (default: the pod's host name), on
 *                            `-listen=:PORT` (default :5678); GET /healthz answers "ok".
 *   kubarium/dns:<hash>      the cluster DNS addon: the host's `node` binary with the shared
 *                            libraries it links, and the server bundled by esbuild into
 *                            /dns/server.mjs (cluster/addons/dns/image.ts).
 * Tags are fixed (pods name them; not `latest`, so imagePullPolicy defaults to
 * IfNotPresent); a label carries the content hash that decides a rebuild. The DNS
 * image's tag is its content hash instead, so that a new server rolls out as a new
 * image in the addon's Deployment rather than hiding behind a tag nodes already have.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { isNotFound } from '../docker.js';
import { withBuildLock } from './build-lock.js';
import { hashParts, shortHash } from './content-hash.js';
import { importDirectory, pruneOtherTags } from './import.js';
import { DNS_IMAGE_APPLETS, DNS_IMAGE_REPO, dnsImageChanges, dnsImageInputs, writeDnsRoot } from '../../addons/dns/image.js';
import type { DnsImageInputs } from '../../addons/dns/image.js';
import { busyboxApplets, staticBusybox, writeBusyboxRoot } from './busybox-root.js';
import { defaultCacheDir } from './paths.js';

export const PAUSE_IMAGE = 'kubarium/pause:3.10';
export const BUSYBOX_IMAGE = 'kubarium/busybox:1';
export const HTTP_ECHO_IMAGE = 'kubarium/http-echo:1';
/** Preloaded into every node's engine, with the DNS image (whose tag is known once built: PodImagesResult.refs). */
export const POD_IMAGES = [PAUSE_IMAGE, BUSYBOX_IMAGE, HTTP_ECHO_IMAGE] as const;
export { DNS_IMAGE_REPO };

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
  /** More of the root, written after the busybox root and `files`. */
  dns?: DnsImageInputs;
}

function dnsRecipe(inputs: DnsImageInputs): PodImageRecipe {
  const changes = dnsImageChanges(inputs);
  const tag = shortHash(hashParts([RECIPE, 'dns', staticBusyboxBytes(), inputs.hash, JSON.stringify(changes), JSON.stringify(DNS_IMAGE_APPLETS)]));
  return { ref: `${DNS_IMAGE_REPO}:${tag}`, applets: DNS_IMAGE_APPLETS, files: {}, changes, dns: inputs };
}

let busyboxBytes: Buffer | undefined;
function staticBusyboxBytes(): Buffer {
  busyboxBytes ??= readFileSync(staticBusybox());
  return busyboxBytes;
}

/**
 * `kubarium/dns:<hash>` for the current sources (bundles the server to hash it, without
 * building the image): what the addon's Deployment names.
 */
export async function dnsImageRef(): Promise<string> {
  return dnsRecipe(await dnsImageInputs()).ref;
}

function recipes(dns: DnsImageInputs): PodImageRecipe[] {
  return [
    { ref: PAUSE_IMAGE, applets: ['sh', 'sleep'], files: {}, changes: [`ENTRYPOINT ["/bin/sh", "-c", ${JSON.stringify(PAUSE_SCRIPT)}]`] },
    { ref: BUSYBOX_IMAGE, applets: 'all', files: {}, changes: ['ENV PATH=/bin', 'CMD ["sh"]'] },
    {
      ref: HTTP_ECHO_IMAGE,
      applets: 'all',
      files: { 'bin/http-echo': { content: HTTP_ECHO_SCRIPT, mode: 0o755 } },
      changes: ['ENV PATH=/bin', 'EXPOSE 5678/tcp', 'ENTRYPOINT ["/bin/http-echo"]'],
    },
    dnsRecipe(dns),
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
  /** Every pod image (POD_IMAGES and the DNS image): what nodes preload. */
  refs: string[];
  /** `kubarium/dns:<hash>`, for ensureDnsAddon. */
  dns: string;
  /** The refs this call (re)built; empty when all were current. */
  built: string[];
}

/** Makes sure the pod images exist in the host engine with current contents. */
export async function ensurePodImages(docker: Docker, opts: { cacheDir?: string } = {}): Promise<PodImagesResult> {
  const busybox = staticBusybox();
  const all = recipes(await dnsImageInputs());
  const wanted = all.map((recipe) => ({ recipe, hash: hashParts([RECIPE, staticBusyboxBytes(), JSON.stringify({ ...recipe, dns: recipe.dns?.hash })]) }));
  const stale = async () => {
    const out = [];
    for (const w of wanted) if ((await current(docker, w.recipe.ref))?.hash !== w.hash) out.push(w);
    return out;
  };
  const refs = all.map((r) => r.ref);
  const dns = all.find((r) => r.dns)!.ref;
  if ((await stale()).length === 0) return { refs, dns, built: [] };
  const built = await withBuildLock(opts.cacheDir ?? defaultCacheDir(), 'pod-images', () => buildImages(docker, busybox, stale));
  return { refs, dns, built };
}

async function buildImages(docker: Docker, busybox: string, stale: () => Promise<Array<{ recipe: PodImageRecipe; hash: string }>>): Promise<string[]> {
  let applets: string[] | undefined;
  const built: string[] = [];
  for (const { recipe, hash } of await stale()) {
    const previous = await current(docker, recipe.ref);
    applets ??= busyboxApplets(busybox);
    const dir = mkdtempSync(join(tmpdir(), 'kubarium-image-'));
    try {
      writeBusyboxRoot(dir, busybox, recipe.applets === 'all' ? applets : recipe.applets);
      for (const [path, file] of Object.entries(recipe.files)) writeFileSync(join(dir, path), file.content, { mode: file.mode });
      if (recipe.dns) writeDnsRoot(dir, recipe.dns);
      await importDirectory(docker, dir, recipe.ref, [...recipe.changes, `LABEL ${CONTENT_HASH_LABEL}=${hash}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The superseded image would linger untagged.
    if (previous) await docker.getImage(previous.id).remove().catch(() => {});
    // Superseded DNS builds carry other tags (removal fails, harmlessly, while a container uses one).
    if (recipe.dns) await pruneOtherTags(docker, DNS_IMAGE_REPO, recipe.ref);
    built.push(recipe.ref);
  }
  return built;
}
