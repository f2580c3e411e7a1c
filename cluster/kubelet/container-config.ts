/**
 * A pod's container spec as the runtime's ContainerConfig (pkg/kubelet/kuberuntime
 * generateContainerConfig + generateLinuxContainerConfig): command and args with `$(VAR)`
 * expanded, the resolved environment, securityContext (pod-level defaults under the
 * container's), and resources as cgroup limits.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/quantity.js';
import { expand } from './env.js';
import type { ResolvedEnvVar } from './env.js';
import type { ContainerConfig, ContainerMount, PodRef, ResourceConfig, SecurityConfig } from './runtime/types.js';

/** CFS period the kubelet uses (100 ms). */
export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;

export function podRef(pod: Pod): PodRef {
  return { uid: pod.metadata?.uid ?? '', namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '' };
}

/** cpu request → shares, cpu limit → quota (milliCPUToShares, milliCPUToQuota), memory limit → bytes. */
export function resourceConfig(container: Container): ResourceConfig {
  const out: ResourceConfig = {};
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  // A container with a limit but no request gets the limit as its request (API defaulting).
  const cpuRequest = parseQuantity(requests.cpu ?? limits.cpu);
  if (cpuRequest !== undefined) out.cpuShares = Math.max(MIN_SHARES, Math.floor(cpuRequest * SHARES_PER_CPU));
  const cpuLimit = parseQuantity(limits.cpu);
  if (cpuLimit !== undefined && cpuLimit > 0) {
    out.cpuPeriod = CPU_PERIOD_US;
    out.cpuQuota = Math.max(1000, Math.ceil(cpuLimit * CPU_PERIOD_US));
  }
  const mem = parseQuantity(limits.memory);
  if (mem !== undefined && mem > 0) out.memoryLimitBytes = Math.floor(mem);
  return out;
}

/** The container's securityContext over the pod's (runAsUser, runAsGroup). */
export function securityConfig(pod: Pod, container: Container): SecurityConfig {
  const podSc = pod.spec?.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const out: SecurityConfig = {};
  const user = sc.runAsUser ?? podSc.runAsUser;
  const group = sc.runAsGroup ?? podSc.runAsGroup;
  if (user !== undefined) out.runAsUser = user;
  if (group !== undefined) out.runAsGroup = group;
  if (sc.privileged) out.privileged = true;
  if (sc.readOnlyRootFilesystem) out.readOnlyRootFilesystem = true;
  if (sc.capabilities?.add?.length) out.capAdd = sc.capabilities.add.map(capName);
  if (sc.capabilities?.drop?.length) out.capDrop = sc.capabilities.drop.map(capName);
  return out;
}

/** Kubernetes names capabilities without the CAP_ prefix; Docker accepts both, ALL stays ALL. */
function capName(c: string): string {
  return c === 'ALL' || c.startsWith('CAP_') ? c : `CAP_${c}`;
}

export interface ContainerConfigOptions {
  env: readonly ResolvedEnvVar[];
  restartCount: number;
  init: boolean;
  cgroupParent?: string;
  labels?: Record<string, string>;
  /** The container's volume mounts (volumes/VolumeManager.mountsFor). */
  mounts?: ContainerMount[];
}

export function containerConfig(pod: Pod, container: Container, opts: ContainerConfigOptions): ContainerConfig {
  const vars = new Map(opts.env.map((e) => [e.name, e.value]));
  const cfg: ContainerConfig = {
    pod: podRef(pod),
    name: container.name,
    image: container.image ?? '',
    env: [...opts.env],
    restartCount: opts.restartCount,
    init: opts.init,
    security: securityConfig(pod, container),
    resources: resourceConfig(container),
  };
  if (container.command?.length) cfg.command = container.command.map((a) => expand(a, vars));
  if (container.args?.length) cfg.args = container.args.map((a) => expand(a, vars));
  if (container.workingDir) cfg.workingDir = container.workingDir;
  if (container.tty) cfg.tty = true;
  if (container.stdin) cfg.stdin = true;
  if (container.stdinOnce) cfg.stdinOnce = true;
  if (opts.cgroupParent) cfg.cgroupParent = opts.cgroupParent;
  // API defaulting: /dev/termination-log.
  cfg.terminationMessagePath = container.terminationMessagePath ?? '/dev/termination-log';
  if (opts.labels) cfg.labels = opts.labels;
  if (opts.mounts?.length) cfg.mounts = opts.mounts;
  // lifecycle.stopSignal (ContainerStopSignals, 1.33): newer than kubernetes-types, so read loosely.
  const stopSignal = (container.lifecycle as { stopSignal?: string } | undefined)?.stopSignal;
  if (stopSignal) cfg.stopSignal = stopSignal;
  return cfg;
}

/** imagePullPolicy's default: Always for `:latest` or no tag, else IfNotPresent (API defaulting). */
export function pullPolicy(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const p = container.imagePullPolicy;
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return p;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return !lastPart.includes(':') || lastPart.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}
