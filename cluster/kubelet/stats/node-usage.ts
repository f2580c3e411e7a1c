/**
 * The node's own totals, as the kubelet reports its root container: CPU and memory of
 * the node container's cgroup (its pods nest inside it — see the node entrypoint — so
 * the total includes them, as in kind), else the machine's (/proc/stat, /proc/meminfo);
 * network of the node's interfaces (/proc/net/dev) and the engine's filesystem (statfs).
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';

export interface NodeUsage {
  timeMs: number;
  cpuCoreNanoSeconds: number;
  memoryUsageBytes: number;
  memoryWorkingSetBytes: number;
  memoryRssBytes?: number;
  memoryCapacityBytes: number;
  interfaces: Array<{ name: string; rxBytes: number; rxErrors: number; txBytes: number; txErrors: number }>;
  fs?: { capacityBytes: number; availableBytes: number; usedBytes: number; inodes: number; inodesFree: number };
}

/** `key value` lines (cpu.stat, memory.stat) → numbers. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture Node runs on. */
const USER_HZ = 100;

/** Busy CPU time of the machine from /proc/stat's `cpu` line (all but idle and iowait), ns. */
export function parseProcStatCpu(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return Math.round(((user + nice + system + irq + softirq + steal) * 1e9) / USER_HZ);
}

/** /proc/meminfo (kB values) → bytes by key. */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^([\w()]+):\s+(\d+)(?:\s+kB)?$/gm)) out[m[1]] = Number(m[2]) * 1024;
  return out;
}

const SKIPPED_INTERFACES = /^(lo|docker\d*|veth.*|br-.*|tunl\d*|ip6tnl\d*|sit\d*)$/;

/** /proc/net/dev → the node's interfaces (loopback, the pod bridge and pods' veths left out). */
export function parseNetDev(text: string): NodeUsage['interfaces'] {
  const out: NodeUsage['interfaces'] = [];
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || SKIPPED_INTERFACES.test(m[1])) continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out.push({ name: m[1], rxBytes: f[0] ?? 0, rxErrors: f[2] ?? 0, txBytes: f[8] ?? 0, txErrors: f[10] ?? 0 });
  }
  return out;
}

/** The node container's cgroup: the parent of the pods' cgroup parent `<own>/kubepods`. */
export function nodeCgroupOf(cgroupParent: string | undefined): string | undefined {
  if (!cgroupParent || !cgroupParent.endsWith('/kubepods')) return undefined;
  const own = dirname(cgroupParent);
  return own === '/' ? undefined : own;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

interface CgroupUsage {
  cpuNs: number;
  usage: number;
  inactiveFile: number;
  rss?: number;
}

function cgroupUsage(root: string, cgroup: string): CgroupUsage | undefined {
  if (existsSync(join(root, 'cgroup.controllers'))) {
    const dir = join(root, cgroup);
    const cpu = read(join(dir, 'cpu.stat'));
    const current = read(join(dir, 'memory.current'));
    if (cpu === undefined || current === undefined) return undefined;
    const mem = parseFlatKeyed(read(join(dir, 'memory.stat')) ?? '');
    return { cpuNs: (parseFlatKeyed(cpu).usage_usec ?? 0) * 1000, usage: Number(current.trim()), inactiveFile: mem.inactive_file ?? 0, rss: mem.anon };
  }
  const cpu = read(join(root, 'cpuacct', cgroup, 'cpuacct.usage')) ?? read(join(root, 'cpu,cpuacct', cgroup, 'cpuacct.usage'));
  const usage = read(join(root, 'memory', cgroup, 'memory.usage_in_bytes'));
  if (cpu === undefined || usage === undefined) return undefined;
  const mem = parseFlatKeyed(read(join(root, 'memory', cgroup, 'memory.stat')) ?? '');
  return { cpuNs: Number(cpu.trim()), usage: Number(usage.trim()), inactiveFile: mem.total_inactive_file ?? 0, rss: mem.total_rss };
}

export interface NodeUsageOptions {
  /** The pods' cgroup parent (KUBARIUM_CGROUP_PARENT); the node's cgroup is its parent. */
  cgroupParent?: string;
  /** Where the engine keeps images and containers (the node's `fs`); default /var/lib/docker. */
  fsPath?: string;
  cgroupRoot?: string;
  procRoot?: string;
}

export function readNodeUsage(opts: NodeUsageOptions = {}): NodeUsage {
  const proc = opts.procRoot ?? '/proc';
  const timeMs = Date.now();
  const capacity = totalmem();
  const node = nodeCgroupOf(opts.cgroupParent);
  const cg = node ? cgroupUsage(opts.cgroupRoot ?? '/sys/fs/cgroup', node) : undefined;
  let cpuNs: number;
  let usage: number;
  let inactiveFile: number;
  let rss: number | undefined;
  if (cg) {
    ({ cpuNs, usage, inactiveFile, rss } = cg);
  } else {
    const mem = parseMeminfo(read(join(proc, 'meminfo')) ?? '');
    cpuNs = parseProcStatCpu(read(join(proc, 'stat')) ?? '');
    usage = (mem.MemTotal ?? capacity) - (mem.MemFree ?? 0);
    inactiveFile = mem['Inactive(file)'] ?? 0;
    rss = mem.AnonPages;
  }
  let fs: NodeUsage['fs'];
  try {
    const s = statfsSync(opts.fsPath ?? '/var/lib/docker');
    const capacityBytes = s.blocks * s.bsize;
    const availableBytes = s.bavail * s.bsize;
    fs = { capacityBytes, availableBytes, usedBytes: capacityBytes - s.bfree * s.bsize, inodes: s.files, inodesFree: s.ffree };
  } catch {
    fs = undefined;
  }
  return {
    timeMs,
    cpuCoreNanoSeconds: cpuNs,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: usage > inactiveFile ? usage - inactiveFile : 0,
    memoryRssBytes: rss,
    memoryCapacityBytes: capacity,
    interfaces: parseNetDev(read(join(proc, 'net', 'dev')) ?? ''),
    fs,
  };
}
