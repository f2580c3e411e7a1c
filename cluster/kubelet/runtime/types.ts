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
}

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

  /** Makes the image present under `policy`; returns its imageRef. Throws ImagePullError. */
  ensureImage(image: string, policy: ImagePullPolicy): Promise<string>;

  /** Creates a container joined to the sandbox's network (and IPC) namespace; returns its id. */
  createContainer(sandboxId: string, cfg: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (the image's stop signal), then SIGKILL after `gracePeriodSeconds`. */
  stopContainer(id: string, gracePeriodSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Every container instance of a pod, init and app, current and dead. */
  listPodContainers(podUid: string): Promise<RuntimeContainer[]>;
  containerStatus(id: string): Promise<RuntimeContainer | undefined>;
  /** The container's output, stdout and stderr interleaved as written. */
  logs(id: string, opts?: LogOptions): Promise<string>;
}
