/**
 * The Debian packages the tests use, in one place. `.ci/run` and `scripts/test.mjs`
 * both read this list; later issues add their packages here (docker.io, chromium).
 *
 *   node scripts/prereqs.mjs --apt-list   prints the package names, one line
 *   node scripts/prereqs.mjs --apt-build  prints what compiling native addons needs
 *   node scripts/prereqs.mjs --missing    prints the ones not installed
 *
 * Uses only Node built-ins so it runs before `npm install`.
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

/** @type {{ name: string; command: string; why: string }[]} */
export const debianPackages = [
  { name: 'etcd-server', command: 'etcd', why: 'real etcd v3 behind the API server (store tests)' },
  { name: 'etcd-client', command: 'etcdctl', why: 'etcdctl, to inspect what the API server wrote' },
  { name: 'docker.io', command: 'dockerd', why: 'the Docker engine that runs node containers (scripts/docker.mjs starts it)' },
  { name: 'debootstrap', command: 'debootstrap', why: 'builds the node image offline from Debian packages (no registry)' },
  { name: 'busybox-static', command: 'busybox', why: 'the pause, busybox and http-echo images, built offline' },
  { name: 'iptables', command: 'iptables-restore', why: 'kube-proxy and pod-route tests program iptables in network namespaces (cluster/proxy)' },
  { name: 'iproute2', command: 'ip', why: 'network namespaces, veth pairs and routes for the cluster/proxy tests' },
  { name: 'chromium', command: 'chromium', why: 'the explorer UI end-to-end tests (playwright-core drives /usr/bin/chromium)' },
];

/**
 * What `npm install` needs to compile native addons (better-sqlite3) when no
 * prebuilt binary can be downloaded. CI installs these too; tests do not need them.
 */
export const buildDebianPackages = ['python3', 'make', 'g++'];

/** True when `dpkg-query` reports the package as installed, or (no dpkg) its command is on PATH. */
export function isInstalled(pkg) {
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg.name], { encoding: 'utf8' });
  if (!dpkg.error) return dpkg.status === 0 && dpkg.stdout.includes('install ok installed');
  return commandExists(pkg.command);
}

export function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function missingDebianPackages() {
  return debianPackages.filter((pkg) => !isInstalled(pkg));
}

/** Installs missing packages when we are root with apt-get; otherwise says how to. */
export function ensureDebianPackages(log = console.log) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return { installed: [], missing: [] };
  const names = missing.map((p) => p.name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !commandExists('apt-get')) {
    for (const p of missing) log(`prereqs: missing Debian package ${p.name} (${p.why})`);
    log(`prereqs: install with: sudo apt-get install -y ${names.join(' ')} — tests that need them will skip or fail`);
    return { installed: [], missing };
  }
  log(`prereqs: installing ${names.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], { stdio: 'inherit', env }).status === 0;
  // A fresh image has no package lists yet: update once and retry.
  const ok = install() || (spawnSync('apt-get', ['update'], { stdio: 'inherit', env }).status === 0 && install());
  const still = missingDebianPackages();
  if (!ok || still.length > 0) log(`prereqs: could not install ${still.map((p) => p.name).join(' ') || names.join(' ')}`);
  return { installed: missing.filter((p) => !still.includes(p)), missing: still };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = process.argv[2];
  if (arg === '--apt-list') console.log(debianPackages.map((p) => p.name).join(' '));
  else if (arg === '--apt-build') console.log(buildDebianPackages.join(' '));
  else if (arg === '--missing') console.log(missingDebianPackages().map((p) => p.name).join(' '));
  else if (arg === '--install') process.exit(ensureDebianPackages().missing.length === 0 ? 0 : 1);
  else {
    console.error('usage: node scripts/prereqs.mjs --apt-list | --apt-build | --missing | --install');
    process.exit(2);
  }
}
