/**
 * Runs the control plane in a child process, so the load generator and the server do not
 * share one event loop. It is `tsx cluster/cmd/kubarium.ts up` started as
 * `node --import tsx ...` rather than through npx: that way the child we hold is the
 * server itself (its pid gives its RSS, SIGTERM reaches it, --cpu-prof profiles it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LaunchOptions {
  /** Use these etcd endpoints instead of the embedded SQLite store. */
  etcdServers?: string[];
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  cpuProfileDir?: string;
  /** Let heapSnapshot() write a V8 heap snapshot of the server into this folder (SIGUSR2). */
  heapSnapshotDir?: string;
  readyTimeoutMs?: number;
  /** More `kubarium up` flags (e.g. `--nodes 3`); with nodes, stop() also runs `kubarium down`. */
  args?: string[];
}

export interface ControlPlaneProcess {
  readonly pid: number;
  readonly dataDir: string;
  readonly kubeconfigPath: string;
  /** Milliseconds from spawn to the `ready` line. */
  readonly startupMs: number;
  /** With `--ui`: the explorer's address (the `ui <url>` line) and milliseconds from spawn to that line. */
  readonly ui?: { url: string; lineMs: number };
  /** Resident set size of the server process now, and its peak so far (VmHWM; undefined off Linux); NaN once it has exited. */
  memory(): MemoryReading;
  /** Why the server is gone (exit code or signal), or undefined while it runs. */
  exitStatus(): string | undefined;
  /** The last lines the server wrote to stderr (its log). */
  logTail(): string;
  /** Writes a heap snapshot (needs heapSnapshotDir) and resolves to its path once complete. */
  heapSnapshot(): Promise<string>;
  /** SIGTERM (SIGKILL after 10 s), then removes the data dir. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/** VmRSS and VmHWM; on Linux also RSS split into anonymous memory (heaps) and file pages (SQLite's memory map). */
export interface MemoryReading {
  rssBytes: number;
  peakRssBytes?: number;
  anonBytes?: number;
  fileBytes?: number;
}

function readMemory(pid: number): MemoryReading {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM'), anonBytes: kb('RssAnon'), fileBytes: kb('RssFile') };
  } catch {
    try {
      // Not Linux: ps reports RSS in KiB.
      return { rssBytes: Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024 };
    } catch {
      return { rssBytes: Number.NaN }; // the process is gone
    }
  }
}

export async function launchControlPlane(opts: LaunchOptions = {}): Promise<ControlPlaneProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubarium-bench-cp-'));
  const nodeArgs = opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : [];
  if (opts.heapSnapshotDir) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${opts.heapSnapshotDir}`);
  // For experiments: Node/V8 flags for the control plane only, e.g. KUBARIUM_BENCH_NODE_ARGS='--max-semi-space-size=32'.
  if (process.env.KUBARIUM_BENCH_NODE_ARGS) nodeArgs.push(...process.env.KUBARIUM_BENCH_NODE_ARGS.split(/\s+/).filter(Boolean));
  const args = [...nodeArgs, '--import', 'tsx', 'cluster/cmd/kubarium.ts', 'up', '--data-dir', dataDir, '--port', '0'];
  if (opts.etcdServers?.length) args.push('--etcd-servers', opts.etcdServers.join(','));
  args.push(...(opts.args ?? []));
  // For experiments: more `kubarium up` flags, e.g. KUBARIUM_BENCH_SERVER_ARGS='--no-scheduler --controllers=serviceaccount'.
  if (process.env.KUBARIUM_BENCH_SERVER_ARGS) args.push(...process.env.KUBARIUM_BENCH_SERVER_ARGS.split(/\s+/).filter(Boolean));
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (live.delete(child), resolve(code))));
  const stderrTail: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderrTail.push(s);
    if (stderrTail.length > 200) stderrTail.shift();
    if (process.env.KUBARIUM_BENCH_SERVER_LOG) fs.appendFileSync(process.env.KUBARIUM_BENCH_SERVER_LOG, s);
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    if (fs.existsSync(path.join(dataDir, 'cluster-id'))) {
      execFileSync(process.execPath, ['--import', 'tsx', 'cluster/cmd/kubarium.ts', 'down', '--data-dir', dataDir], { cwd: REPO_ROOT, stdio: 'ignore' });
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let kubeconfigPath: string;
  let ui: { url: string; lineMs: number } | undefined;
  try {
    kubeconfigPath = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`control plane not ready within ${opts.readyTimeoutMs ?? 60_000} ms`)), opts.readyTimeoutMs ?? 60_000);
      let out: string | undefined = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (s: string) => {
        if (process.env.KUBARIUM_BENCH_SERVER_LOG) fs.appendFileSync(process.env.KUBARIUM_BENCH_SERVER_LOG, s); // e.g. --trace-gc lines
        if (out === undefined) return; // ready: the rest is not scanned
        out += s;
        const uiLine = ui ? null : /^ui (\S+)$/m.exec(out);
        if (uiLine) ui = { url: uiLine[1], lineMs: performance.now() - t0 };
        const m = /^ready (.+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          out = undefined;
          resolve(m[1].trim());
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`control plane exited (code ${code}) before ready:\n${stderrTail.join('')}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const startupMs = performance.now() - t0;
  const pid = child.pid ?? -1;
  return {
    pid,
    dataDir,
    kubeconfigPath,
    startupMs,
    ui,
    memory: () => readMemory(pid),
    exitStatus: () => (child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `killed by ${child.signalCode}` : undefined),
    logTail: () => stderrTail.join(''),
    heapSnapshot: () => writeHeapSnapshot(child, opts.heapSnapshotDir),
    stop,
  };
}

/** SIGUSR2 makes the server (started with --heapsnapshot-signal) write Heap.*.heapsnapshot; done when its size stops changing. */
async function writeHeapSnapshot(child: ChildProcess, dir: string | undefined): Promise<string> {
  if (!dir) throw new Error('heap snapshots need heapSnapshotDir');
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  child.kill('SIGUSR2');
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = fs.statSync(path.join(dir, file)).size;
    if (size === last && size > 0) return path.join(dir, file);
    last = size;
  }
}
