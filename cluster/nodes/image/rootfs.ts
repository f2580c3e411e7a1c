/**
 * The node image's root filesystem, built offline: `debootstrap --variant=minbase`
 * from the host's Debian mirror with the packages of resources/node-image/packages.txt,
 * trimmed, plus the host's `node` binary (the entrypoint and agent come in a layer on top). Cached as a directory
 * named by the hash of its inputs (and the .debs in a shared download cache), so it is
 * made once; a change of inputs replaces it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hashParts, shortHash } from './content-hash.js';
import { hostDebianMirror } from './debian-mirror.js';
import { PACKAGES_FILE } from './paths.js';

/** Same suite as the Dockerfile's `debian:bookworm-slim`. */
export const DEBIAN_SUITE = 'bookworm';
/** Bump when the build steps below change in a way the inputs do not show. */
const ROOTFS_RECIPE = 'rootfs-v2';
// Not needed in a node, and a third of the root's size.
const TRIM = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/cache/apt/archives', 'var/lib/apt/lists'];

export function nodeImagePackages(): string[] {
  return readFileSync(PACKAGES_FILE, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

export interface RootfsInputs {
  suite: string;
  mirror: string;
  packages: string[];
  /** The node binary copied in: the host's own (same major version as the app). */
  nodeBinary: string;
  nodeVersion: string;
  arch: string;
}

/**
 * The host's `node`: this process's binary, unless we run inside Electron (whose binary
 * is not Node), then the `node` on PATH. The agents need Node >= 20.
 */
export function hostNodeBinary(): { path: string; version: string } {
  if (!process.versions.electron) return { path: process.execPath, version: process.version };
  const r = spawnSync('node', ['-p', 'process.execPath + " " + process.version'], { encoding: 'utf8' });
  const [path, version] = r.status === 0 ? r.stdout.trim().split(' ') : [];
  if (!path || !version || Number(version.slice(1).split('.')[0]) < 20) {
    throw new Error('the offline node-image build copies the host\'s Node.js (>= 20) into the image: put `node` on PATH');
  }
  return { path, version };
}

export function rootfsInputs(): RootfsInputs {
  const node = hostNodeBinary();
  return {
    suite: DEBIAN_SUITE,
    mirror: hostDebianMirror(DEBIAN_SUITE),
    packages: nodeImagePackages(),
    nodeBinary: node.path,
    nodeVersion: node.version,
    arch: process.arch,
  };
}

/** The hash naming the root (and the base image made from it). The node binary counts by version. */
export function rootfsHash(inputs: RootfsInputs): string {
  return hashParts([ROOTFS_RECIPE, inputs.suite, inputs.mirror, inputs.packages.join(' '), inputs.nodeVersion, inputs.arch]);
}

function run(cmd: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const tail: string[] = [];
    const onData = (c: Buffer) => {
      for (const line of c.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        if (/^[EW]: /.test(line)) log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}:\n${tail.join('\n')}`))));
  });
}

export interface EnsureRootfsOptions {
  cacheDir: string;
  inputs?: RootfsInputs;
  log?: (line: string) => void;
}

/** Returns the cached root directory for these inputs, building it first when missing. */
export async function ensureRootfs(opts: EnsureRootfsOptions): Promise<{ dir: string; hash: string; built: boolean }> {
  const inputs = opts.inputs ?? rootfsInputs();
  const log = opts.log ?? (() => {});
  const hash = rootfsHash(inputs);
  const dir = join(opts.cacheDir, `rootfs-${shortHash(hash)}`);
  if (existsSync(join(dir, 'usr/local/bin/node'))) return { dir, hash, built: false };

  if (process.platform !== 'linux') throw new Error('the offline node-image build needs Linux; elsewhere build resources/node-image/Dockerfile');
  if (process.getuid?.() !== 0) throw new Error('the offline node-image build runs debootstrap, which needs root; or build resources/node-image/Dockerfile where a registry is reachable');
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const debs = join(opts.cacheDir, 'debs');
  mkdirSync(debs, { recursive: true });
  log(`node image: debootstrap ${inputs.suite} from ${inputs.mirror} (${inputs.packages.join(', ')})`);
  await run('debootstrap', ['--variant=minbase', `--include=${inputs.packages.join(',')}`, `--cache-dir=${debs}`, inputs.suite, partial, inputs.mirror], log);
  for (const rel of TRIM) {
    rmSync(join(partial, rel), { recursive: true, force: true });
    mkdirSync(join(partial, rel), { recursive: true });
  }
  copyFileSync(inputs.nodeBinary, join(partial, 'usr/local/bin/node'));
  chmodSync(join(partial, 'usr/local/bin/node'), 0o755);
  // A distribution's node may link its own libnode: check that the copy runs in the root.
  const check = spawnSync('chroot', [partial, '/usr/local/bin/node', '--version'], { encoding: 'utf8' });
  if (check.status !== 0 || check.stdout.trim() !== inputs.nodeVersion) {
    throw new Error(`the host's node (${inputs.nodeBinary}) does not run inside the Debian ${inputs.suite} root: ${(check.stderr || check.stdout).trim()} — use a node from nodejs.org or NodeSource`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  // One root is enough: drop those of earlier inputs.
  for (const name of readdirSync(opts.cacheDir)) {
    if (name.startsWith('rootfs-') && join(opts.cacheDir, name) !== dir) rmSync(join(opts.cacheDir, name), { recursive: true, force: true });
  }
  return { dir, hash, built: true };
}
