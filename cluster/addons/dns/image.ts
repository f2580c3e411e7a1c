/**
 * What the kubarium/dns image is made of (cluster/nodes/image/pod-images.ts builds it
 * offline like the other pod images): the host's `node` binary with the shared libraries
 * `ldd` names (kept at their paths, so the binary's interpreter finds them), and the DNS
 * server bundled by esbuild into one ES module, /dns/server.mjs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DNS_IMAGE_REPO = 'kubarium/dns';
/** The server's entry point (bundled). */
export const DNS_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
/** A shell and a few tools for `kubectl exec` into the DNS pod. */
export const DNS_IMAGE_APPLETS = ['sh', 'cat', 'ls', 'ps', 'wget', 'nslookup'];

export interface DnsImageInputs {
  /** The node binary on this host. */
  node: string;
  /** Absolute paths of the shared libraries and interpreter it needs. */
  libs: string[];
  /** /dns/server.mjs. */
  bundle: string;
  /** Hash of all of the above (contents). */
  hash: string;
}

/** `docker import --change` lines for the image. */
export function dnsImageChanges(inputs: DnsImageInputs): string[] {
  const libDirs = [...new Set(inputs.libs.map((l) => dirname(l)))];
  return [
    'ENV PATH=/bin:/usr/bin',
    // No ld.so.cache in the image: name the library folders.
    ...(libDirs.length ? [`ENV LD_LIBRARY_PATH=${libDirs.join(':')}`] : []),
    'EXPOSE 53/udp 53/tcp 9153/tcp',
    'ENTRYPOINT ["/usr/bin/node", "/dns/server.mjs"]',
  ];
}

/** The host's node binary (not Electron's, when we run inside it). */
export function hostNodeBinary(): string {
  if (!process.versions.electron) return realpathSync(process.execPath);
  const r = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (r.status !== 0 || !found) throw new Error('the DNS image needs a `node` binary on PATH');
  return realpathSync(found);
}

/** The libraries `ldd` lists for a dynamically linked binary (none for a static one). */
export function sharedLibraries(binary: string): string[] {
  const r = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (r.status !== 0) {
    if (/not a dynamic executable/.test(r.stdout + r.stderr)) return [];
    throw new Error(`ldd ${binary} failed: ${r.stderr || r.stdout}`);
  }
  const libs: string[] = [];
  for (const line of r.stdout.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return [...new Set(libs)];
}

/** Bundles the server into one ES module (esbuild, from devDependencies: only building images needs it). */
export async function bundleDnsServer(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [DNS_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile: 'server.mjs',
    legalComments: 'none',
    logLevel: 'silent',
    // CommonJS dependencies (dns-packet) call require(): give the ES module one.
    banner: { js: "import { createRequire as __kubariumCreateRequire } from 'node:module'; const require = __kubariumCreateRequire(import.meta.url);" },
  });
  return out.outputFiles[0].text;
}

function fileDigest(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

let cached: Promise<DnsImageInputs> | undefined;

/** The inputs for this host and these sources, computed once per process. */
export function dnsImageInputs(): Promise<DnsImageInputs> {
  cached ??= (async () => {
    const node = hostNodeBinary();
    const libs = sharedLibraries(node);
    const bundle = await bundleDnsServer();
    const h = createHash('sha256').update('dns-image-v1\0');
    for (const f of [node, ...libs]) h.update(`${f}\0${await fileDigest(f)}\0`);
    h.update(bundle);
    return { node, libs, bundle, hash: h.digest('hex') };
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Adds /usr/bin/node, its libraries and /dns/server.mjs to a root (a busybox root: pod-images.ts). */
export function writeDnsRoot(dir: string, inputs: DnsImageInputs): void {
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  copyFileSync(inputs.node, join(dir, 'usr/bin/node'));
  chmodSync(join(dir, 'usr/bin/node'), 0o755);
  for (const lib of inputs.libs) {
    mkdirSync(join(dir, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(dir, lib)); // follows the host's symlinks: the content at the path the loader asks for
    chmodSync(join(dir, lib), 0o755);
  }
  mkdirSync(join(dir, 'dns'), { recursive: true });
  writeFileSync(join(dir, 'dns/server.mjs'), inputs.bundle, { mode: 0o644 });
}
