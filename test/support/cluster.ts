/**
 * Runs the headless launcher (`cluster/cmd/kubarium.ts up`) as a child process
 * for end-to-end tests, the way a user would: one process, one data dir, one
 * kubeconfig that the real kubectl uses.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'yaml';
import { repoRoot } from '../../scripts/tools.mjs';

export interface LaunchOptions {
  /** Use a real etcd instead of the embedded store (`--etcd-servers`). */
  etcdServers?: string[];
  /** Docker-container nodes (`--nodes`); stop() removes them (`kubarium down`). */
  nodes?: number;
  /** More launcher flags, appended after the ones above. */
  args?: string[];
  /** Extra environment for the launcher. */
  env?: Record<string, string>;
  /** How long to wait for the `ready <kubeconfig>` line. Default 60 s. */
  readyTimeoutMs?: number;
  /** Launcher script to run instead of cluster/cmd/kubarium.ts (tests of this helper). */
  launcher?: string;
}

export interface LaunchedCluster {
  /** Admin kubeconfig written by the launcher (inside dataDir). */
  readonly kubeconfig: string;
  readonly dataDir: string;
  /** API server URL, read from the kubeconfig. */
  readonly url: string;
  /** The launcher's recent stdout and stderr lines, for assertion messages. */
  logs(): string;
  /** SIGTERM, wait for exit, remove the data dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL (a crash): the data dir stays, so restart() can recover from it. */
  kill9(): Promise<void>;
  /** Stops the launcher if it runs (gracefully) and starts it again on the same data dir and port. */
  restart(): Promise<LaunchedCluster>;
}

type Launcher = ChildProcessByStdio<null, Readable, Readable>;

const LAUNCHER = join(repoRoot, 'cluster', 'cmd', 'kubarium.ts');
const LOG_LINES = 400;
const STOP_GRACE_MS = 15_000;

/** Children and data dirs still alive, killed and removed if the test process exits without stop(). */
const live = new Map<Launcher, string>();
process.on('exit', () => {
  for (const [child, dataDir] of live) {
    child.kill('SIGKILL');
    removeNodes(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Runs another launcher command (`down`, `load-image …`) to completion; resolves to its stdout, rejects on a non-zero exit. */
export function runLauncher(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubarium ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** `kubarium down`: the node containers, volumes and network of the data dir's cluster (none when it never had nodes). */
function removeNodes(dataDir: string): void {
  if (!existsSync(join(dataDir, 'cluster-id'))) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', LAUNCHER, 'down', '--data-dir', dataDir], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`kubarium down failed for ${dataDir}: ${r.stderr}\n`);
}

export async function launchCluster(opts: LaunchOptions = {}): Promise<LaunchedCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubarium-test-'));
  const log: string[] = [];
  const remember = (line: string) => {
    log.push(line);
    if (log.length > LOG_LINES) log.shift();
    if (process.env.KUBARIUM_TEST_VERBOSE) process.stderr.write(`[kubarium] ${line}\n`);
  };

  let child: Launcher | undefined;
  let kubeconfig = '';
  let url = '';
  let port = 0;
  let removed = false;

  const start = async () => {
    const { child: started, kubeconfigPath } = await spawnLauncher(dataDir, port, opts, remember);
    child = started;
    kubeconfig = kubeconfigPath;
    url = serverUrl(kubeconfig);
    port = Number(new URL(url).port) || 443;
  };

  const halt = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running) return;
    await terminate(running, signal);
    live.delete(running);
  };

  const cluster: LaunchedCluster = {
    get kubeconfig() {
      return kubeconfig;
    },
    get url() {
      return url;
    },
    dataDir,
    logs: () => log.join('\n'),
    async stop() {
      await halt('SIGTERM');
      if (!removed) {
        removed = true;
        removeNodes(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    async kill9() {
      await halt('SIGKILL');
    },
    async restart() {
      if (removed) throw new Error('restart() after stop(): the data dir is gone');
      await halt('SIGTERM');
      await start();
      return cluster;
    },
  };

  try {
    await start();
  } catch (err) {
    removeNodes(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return cluster;
}

function launcherArgs(dataDir: string, port: number, opts: LaunchOptions): string[] {
  const args = ['--import', 'tsx', opts.launcher ?? LAUNCHER, 'up', '--data-dir', dataDir, '--port', String(port)];
  if (opts.etcdServers?.length) args.push('--etcd-servers', opts.etcdServers.join(','));
  if (opts.nodes !== undefined) args.push('--nodes', String(opts.nodes));
  return [...args, ...(opts.args ?? [])];
}

/** Spawns the launcher and resolves once it prints `ready <kubeconfig>`. */
function spawnLauncher(
  dataDir: string,
  port: number,
  opts: LaunchOptions,
  remember: (line: string) => void,
): Promise<{ child: Launcher; kubeconfigPath: string }> {
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const child: Launcher = spawn(process.execPath, launcherArgs(dataDir, port, opts), {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.set(child, dataDir);
  // Keep draining both pipes for the child's whole life, or it blocks on a full pipe.
  const stderrLines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrLines.push(line);
    remember(line);
  });
  const stdout = createInterface({ input: child.stdout });

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      live.delete(child);
      reject(new Error(`kubarium up ${why}\n--- launcher stderr (tail) ---\n${stderrLines.slice(-60).join('\n')}`));
    };
    const timer = setTimeout(() => fail(`printed no "ready" line within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before ready (code ${code}, signal ${signal})`);
    child.once('exit', onExit);
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    stdout.on('line', (line) => {
      remember(line);
      const ready = /^ready (.+)$/.exec(line.trim());
      if (!ready) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.once('exit', () => live.delete(child));
      resolve({ child, kubeconfigPath: ready[1] });
    });
  });
}

/** Sends `signal` and waits for exit; escalates to SIGKILL after a grace period. */
async function terminate(child: Launcher, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(grace);
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string } }[];
  clusters?: { name: string; cluster: { server: string } }[];
}

/** The server URL of the kubeconfig's current context (or its first cluster). */
export function serverUrl(kubeconfigPath: string): string {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config['current-context']);
  const cluster = config.clusters?.find((c) => c.name === context?.context.cluster) ?? config.clusters?.[0];
  if (!cluster?.cluster.server) throw new Error(`${kubeconfigPath} names no cluster server`);
  return cluster.cluster.server;
}

/** Writes a kubeconfig at `path` that reaches `cluster` with a bearer `token` (a service account's) in `namespace`; returns `path`. */
export function writeTokenKubeconfig(cluster: Pick<LaunchedCluster, 'kubeconfig' | 'dataDir'>, token: string, path: string, namespace = 'default'): string {
  writeFileSync(path, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${serverUrl(cluster.kubeconfig)}", certificate-authority: "${join(cluster.dataDir, 'pki', 'ca.crt')}"}}]
users: [{name: u, user: {token: "${token}"}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: ${namespace}}}]
current-context: c
`);
  return path;
}
