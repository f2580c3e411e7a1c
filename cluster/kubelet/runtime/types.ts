/**
 * A small container-runtime interface in the shape of the CRI (k8s.io/cri-api
 * RuntimeService + ImageService): a pod sandbox owning the network namespace, containers
 * created inside it, their status and logs. The kubelet's pod sync talks only to this.
 */

/** Which pod a sandbox or container belongs to (the CRI's PodSandboxMetadata). */
export interface PodRef {
  uid: string;
  namespace: string;
  name: string;
}

export interface SandboxConfig {
  pod: PodRef;
  /** The pod's hostname (spec.hostname, else the pod name). */
  hostname: string;
  /** Bumped each time the sandbox is recreated (CRI metadata.attempt). */
  attempt: number;
  /** Parent cgroup of the pod's containers (the node's KUBARIUM_CGROUP_PARENT). */
  cgroupParent?: string;
  /** Extra labels on the sandbox container. */
  labels?: Record<string, string>;
  /** The pod's resolv.conf (the CRI's DNSConfig); unset: the runtime's default. */
  dns?: { servers: string[]; searches: string[]; options: string[] };
}

export type SandboxState = 'ready' | 'notready';

export interface SandboxInfo {
  id: string;
  pod: PodRef;
  attempt: number;
  state: SandboxState;
  /** The pod IP ('' when the sandbox has no network). */
  ip: string;
  createdAtMs: number;
}

export interface SecurityConfig {
  runAsUser?: number;
  runAsGroup?: number;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capAdd?: string[];
  capDrop?: string[];
}

/** Linux cgroup limits (the CRI's LinuxContainerResources). */
export interface ResourceConfig {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitBytes?: number;
}

export interface ContainerConfig {
  pod: PodRef;
  name: string;
  image: string;
  /** Replaces the image's ENTRYPOINT (container.command). */
  command?: string[];
  /** Replaces the image's CMD (container.args). */
  args?: string[];
  /** Fully resolved environment, in order. */
  env?: Array<{ name: string; value: string }>;
  workingDir?: string;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  /** How many times this container was restarted before (CRI metadata.attempt). */
  restartCount: number;
  /** An init container of the pod. */
  init: boolean;
  security?: SecurityConfig;
  resources?: ResourceConfig;
  cgroupParent?: string;
  /** Where the container may write why it ended (container.terminationMessagePath): a file kept outside it. */
  terminationMessagePath?: string;
  /** Extra labels on the container. */
  labels?: Record<string, string>;
  /** The pod's volumes as this container mounts them (volumeMounts), prepared by the volume manager. */
  mounts?: ContainerMount[];
  /** The signal a stop sends first (container.lifecycle.stopSignal); default the image's. */
  stopSignal?: string;
}

/**
 * One mount of a container (the CRI's Mount): a host file or directory bind-mounted, or a
 * memory-backed directory (emptyDir medium Memory) that every container of the pod naming
 * the same `name` shares.
 */
export type ContainerMount =
  | { type: 'bind'; hostPath: string; containerPath: string; readOnly?: boolean }
  | { type: 'tmpfs'; name: string; containerPath: string; readOnly?: boolean; sizeBytes?: number };

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** One container instance as the runtime reports it (the CRI's ContainerStatus). */
export interface RuntimeContainer {
  id: string;
  pod: PodRef;
  name: string;
  init: boolean;
  restartCount: number;
  /** The image as the pod named it. */
  image: string;
  /** The image's digest reference (status.containerStatuses[].imageID). */
  imageRef: string;
  state: ContainerState;
  createdAtMs: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  exitCode?: number;
  /** Killed by the kernel's OOM killer. */
  oomKilled?: boolean;
  /** The runtime's error starting it, if any. */
  error?: string;
  /** What it wrote to its terminationMessagePath (at most 4096 bytes), once exited. */
  terminationMessage?: string;
}

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Why an image could not be made present: ErrImagePull, or ErrImageNeverPull under policy Never. */
export class ImagePullError extends Error {
  constructor(
    message: string,
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' = 'ErrImagePull',
  ) {
    super(message);
    this.name = 'ImagePullError';
  }
}

export interface LogOptions {
  tailLines?: number;
  sinceMs?: number;
  timestamps?: boolean;
}

export interface ContainerRuntime {
  /** Creates and starts a pod's sandbox; returns it with its IP. */
  runPodSandbox(cfg: SandboxConfig): Promise<SandboxInfo>;
  /** The newest sandbox of a pod, if any. */
  podSandbox(podUid: string): Promise<SandboxInfo | undefined>;
  /** Every sandbox the runtime holds (for adoption and garbage collection). */
  listPodSandboxes(): Promise<SandboxInfo[]>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;

  /** Makes the image present under `policy`; returns its imageRef. Throws ImagePullError. `onPull` hears that a pull begins (the Pulling event). */
  ensureImage(image: string, policy: ImagePullPolicy, onPull?: () => void): Promise<string>;

  /** Creates a container joined to the sandbox's network (and IPC) namespace; returns its id. */
  createContainer(sandboxId: string, cfg: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (the image's stop signal), then SIGKILL after `gracePeriodSeconds`. */
  stopContainer(id: string, gracePeriodSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Every container instance of a pod, init and app, current and dead. */
  listPodContainers(podUid: string): Promise<RuntimeContainer[]>;
  /**
   * Every container and sandbox of this runtime with its state, in one cheap call (no
   * per-container inspect): what the kubelet's PLEG relists each second to notice changes.
   */
  containerStates?(): Promise<Array<{ id: string; podUid: string; state: ContainerState }>>;
  containerStatus(id: string): Promise<RuntimeContainer | undefined>;
  /** The container's output, stdout and stderr interleaved as written. */
  logs(id: string, opts?: LogOptions): Promise<string>;
}

/** An image the runtime holds (the CRI's Image). */
export interface RuntimeImage {
  /** The image id (sha256:…). */
  id: string;
  repoTags: string[];
  sizeBytes: number;
  /** Never garbage-collected (the CRI's pinned: the sandbox image). */
  pinned?: boolean;
}

/** The filesystem images live on (the CRI's ImageFsInfo, as the image GC reads it). */
export interface ImageFsStats {
  capacityBytes: number;
  availableBytes: number;
}

/**
 * What image garbage collection needs from the runtime (the CRI's ImageService
 * ListImages/RemoveImage/ImageFsInfo, and every container's image). Separate from
 * ContainerRuntime so its fakes stay small.
 */
export interface ImageGCRuntime {
  listImages(): Promise<RuntimeImage[]>;
  /** Removes an image by id with all its tags. */
  removeImage(id: string): Promise<void>;
  imageFsStats(): Promise<ImageFsStats>;
  /** The image ids of every container the engine holds, running or not (images in use). */
  imagesInUse(): Promise<Set<string>>;
}

/** Options of a streamed log (the kubelet's /containerLogs; CRI ReopenContainerLog + the log reader). */
export interface LogStreamOptions extends LogOptions {
  /** Keep the stream open and send what the container writes next (`logs -f`). */
  follow?: boolean;
}

/** The caller's ends of an exec or attach: the container's stdin is fed from `stdin`, its output written to `stdout`/`stderr`. */
export interface StreamingIO {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  /** Omitted with a TTY (stderr is merged into stdout). */
  stderr?: NodeJS.WritableStream;
  tty: boolean;
  /** The terminal's size to start with (TTY only), so the process does not first see 0x0. */
  initialSize?: { width: number; height: number };
}

/** A running exec or attach. */
export interface StreamingSession {
  /** Sets the terminal size (TTY only). */
  resize(width: number, height: number): Promise<void>;
  /** Resolves when the output has ended: with the command's exit code for exec, undefined for attach. */
  readonly done: Promise<number | undefined>;
  /** Stops streaming (the process itself is left alone, as on a dropped kubectl connection). */
  close(): void;
}

/**
 * What the kubelet's streaming server needs from the runtime (the CRI's ExecSync/Exec,
 * Attach, PortForward and the log reader). Separate from ContainerRuntime, which pod
 * sync uses, so fakes of that stay small.
 */
export interface StreamingRuntime {
  /** The container's output as a stream, stdout and stderr interleaved as written. */
  streamLogs(id: string, opts?: LogStreamOptions): Promise<import('node:stream').Readable>;
  /** Runs `cmd` in a running container. */
  exec(id: string, cmd: string[], io: StreamingIO): Promise<StreamingSession>;
  /** Attaches to the container's main process. */
  attach(id: string, io: StreamingIO): Promise<StreamingSession>;
  /** A TCP connection to `port` in the pod's network namespace. */
  portForward(sandboxId: string, port: number): Promise<import('node:stream').Duplex>;
}
