/**
 * A scratch network for the proxy's tests, made of Linux network namespaces: a "node"
 * namespace that routes between "pod" namespaces joined to it by veth pairs (each pod
 * on its own /24, the node side holding .1), as a node's bridge and routes would.
 * Small Node HTTP servers run inside pods; clients run there too. Test support only.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { netnsRunner } from '../runner.js';
import type { CommandRunner } from '../runner.js';

/** Why the lab cannot run here, or undefined when it can. */
export function netnsSkipReason(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'network namespace tests need root (ip netns add)';
  for (const cmd of ['ip', 'iptables', 'iptables-restore', 'iptables-save']) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `${cmd} is not installed (Debian packages iproute2, iptables)`;
  }
  const probe = `kpprobe${process.pid}`;
  const ok = spawnSync('ip', ['netns', 'add', probe]).status === 0;
  spawnSync('ip', ['netns', 'del', probe]);
  return ok ? undefined : 'cannot create network namespaces here (ip netns add failed)';
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

export interface Pod {
  ns: string;
  ip: string;
  /** The node's address on this pod's link (its gateway). */
  gateway: string;
}

const SERVER = `
const http = require('node:http');
const net = require('node:net');
const server = http.createServer((req, res) => {
  res.setHeader('connection', 'close');
  res.end(JSON.stringify({ name: process.env.NAME, from: req.socket.remoteAddress }));
});
server.listen(Number(process.env.PORT), '0.0.0.0', () => console.log('ready'));
`;

const CLIENT = `
const http = require('node:http');
const [url, count] = [process.argv[1], Number(process.argv[2])];
const once = () => new Promise((resolve) => {
  const req = http.get(url, { agent: false, timeout: 2000 }, (res) => {
    let body = '';
    res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve(JSON.parse(body)));
  });
  req.on('timeout', () => req.destroy(new Error('ETIMEDOUT')));
  req.on('error', (err) => resolve({ error: err.code || err.message }));
});
(async () => {
  const out = [];
  for (let i = 0; i < count; i++) out.push(await once());
  console.log(JSON.stringify(out));
})();
`;

export interface Reply {
  name?: string;
  from?: string;
  error?: string;
}

export class NetnsLab {
  readonly node: string;
  readonly pods = new Map<string, Pod>();
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private subnet = 0;

  constructor(readonly prefix = `kp${process.pid % 100000}`) {
    this.node = `${prefix}-node`;
  }

  /** Runs commands in the node namespace. */
  get nodeRunner(): CommandRunner {
    return netnsRunner(this.node);
  }

  private addNs(ns: string): void {
    spawnSync('ip', ['netns', 'del', ns]); // a leftover from a crashed run
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }

  /** The node namespace, forwarding, with `nodeIP` as a local address (on lo: some kernels lack dummy links). */
  createNode(nodeIP: string): void {
    this.addNs(this.node);
    spawnSync('ip', ['netns', 'exec', this.node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    ip('-n', this.node, 'addr', 'add', `${nodeIP}/32`, 'dev', 'lo');
  }

  /** The node's default route goes out through this pod (an "outside" network). */
  routeDefaultVia(podName: string): void {
    ip('-n', this.node, 'route', 'replace', 'default', 'via', this.pods.get(podName)!.ip);
  }

  /** A pod namespace on `<net>.2/24` (node side `<net>.1`), its default route via the node. */
  addPod(name: string, net: string): Pod {
    const ns = `${this.prefix}-${name}`;
    this.addNs(ns);
    const hostSide = `${this.prefix}${++this.subnet}`.slice(0, 15);
    ip('link', 'add', hostSide, 'netns', this.node, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    const pod: Pod = { ns, ip: `${net}.2`, gateway: `${net}.1` };
    ip('-n', this.node, 'addr', 'add', `${pod.gateway}/24`, 'dev', hostSide);
    ip('-n', this.node, 'link', 'set', hostSide, 'up');
    ip('-n', ns, 'addr', 'add', `${pod.ip}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', pod.gateway);
    this.pods.set(name, pod);
    return pod;
  }

  /** Starts an HTTP server in the pod answering `{ name, from }` (the peer address it saw). */
  async serve(podName: string, port: number): Promise<void> {
    const pod = this.pods.get(podName)!;
    const child = spawn('ip', ['netns', 'exec', pod.ns, process.execPath, '-e', SERVER], {
      env: { ...process.env, NAME: podName, PORT: String(port), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`server in ${pod.ns} exited (${code})`)));
    });
  }

  /** `count` sequential HTTP GETs from the pod, each on a new connection. */
  async get(podName: string, url: string, count: number): Promise<Reply[]> {
    const pod = this.pods.get(podName)!;
    const child = spawn('ip', ['netns', 'exec', pod.ns, process.execPath, '-e', CLIENT, url, String(count)], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.add(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    this.children.delete(child);
    if (code !== 0) throw new Error(`client in ${pod.ns} exited (${code})`);
    return JSON.parse(out) as Reply[];
  }

  /** Kills every process started and deletes every namespace (their veths go with them). */
  async destroy(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    for (const ns of this.namespaces.reverse()) spawnSync('ip', ['netns', 'del', ns]);
    this.namespaces.length = 0;
  }
}

/** How many replies came from each backend (errors counted under `error:<code>`). */
export function tally(replies: Reply[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of replies) {
    const k = r.name ?? `error:${r.error}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}
