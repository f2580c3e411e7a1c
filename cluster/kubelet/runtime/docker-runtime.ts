/**
 * The ContainerRuntime over a Docker engine (the node's own, or in tests the host's), the
 * way cri-dockerd maps the CRI onto Docker: the sandbox is a pause container holding the
 * pod's network and IPC namespaces, app containers join it with
 * `NetworkMode: container:<sandbox>` so all of a pod's containers share one IP and port space.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readSync, rmdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import { followProgress, isNotFound, statusCode } from '../../nodes/docker.js';
import { PAUSE_IMAGE } from '../../nodes/image/pod-images.js';
import {
  CONTAINER_NAME_LABEL,
  CONTAINER_TYPE_LABEL,
  IMAGE_LABEL,
  INIT_LABEL,
  MANAGED_LABEL,
  POD_UID_LABEL,
  RESTART_COUNT_LABEL,
  SANDBOX_ATTEMPT_LABEL,
  SANDBOX_ID_LABEL,
  TERMINATION_LOG_LABEL,
  containerName,
  podLabels,
  podRefFrom,
  sandboxContainerName,
} from './labels.js';
import { ImagePullError } from './types.js';
import type { ContainerConfig, ContainerMount, ContainerRuntime, ContainerState, ImageFsStats, ImageGCRuntime, ImagePullPolicy, LogOptions, RuntimeContainer, RuntimeImage, SandboxConfig, SandboxInfo } from './types.js';
import type { Duplex, Readable } from 'node:stream';
import { dialTCP, dockerAttach, dockerExec, streamDockerLogs } from './docker-streaming.js';
import type { LogStreamOptions, StreamingIO, StreamingRuntime, StreamingSession } from './types.js';

export interface DockerRuntimeOptions {
  docker: Docker;
  /** The sandbox image; default kubarium/pause:3.10. */
  pauseImage?: string;
  /** Added to every container created (tests mark theirs to clean up). */
  labels?: Record<string, string>;
  /** Docker network of the sandboxes; default the engine's `bridge` (the node's pod CIDR). */
  network?: string;
  /** Gives up a pull after this long; default 5 minutes. */
  pullTimeoutMs?: number;
  /**
   * The kubelet's root directory, holding pods/<uid>/containers/<name>/ (termination
   * message files). Must be a path the engine can bind-mount: inside a node the node's
   * own filesystem (its engine is nested), in tests the host's. Default /var/lib/kubelet.
   */
  rootDir?: string;
  /** The directory whose filesystem holds the images (image GC's usage); default the engine's DockerRootDir. */
  imageFsPath?: string;
}

/** The most of a termination message the kubelet reads (kubecontainer.MaxContainerTerminationMessageLength). */
export const MAX_TERMINATION_MESSAGE_BYTES = 4096;

function readHead(file: string, max: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Docker's zero time ("0001-01-01T00:00:00Z") means never. */
function timeMs(t: string | undefined): number | undefined {
  if (!t || t.startsWith('0001-')) return undefined;
  const ms = Date.parse(t.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms : undefined;
}

function stateOf(info: ContainerInspectInfo): ContainerState {
  const s = info.State;
  if (s.Running || s.Restarting || s.Paused) return 'running';
  if (s.Status === 'created') return 'created';
  if (s.Status === 'exited' || s.Status === 'dead') return 'exited';
  return 'unknown';
}

export class DockerRuntime implements ContainerRuntime, StreamingRuntime, ImageGCRuntime {
  private readonly docker: Docker;
  private readonly pauseImage: string;
  private readonly extraLabels: Record<string, string>;
  private readonly network: string;
  private readonly pullTimeoutMs: number;
  private readonly rootDir: string;
  private imageFsPath: string | undefined;

  constructor(opts: DockerRuntimeOptions) {
    this.imageFsPath = opts.imageFsPath;
    this.docker = opts.docker;
    this.pauseImage = opts.pauseImage ?? PAUSE_IMAGE;
    this.extraLabels = opts.labels ?? {};
    this.network = opts.network ?? 'bridge';
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 5 * 60_000;
    this.rootDir = opts.rootDir ?? '/var/lib/kubelet';
  }

  private podDir(uid: string): string {
    return join(this.rootDir, 'pods', uid);
  }

  /** An empty, world-writable file for the termination message (the kubelet makes it 0666, whatever the container's user). */
  private terminationLog(cfg: ContainerConfig): string {
    const dir = join(this.podDir(cfg.pod.uid), 'containers', cfg.name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${cfg.restartCount}-termination-log`);
    writeFileSync(file, '');
    chmodSync(file, 0o666);
    return file;
  }

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxInfo> {
    await this.ensureImage(this.pauseImage, 'IfNotPresent');
    const container = await this.docker.createContainer({
      name: sandboxContainerName(cfg.pod, cfg.attempt),
      Image: this.pauseImage,
      Hostname: cfg.hostname,
      Labels: {
        ...this.extraLabels,
        ...cfg.labels,
        ...podLabels(cfg.pod),
        [CONTAINER_TYPE_LABEL]: 'podsandbox',
        [CONTAINER_NAME_LABEL]: 'POD',
        [SANDBOX_ATTEMPT_LABEL]: String(cfg.attempt),
      },
      HostConfig: {
        NetworkMode: this.network,
        // The pod's containers join its IPC namespace too, as with the dockershim.
        IpcMode: 'shareable',
        CgroupParent: cfg.cgroupParent,
        RestartPolicy: { Name: 'no' },
        // The pod's resolv.conf; containers joining the sandbox's network share it.
        ...(cfg.dns ? { Dns: cfg.dns.servers, DnsSearch: cfg.dns.searches, DnsOptions: cfg.dns.options } : {}),
      },
    });
    try {
      await container.start();
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      throw err;
    }
    return this.sandboxFrom(await container.inspect());
  }

  private sandboxFrom(info: ContainerInspectInfo): SandboxInfo {
    const nets = info.NetworkSettings?.Networks ?? {};
    const ip = nets[this.network]?.IPAddress || Object.values(nets)[0]?.IPAddress || '';
    return {
      id: info.Id,
      pod: podRefFrom(info.Config.Labels),
      attempt: Number(info.Config.Labels?.[SANDBOX_ATTEMPT_LABEL] ?? 0),
      state: info.State.Running ? 'ready' : 'notready',
      ip,
      createdAtMs: timeMs(info.Created) ?? 0,
    };
  }

  /** Containers of this runtime only: managed by a kubelet and carrying this runtime's extra labels (tests share one engine). */
  private async listIds(labels: string[]): Promise<string[]> {
    const own = Object.entries(this.extraLabels).map(([k, v]) => `${k}=${v}`);
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`, ...own, ...labels] } });
    return list.map((c) => c.Id);
  }

  private async inspect(id: string): Promise<ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listPodSandboxes(): Promise<SandboxInfo[]> {
    const ids = await this.listIds([`${CONTAINER_TYPE_LABEL}=podsandbox`]);
    const infos = await Promise.all(ids.map((id) => this.inspect(id)));
    return infos.filter((i): i is ContainerInspectInfo => !!i).map((i) => this.sandboxFrom(i));
  }

  async podSandbox(podUid: string): Promise<SandboxInfo | undefined> {
    const ids = await this.listIds([`${CONTAINER_TYPE_LABEL}=podsandbox`, `${POD_UID_LABEL}=${podUid}`]);
    const infos = (await Promise.all(ids.map((id) => this.inspect(id)))).filter((i): i is ContainerInspectInfo => !!i);
    const sandboxes = infos.map((i) => this.sandboxFrom(i));
    return sandboxes.sort((a, b) => b.attempt - a.attempt || b.createdAtMs - a.createdAtMs)[0];
  }

  async stopPodSandbox(id: string): Promise<void> {
    // The pause container exits at once on SIGTERM.
    await this.stopContainer(id, 2);
  }

  async removePodSandbox(id: string): Promise<void> {
    const uid = (await this.inspect(id))?.Config.Labels?.[POD_UID_LABEL];
    await this.removeContainer(id);
    // The pod's files (termination logs) go with its last sandbox; its volumes are the volume manager's.
    if (uid) {
      rmSync(join(this.podDir(uid), 'containers'), { recursive: true, force: true });
      rmdirIfEmpty(this.podDir(uid));
      await this.removePodVolumes(uid);
    }
  }

  private async imageRef(image: string): Promise<string | undefined> {
    try {
      const info = await this.docker.getImage(image).inspect();
      return info.RepoDigests?.[0] ?? info.Id;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async ensureImage(image: string, policy: ImagePullPolicy, onPull?: () => void): Promise<string> {
    const present = await this.imageRef(image);
    if (present && policy !== 'Always') return present;
    if (policy === 'Never') {
      throw new ImagePullError(`Container image "${image}" is not present with pull policy of Never`, 'ErrImageNeverPull');
    }
    onPull?.();
    try {
      await this.pull(image);
    } catch (err) {
      // Under Always, a present image still runs when the registry cannot be reached (the kubelet would fail; we are offline).
      if (present) return present;
      throw new ImagePullError(`failed to pull image "${image}": ${(err as Error).message}`);
    }
    const ref = await this.imageRef(image);
    if (!ref) throw new ImagePullError(`failed to pull image "${image}": not present after pull`);
    return ref;
  }

  private async pull(image: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.pullTimeoutMs} ms`)), this.pullTimeoutMs);
    });
    try {
      const stream = await Promise.race([this.docker.pull(image) as Promise<NodeJS.ReadableStream>, timeout]);
      await Promise.race([followProgress(this.docker, stream), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async createContainer(sandboxId: string, cfg: ContainerConfig): Promise<string> {
    const sec = cfg.security ?? {};
    const res = cfg.resources ?? {};
    const termLog = cfg.terminationMessagePath ? this.terminationLog(cfg) : undefined;
    const user = sec.runAsUser !== undefined ? `${sec.runAsUser}${sec.runAsGroup !== undefined ? `:${sec.runAsGroup}` : ''}` : undefined;
    const container = await this.docker.createContainer({
      name: containerName(cfg.pod, cfg.name, cfg.restartCount),
      Image: cfg.image,
      // Kubernetes: command replaces ENTRYPOINT (and drops the image's CMD), args replace CMD.
      Entrypoint: cfg.command?.length ? cfg.command : undefined,
      Cmd: cfg.args?.length ? cfg.args : undefined,
      Env: cfg.env?.map((e) => `${e.name}=${e.value}`),
      WorkingDir: cfg.workingDir,
      User: user,
      StopSignal: cfg.stopSignal,
      Tty: cfg.tty ?? false,
      OpenStdin: cfg.stdin ?? false,
      StdinOnce: cfg.stdinOnce ?? false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Labels: {
        ...this.extraLabels,
        ...cfg.labels,
        ...podLabels(cfg.pod),
        [CONTAINER_TYPE_LABEL]: 'container',
        [CONTAINER_NAME_LABEL]: cfg.name,
        [RESTART_COUNT_LABEL]: String(cfg.restartCount),
        [INIT_LABEL]: String(cfg.init),
        [IMAGE_LABEL]: cfg.image,
        [SANDBOX_ID_LABEL]: sandboxId,
        ...(termLog ? { [TERMINATION_LOG_LABEL]: termLog } : {}),
      },
      HostConfig: {
        NetworkMode: `container:${sandboxId}`,
        IpcMode: `container:${sandboxId}`,
        Binds: termLog ? [`${termLog}:${cfg.terminationMessagePath}`] : undefined,
        Mounts: cfg.mounts?.length ? cfg.mounts.map((m) => this.dockerMount(cfg, m)) : undefined,
        Privileged: sec.privileged ?? false,
        ReadonlyRootfs: sec.readOnlyRootFilesystem ?? false,
        CapAdd: sec.capAdd,
        CapDrop: sec.capDrop,
        CpuPeriod: res.cpuQuota ? res.cpuPeriod : undefined,
        CpuQuota: res.cpuQuota,
        CpuShares: res.cpuShares,
        Memory: res.memoryLimitBytes,
        // No swap beyond the limit, as the kubelet configures it.
        MemorySwap: res.memoryLimitBytes,
        CgroupParent: cfg.cgroupParent,
        RestartPolicy: { Name: 'no' },
      },
    });
    return container.id;
  }

  /**
   * A volume mount as Docker's: a bind of the host path, or for a memory-backed emptyDir a
   * named `local` volume of type tmpfs, one per pod volume, so the pod's containers share it
   * (upstream mounts a tmpfs on the volume's host directory); removed with the pod's last sandbox.
   */
  private dockerMount(cfg: ContainerConfig, m: ContainerMount): Docker.MountSettings {
    if (m.type === 'bind') return { Type: 'bind', Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readOnly ?? false };
    return {
      Type: 'volume',
      Source: podVolumeName(cfg.pod.uid, m.name),
      Target: m.containerPath,
      ReadOnly: m.readOnly ?? false,
      VolumeOptions: {
        NoCopy: true,
        Labels: { ...this.extraLabels, ...podLabels(cfg.pod) },
        DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: m.sizeBytes ? `mode=1777,size=${m.sizeBytes}` : 'mode=1777' } },
      },
    };
  }

  /** The pod's memory-backed volumes; one still used by a container (a sandbox being replaced) stays. */
  private async removePodVolumes(uid: string): Promise<void> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${POD_UID_LABEL}=${uid}`] } });
    for (const v of Volumes ?? []) await this.docker.getVolume(v.Name).remove().catch(() => undefined);
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusCode(err) === 304) return; // already started
      throw err;
    }
  }

  async stopContainer(id: string, gracePeriodSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(gracePeriodSeconds)) });
    } catch (err) {
      if (statusCode(err) === 304 || isNotFound(err)) return; // already stopped, or gone
      throw err;
    }
  }

  async removeContainer(id: string): Promise<void> {
    const termLog = (await this.inspect(id))?.Config.Labels?.[TERMINATION_LOG_LABEL];
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      // 409: removal already in progress.
      if (!(isNotFound(err) || statusCode(err) === 409)) throw err;
    }
    if (termLog) rmSync(termLog, { force: true });
  }

  private containerFrom(info: ContainerInspectInfo): RuntimeContainer {
    const labels = info.Config.Labels ?? {};
    const state = stateOf(info);
    const c: RuntimeContainer = {
      id: info.Id,
      pod: podRefFrom(labels),
      name: labels[CONTAINER_NAME_LABEL] ?? '',
      init: labels[INIT_LABEL] === 'true',
      restartCount: Number(labels[RESTART_COUNT_LABEL] ?? 0),
      image: labels[IMAGE_LABEL] ?? info.Config.Image,
      imageRef: info.Image,
      state,
      createdAtMs: timeMs(info.Created) ?? 0,
    };
    const started = timeMs(info.State.StartedAt);
    if (started !== undefined) c.startedAtMs = started;
    if (state === 'exited') {
      c.exitCode = info.State.ExitCode;
      c.finishedAtMs = timeMs(info.State.FinishedAt) ?? started ?? c.createdAtMs;
      if (info.State.OOMKilled) c.oomKilled = true;
      const termLog = labels[TERMINATION_LOG_LABEL];
      const message = termLog ? readHead(termLog, MAX_TERMINATION_MESSAGE_BYTES) : undefined;
      if (message) c.terminationMessage = message;
    }
    if (info.State.Error) c.error = info.State.Error;
    return c;
  }

  async containerStates(): Promise<Array<{ id: string; podUid: string; state: ContainerState }>> {
    const own = Object.entries(this.extraLabels).map(([k, v]) => `${k}=${v}`);
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`, ...own] } });
    const state = (s: string): ContainerState => (s === 'running' || s === 'created' || s === 'exited' ? s : s === 'dead' ? 'exited' : 'unknown');
    return list.map((c) => ({ id: c.Id, podUid: c.Labels?.[POD_UID_LABEL] ?? '', state: state(c.State) }));
  }

  async listPodContainers(podUid: string): Promise<RuntimeContainer[]> {
    const ids = await this.listIds([`${CONTAINER_TYPE_LABEL}=container`, `${POD_UID_LABEL}=${podUid}`]);
    const infos = await Promise.all(ids.map((id) => this.inspect(id)));
    return infos.filter((i): i is ContainerInspectInfo => !!i).map((i) => this.containerFrom(i));
  }

  async containerStatus(id: string): Promise<RuntimeContainer | undefined> {
    const info = await this.inspect(id);
    return info ? this.containerFrom(info) : undefined;
  }

  async logs(id: string, opts: LogOptions = {}): Promise<string> {
    const container = this.docker.getContainer(id);
    const info = await container.inspect();
    const buf = (await container.logs({
      stdout: true,
      stderr: true,
      follow: false,
      timestamps: opts.timestamps ?? false,
      ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
      since: opts.sinceMs ? Math.floor(opts.sinceMs / 1000) : 0,
    })) as unknown as Buffer;
    return info.Config.Tty ? buf.toString('utf8') : interleave(buf);
  }

  // Images (image garbage collection). The engine may hold containers this runtime did not create: their images count as used.

  async listImages(): Promise<RuntimeImage[]> {
    const images = await this.docker.listImages({ all: false });
    const pause = this.pauseImage;
    return images.map((i) => {
      const repoTags = (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
      return { id: i.Id, repoTags, sizeBytes: i.Size, pinned: repoTags.includes(pause) || undefined };
    });
  }

  async removeImage(id: string): Promise<void> {
    try {
      const info = await this.docker.getImage(id).inspect();
      // Untag every name, which removes the image with its last one (the CRI's RemoveImage by id).
      for (const tag of info.RepoTags ?? []) await this.docker.getImage(tag).remove();
      if (!info.RepoTags?.length) await this.docker.getImage(id).remove();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async imageFsStats(): Promise<ImageFsStats> {
    this.imageFsPath ??= ((await this.docker.info()) as { DockerRootDir?: string }).DockerRootDir ?? '/var/lib/docker';
    const s = statfsSync(this.imageFsPath);
    return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  }

  async imagesInUse(): Promise<Set<string>> {
    const list = await this.docker.listContainers({ all: true });
    return new Set(list.map((c) => c.ImageID));
  }

  // Streaming (the kubelet server's exec, attach, logs and port-forward): docker-streaming.ts.

  streamLogs(id: string, opts?: LogStreamOptions): Promise<Readable> {
    return streamDockerLogs(this.docker, id, opts);
  }

  exec(id: string, cmd: string[], io: StreamingIO): Promise<StreamingSession> {
    return dockerExec(this.docker, id, cmd, io);
  }

  attach(id: string, io: StreamingIO): Promise<StreamingSession> {
    return dockerAttach(this.docker, id, io);
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const info = await this.inspect(sandboxId);
    const sandbox = info ? this.sandboxFrom(info) : undefined;
    if (!sandbox || sandbox.state !== 'ready') throw new Error(`pod sandbox ${sandboxId} is not running`);
    if (!sandbox.ip) throw new Error(`pod sandbox ${sandboxId} has no IP`);
    return dialTCP(sandbox.ip, port);
  }
}

function rmdirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (volumes), or gone
  }
}

/** The Docker volume backing a pod's memory-backed emptyDir. */
export function podVolumeName(podUid: string, volume: string): string {
  return `kubarium_${podUid}_${volume}`;
}

/** A non-TTY log buffer's frames (8-byte header: stream, 3 zero bytes, big-endian length), in order. */
function interleave(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
