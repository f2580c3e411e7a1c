/**
 * What the kubelet learns about its machine for Node.status (cadvisor's MachineInfo and
 * the nodestatus setters): CPUs and memory — the node container's cgroup limits when
 * it has them, else the host's —, the disk under the runtime's root, the kernel, the OS
 * image, machine and boot ids, and the runtime's version.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import type { NodeSystemInfo } from 'kubernetes-types/core/v1.js';
import { formatQuantity } from '../api/quantity.js';
import type { NodeCapacity } from './node-status.js';
import { goArch, KUBELET_VERSION } from './node-status.js';

/** --max-pods default. */
export const DEFAULT_MAX_PODS = 110;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** cgroup v2 cpu.max of this process's cgroup as a CPU count, when it is limited. */
function cgroupCpus(): number | undefined {
  const own = read('/proc/self/cgroup')?.match(/^0::(.*)$/m)?.[1];
  const max = own !== undefined ? read(`/sys/fs/cgroup${own}/cpu.max`) : undefined;
  const [quota, period] = (max ?? '').split(' ');
  if (!quota || quota === 'max') return undefined;
  const n = Number(quota) / Number(period);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function cgroupMemory(): number | undefined {
  const own = read('/proc/self/cgroup')?.match(/^0::(.*)$/m)?.[1];
  const max = own !== undefined ? read(`/sys/fs/cgroup${own}/memory.max`) : undefined;
  const n = Number(max);
  return max && max !== 'max' && Number.isFinite(n) && n > 0 ? n : undefined;
}

export function machineCapacity(rootDir: string, maxPods = DEFAULT_MAX_PODS): NodeCapacity {
  const cpus = Math.min(cgroupCpus() ?? Infinity, availableParallelism());
  const memory = Math.min(cgroupMemory() ?? Infinity, totalmem());
  let disk = 0;
  try {
    const s = statfsSync(rootDir);
    disk = s.blocks * s.bsize;
  } catch {
    // No such directory yet: report no ephemeral storage rather than fail registration.
  }
  return {
    cpu: Number.isInteger(cpus) ? String(cpus) : `${Math.floor(cpus * 1000)}m`,
    memory: formatQuantity(memory, true),
    pods: String(maxPods),
    'ephemeral-storage': formatQuantity(disk, true),
  };
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** PRETTY_NAME from /etc/os-release. */
function osImage(): string {
  const text = read('/etc/os-release') ?? '';
  return text.match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1] ?? 'Linux';
}

/**
 * nodeInfo. Node containers share the host's kernel and DMI data, so the machine id
 * and system UUID are derived from the node name when the container has none of its own.
 */
export function systemInfo(nodeName: string, runtimeVersion: string): NodeSystemInfo {
  const hash = (salt: string) => createHash('sha256').update(`${salt}\u0000${nodeName}`).digest('hex').slice(0, 32);
  const machineID = read('/etc/machine-id') || hash('machine-id');
  return {
    machineID,
    systemUUID: uuidFrom(hash('system-uuid')),
    bootID: read('/proc/sys/kernel/random/boot_id') ?? uuidFrom(hash(`boot-${Date.now()}`)),
    kernelVersion: release(),
    osImage: osImage(),
    containerRuntimeVersion: runtimeVersion,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: '',
    operatingSystem: 'linux',
    architecture: goArch(),
  };
}
