/**
 * Real etcd processes for tests and benchmarks: Debian's etcd-server (/usr/bin/etcd),
 * on loopback, free ports, a temp data dir each, default fsync. Every process started
 * here is killed by stop() — and, as a last resort, when this Node process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ETCD_BINARY = process.env.KUBARIUM_ETCD_BINARY ?? '/usr/bin/etcd';

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdUnavailableReason(): string | undefined {
  try {
    fs.accessSync(ETCD_BINARY, fs.constants.X_OK);
    return undefined;
  } catch {
    return `${ETCD_BINARY} not found: install Debian's etcd-server (apt-get install -y etcd-server etcd-client)`;
  }
}

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly running: boolean;
  /** Stops this member (SIGTERM, then SIGKILL); its data stays for start(). */
  stop(): Promise<void>;
  /** Restarts a stopped member on its data dir and waits until it is healthy. */
  start(): Promise<void>;
}

export interface EtcdCluster {
  readonly endpoints: string[];
  readonly members: EtcdMember[];
  /** Stops every member and removes the data dirs. */
  stop(): Promise<void>;
}

export interface EtcdHarnessOptions {
  /** Shorter heartbeat/election (50/500 ms) so failover tests run quickly. Default false (etcd's 100/1000). */
  fastElection?: boolean;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

class Member implements EtcdMember {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderrTail: string[] = [];

  constructor(
    readonly name: string,
    readonly clientUrl: string,
    private readonly peerUrl: string,
    private readonly dataDir: string,
    private readonly initialCluster: string,
    private readonly opts: EtcdHarnessOptions,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  async start(): Promise<void> {
    this.spawn();
    await this.waitHealthy();
  }

  spawn(): void {
    if (this.proc) throw new Error(`etcd member ${this.name} is already running`);
    installExitHook();
    const args = [
      `--name=${this.name}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.clientUrl}`,
      `--advertise-client-urls=${this.clientUrl}`,
      `--listen-peer-urls=${this.peerUrl}`,
      `--initial-advertise-peer-urls=${this.peerUrl}`,
      `--initial-cluster=${this.initialCluster}`,
      '--initial-cluster-state=new',
      '--initial-cluster-token=kubarium-test',
      '--logger=zap',
      '--log-level=error',
    ];
    if (this.opts.fastElection) args.push('--heartbeat-interval=50', '--election-timeout=500');
    // A clean environment: stray ETCD_* variables would override the flags.
    const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    this.stderrTail = [];
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      this.stderrTail.push(chunk);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    live.add(proc);
    this.proc = proc;
    this.exited = new Promise<void>((resolve) =>
      proc.once('exit', () => {
        live.delete(proc);
        if (this.proc === proc) this.proc = undefined;
        resolve();
      }),
    );
  }

  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.proc) throw new Error(`etcd member ${this.name} exited during startup:\n${this.stderrTail.join('')}`);
      try {
        const res = await fetch(`${this.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (body.health === 'true') return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`etcd member ${this.name} not healthy within ${timeoutMs} ms:\n${this.stderrTail.join('')}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** Starts an etcd cluster of `size` members on loopback (all members healthy on return). */
export async function startEtcdCluster(size = 3, opts: EtcdHarnessOptions = {}): Promise<EtcdCluster> {
  const reason = etcdUnavailableReason();
  if (reason) throw new Error(reason);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubarium-etcd-'));
  const specs: Array<{ name: string; client: number; peer: number }> = [];
  for (let i = 0; i < size; i++) specs.push({ name: `m${i}`, client: await freePort(), peer: await freePort() });
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peer}`).join(',');
  const members = specs.map(
    (s) =>
      new Member(s.name, `http://127.0.0.1:${s.client}`, `http://127.0.0.1:${s.peer}`, path.join(root, s.name), initialCluster, opts),
  );
  const stop = async () => {
    await Promise.all(members.map((m) => m.stop()));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const m of members) m.spawn();
    await Promise.all(members.map((m) => m.waitHealthy()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoints: members.map((m) => m.clientUrl), members, stop };
}

/** Starts one etcd member with its default settings (fsync on every commit). */
export async function startEtcd(opts: EtcdHarnessOptions = {}): Promise<{ endpoints: string[]; stop(): Promise<void> }> {
  const cluster = await startEtcdCluster(1, opts);
  return { endpoints: cluster.endpoints, stop: cluster.stop };
}
