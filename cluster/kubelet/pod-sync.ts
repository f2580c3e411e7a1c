/**
 * Level-triggered sync of one pod against the container runtime, after the kubelet's
 * SyncPod (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions): ensure the
 * sandbox, run init containers in order each to completion, then start the app
 * containers; restart exited ones under the restart policy with CrashLoopBackOff's
 * back-off; report the status the way the kubelet does. Also the graceful kill of a
 * deleted pod (preStop hook, SIGTERM, the rest of the grace period, SIGKILL) and the
 * postStart hooks (lifecycle.ts). Writing to the API is the caller's
 * (see pod-api.ts), so this is testable against a bare engine.
 */
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { Backoff, goDuration } from './backoff.js';
import { containerConfig, podRef, pullPolicy } from './container-config.js';
import { ContainerConfigError, resolveEnv } from './env.js';
import type { EnvSources } from './env.js';
import type { HookRunner } from './lifecycle.js';
import { computePodStatus, instancesByName } from './pod-status.js';
import type { ContainerWaiting } from './pod-status.js';
import { ImagePullError } from './runtime/types.js';
import type { ContainerRuntime, RuntimeContainer, SandboxConfig, SandboxInfo } from './runtime/types.js';
import type { ProbeResults } from './prober/types.js';
import type { PodVolumes } from './volumes/volume-manager.js';

/** How often a pod with live containers is looked at again (the kubelet's PLEG relist period). */
export const RELIST_PERIOD_MS = 1000;
/** Instances kept per container: the current and the last dead one (lastState, `logs --previous`). */
const KEPT_INSTANCES = 2;
/** FallbackToLogsOnError: the last 80 lines of the log, at most 2 KiB (kuberuntime_container.go). */
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;
/** The default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 30;
/** What a container gets at least after its preStop hook used up the grace period (kuberuntime minimumGracePeriodInSeconds). */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;
/** postStart has no timeout upstream; a hung hook would hold the pod's worker for ever, so it is cut off after this. */
export const POST_START_TIMEOUT_MS = 120_000;

export type PodEventType = 'Normal' | 'Warning';

export interface PodSyncerOptions {
  runtime: ContainerRuntime;
  /** The node's IP (status.hostIP). */
  hostIP: string;
  /** ConfigMaps and Secrets for env valueFrom/envFrom; without it such references fail (CreateContainerConfigError). */
  envSources?: EnvSources;
  /** Node allocatable, for resourceFieldRef of a container without a limit. */
  nodeAllocatable?: Record<string, string>;
  cgroupParent?: string;
  /** Added to every sandbox and container. */
  labels?: Record<string, string>;
  now?: () => number;
  /** Back-off bounds; default 10 s doubling to 5 min. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** The pod's DNS settings for its sandbox (cluster DNS, search domains); see dns-config.ts. */
  dns?: (pod: Pod) => SandboxConfig['dns'];
  /** Sets up the pods' volumes before their containers are created (volumes/VolumeManager); without it volumeMounts are not mounted. */
  volumes?: PodVolumes;
  /** Readiness and startup probe results for the status (prober/ProbeManager); without them running containers are ready. */
  probes?: ProbeResults;
  /** Runs postStart and preStop hooks (lifecycle.ts); without it hooks are skipped. */
  hooks?: HookRunner;
  /** Called for the events the kubelet would record (Pulling, Pulled, Created, Started, BackOff, Failed, Killing, FailedPostStartHook, FailedPreStopHook). */
  onEvent?: (pod: Pod, type: PodEventType, reason: string, message: string) => void;
}

export interface PodSyncResult {
  status: PodStatus;
  /** When to sync again if nothing else happens: containers running, or a back-off ending. Undefined: nothing changes by itself. */
  requeueAfterMs?: number;
  /** The pod had a deletionTimestamp: its containers are stopped and `status` is final; delete the API object next. */
  terminated?: boolean;
}

const NO_ENV_SOURCES: EnvSources = { configMap: async () => undefined, secret: async () => undefined };

const isTerminalPhase = (p: string | undefined): boolean => p === 'Succeeded' || p === 'Failed';

function shouldRestart(policy: string, exitCode: number | undefined): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/** `name_namespace(uid)`, as the kubelet's format.Pod prints a pod. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

/** What one sync decided and learned. */
interface SyncState {
  pod: Pod;
  sandbox: SandboxInfo;
  waiting: Record<string, ContainerWaiting>;
  wakeMs: number | undefined;
  /** A volume could not be set up: no container is created (they stay ContainerCreating, FailedMount). */
  volumesFailed?: boolean;
}

export class PodSyncer {
  private readonly rt: ContainerRuntime;
  private readonly now: () => number;
  private readonly crashBackoff: Backoff;
  private readonly imageBackoff: Backoff;
  private readonly startTimes = new Map<string, number>();
  /** Termination messages taken from logs, by container id (read once). */
  private readonly logMessages = new Map<string, string>();
  /** The pods last synced, by uid: the specs a kill outside a sync (a failed liveness probe) runs preStop from. */
  private readonly pods = new Map<string, Pod>();

  constructor(private readonly opts: PodSyncerOptions) {
    this.rt = opts.runtime;
    this.now = opts.now ?? Date.now;
    this.crashBackoff = new Backoff(this.now, opts.backoffInitialMs, opts.backoffMaxMs);
    this.imageBackoff = new Backoff(this.now, opts.backoffInitialMs, opts.backoffMaxMs);
  }

  private event(pod: Pod, type: PodEventType, reason: string, message: string): void {
    this.opts.onEvent?.(pod, type, reason, message);
  }

  private startTime(pod: Pod): number {
    const uid = pod.metadata?.uid ?? '';
    let t = this.startTimes.get(uid);
    if (t === undefined) {
      const parsed = Date.parse(pod.status?.startTime ?? '');
      t = Number.isFinite(parsed) ? parsed : this.now();
      this.startTimes.set(uid, t);
    }
    return t;
  }

  /** The pod's container instances, with terminationMessagePolicy FallbackToLogsOnError applied to failed ones. */
  private async list(pod: Pod): Promise<RuntimeContainer[]> {
    const containers = await this.rt.listPodContainers(pod.metadata?.uid ?? '');
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    for (const c of containers) {
      if (c.state !== 'exited' || c.exitCode === 0 || c.terminationMessage) continue;
      if (specs.find((s) => s.name === c.name)?.terminationMessagePolicy !== 'FallbackToLogsOnError') continue;
      let message = this.logMessages.get(c.id);
      if (message === undefined) {
        const buf = Buffer.from(await this.rt.logs(c.id, { tailLines: FALLBACK_LOG_LINES }).catch(() => ''));
        message = buf.subarray(Math.max(0, buf.length - FALLBACK_LOG_BYTES)).toString('utf8');
        this.logMessages.set(c.id, message);
      }
      if (message) c.terminationMessage = message;
    }
    return containers;
  }

  private status(pod: Pod, sandbox: SandboxInfo | undefined, containers: RuntimeContainer[], waiting: Record<string, ContainerWaiting>, terminal = false): PodStatus {
    return computePodStatus(pod, {
      hostIP: this.opts.hostIP,
      sandbox: sandbox ? { ip: sandbox.ip, ready: sandbox.state === 'ready' } : undefined,
      startTimeMs: this.startTime(pod),
      containers,
      waiting,
      terminal,
      nowMs: this.now(),
      ...this.opts.probes?.results(pod, containers),
    });
  }

  /** Brings the pod's containers toward its spec once and reports its status. */
  async syncPod(pod: Pod): Promise<PodSyncResult> {
    if (pod.metadata?.deletionTimestamp) return { status: await this.killPod(pod), terminated: true };
    const uid = pod.metadata?.uid ?? '';
    this.pods.set(uid, pod);
    let sandbox = await this.rt.podSandbox(uid);
    let containers = await this.list(pod);

    // A pod that is done stays done: nothing restarts, the sandbox goes (the kubelet's terminal pods).
    const before = this.status(pod, sandbox, containers, {});
    if (isTerminalPhase(pod.status?.phase) || isTerminalPhase(before.phase)) {
      await this.stopEverything(pod, containers, sandbox, 0);
      containers = await this.list(pod);
      return { status: this.status(pod, sandbox && stopped(sandbox), containers, {}, true) };
    }

    if ((!sandbox || sandbox.state !== 'ready') && (pod.spec?.restartPolicy ?? 'Always') === 'Never' && containers.length > 0) {
      // Never restarts: a pod whose sandbox died after its containers ran is done (computePodActions: no new sandbox).
      await this.stopEverything(pod, containers, sandbox, this.gracePeriod(pod));
      containers = await this.list(pod);
      return { status: this.status(pod, sandbox && stopped(sandbox), containers, {}, true) };
    }
    if (!sandbox || sandbox.state !== 'ready') {
      // Sandbox gone or dead: kill what is left and start over in a new one (computePodActions: KillPod + CreateSandbox).
      await this.stopEverything(pod, containers, sandbox, this.gracePeriod(pod));
      if (sandbox) await this.rt.removePodSandbox(sandbox.id);
      try {
        sandbox = await this.rt.runPodSandbox({
          pod: podRef(pod),
          hostname: pod.spec?.hostname ?? pod.metadata?.name ?? '',
          attempt: sandbox ? sandbox.attempt + 1 : 0,
          cgroupParent: this.opts.cgroupParent,
          labels: this.opts.labels,
          dns: this.opts.dns?.(pod),
        });
      } catch (err) {
        this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
        return { status: this.status(pod, undefined, containers, {}), requeueAfterMs: this.opts.backoffInitialMs ?? 10_000 };
      }
    }

    const state: SyncState = { pod: withIPs(pod, this.opts.hostIP, sandbox.ip), sandbox, waiting: {}, wakeMs: undefined };
    // Volumes before containers, and again on later syncs so ConfigMap/Secret updates reach running pods (WaitForAttachAndMount).
    if (this.opts.volumes) state.volumesFailed = !(await this.opts.volumes.setUpPod(state.pod)).ok;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    // Instances from an older sandbox are history only: in a new sandbox, init containers run again.
    const byName = instancesByName(containers.filter((c) => c.createdAtMs >= sandbox!.createdAtMs || c.state === 'running'));
    const all = instancesByName(containers);
    // Restart counts keep rising across sandboxes (and keep instance names unique).
    const firstCount = (name: string): number => (all.get(name)?.[0]?.restartCount ?? -1) + 1;

    let initialized = true;
    for (const spec of pod.spec?.initContainers ?? []) {
      const [cur] = byName.get(spec.name) ?? [];
      if (cur?.state === 'exited' && cur.exitCode === 0) continue;
      initialized = false;
      if (!cur) await this.startNew(state, spec, firstCount(spec.name), true);
      else if (cur.state === 'created') await this.startCreated(pod, cur);
      // An init container that failed: the pod fails under Never, else it is retried with back-off.
      else if (cur.state === 'exited' && policy !== 'Never') await this.restart(state, spec, cur, true);
      break;
    }
    if (initialized) {
      for (const spec of pod.spec?.containers ?? []) {
        const [cur] = byName.get(spec.name) ?? [];
        if (!cur) await this.startNew(state, spec, firstCount(spec.name), false);
        else if (cur.state === 'created') await this.startCreated(pod, cur);
        else if (cur.state === 'exited' && shouldRestart(policy, cur.exitCode)) await this.restart(state, spec, cur, false);
      }
    }

    await this.collectDead(await this.rt.listPodContainers(uid));
    containers = await this.list(pod);
    const status = this.status(pod, sandbox, containers, state.waiting);
    if (isTerminalPhase(status.phase)) {
      // Finished just now: stop the sandbox at once, as the kubelet does for a pod that completed.
      await this.rt.stopPodSandbox(sandbox.id);
      return { status: this.status(pod, stopped(sandbox), containers, {}, true) };
    }
    let wake = state.wakeMs;
    if (containers.some((c) => c.state === 'running' || c.state === 'created') || Object.keys(state.waiting).length > 0) {
      wake = Math.min(wake ?? RELIST_PERIOD_MS, RELIST_PERIOD_MS);
    }
    return { status, requeueAfterMs: wake };
  }

  private gracePeriod(pod: Pod, override?: number): number {
    return override ?? pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
  }

  /** Restarts an exited container unless it is in back-off (doBackOff: measured from when it finished). */
  private async restart(state: SyncState, spec: Container, cur: RuntimeContainer, init: boolean): Promise<void> {
    const { pod } = state;
    const key = `${pod.metadata?.uid}/${spec.name}`;
    const finished = cur.finishedAtMs ?? this.now();
    if (this.crashBackoff.isInBackOffSince(key, finished)) {
      const message = `back-off ${goDuration(this.crashBackoff.get(key))} restarting failed container=${spec.name} pod=${formatPod(pod)}`;
      state.waiting[spec.name] = { reason: 'CrashLoopBackOff', message };
      this.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      state.wakeMs = Math.min(state.wakeMs ?? Infinity, this.crashBackoff.remaining(key, finished));
      return;
    }
    this.crashBackoff.next(key, finished);
    await this.startNew(state, spec, cur.restartCount + 1, init);
  }

  /** Pulls the image if needed, resolves the environment, creates and starts one container instance. */
  private async startNew(state: SyncState, spec: Container, restartCount: number, init: boolean): Promise<void> {
    const { pod } = state;
    if (state.volumesFailed) {
      state.wakeMs = Math.min(state.wakeMs ?? Infinity, RELIST_PERIOD_MS);
      return;
    }
    const image = spec.image ?? '';
    const imageKey = `${pod.metadata?.uid}/${spec.name}/image/${image}`;
    if (this.imageBackoff.isInBackOffSinceUpdate(imageKey)) {
      state.waiting[spec.name] = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      return;
    }
    // As the kubelet's image manager: Pulling when a pull begins, then Pulled (pulled in N ms, or already present).
    let pullStarted: number | undefined;
    try {
      await this.rt.ensureImage(image, pullPolicy(spec), () => {
        pullStarted = this.now();
        this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
      });
      this.event(pod, 'Normal', 'Pulled', pullStarted === undefined ? `Container image "${image}" already present on machine` : `Successfully pulled image "${image}" in ${this.now() - pullStarted}ms`);
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      if (err.reason === 'ErrImagePull') this.imageBackoff.next(imageKey);
      state.waiting[spec.name] = { reason: err.reason, message: err.message };
      this.event(pod, 'Warning', 'Failed', err.message);
      return;
    }
    this.imageBackoff.reset(imageKey);
    let env;
    let mounts;
    try {
      env = await resolveEnv(pod, spec, this.opts.envSources ?? NO_ENV_SOURCES, this.opts.nodeAllocatable);
      mounts = this.opts.volumes?.mountsFor(pod, spec, env);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      state.waiting[spec.name] = { reason: 'CreateContainerConfigError', message: err.message };
      this.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
      return;
    }
    const cfg = containerConfig(pod, spec, { env, restartCount, init, cgroupParent: this.opts.cgroupParent, labels: this.opts.labels, mounts });
    let id: string;
    try {
      id = await this.rt.createContainer(state.sandbox.id, cfg);
    } catch (err) {
      state.waiting[spec.name] = { reason: 'CreateContainerError', message: (err as Error).message };
      this.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
      return;
    }
    this.event(pod, 'Normal', 'Created', `Created container: ${spec.name}`);
    try {
      await this.rt.startContainer(id);
      this.event(pod, 'Normal', 'Started', `Started container ${spec.name}`);
    } catch (err) {
      // The instance stays, exited with the engine's error: reported as terminated with reason StartError.
      this.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
      return;
    }
    const postStart = spec.lifecycle?.postStart;
    if (postStart && this.opts.hooks) {
      // startContainer step 4: a failed postStart kills the container; the restart policy takes it from there.
      const failure = await this.opts.hooks.run(postStart, { pod, container: spec, containerId: id, podIP: state.sandbox.ip }, POST_START_TIMEOUT_MS);
      if (failure !== undefined) {
        this.event(pod, 'Warning', 'FailedPostStartHook', failure);
        await this.killContainer(pod, spec, id, state.sandbox.ip, this.gracePeriod(pod), 'FailedPostStartHook');
      }
    }
  }

  /**
   * killContainer (kuberuntime_container.go): the Killing event, then the preStop hook
   * when there is a grace period, bounded by it; then SIGTERM with what is left of the
   * grace period (at least MINIMUM_GRACE_PERIOD_SECONDS once a hook ran) and SIGKILL after.
   * `message` null: no Killing event (the caller recorded its own).
   */
  private async killContainer(pod: Pod, spec: Container | undefined, id: string, podIP: string, graceSeconds: number, message: string | null = `Stopping container ${spec?.name}`): Promise<void> {
    if (message !== null) this.event(pod, 'Normal', 'Killing', message);
    let grace = graceSeconds;
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && this.opts.hooks && grace > 0) {
      const started = Date.now();
      const failure = await this.opts.hooks.run(preStop, { pod, container: spec, containerId: id, podIP }, grace * 1000);
      if (failure !== undefined) this.event(pod, 'Warning', 'FailedPreStopHook', failure);
      grace = Math.max(grace - Math.floor((Date.now() - started) / 1000), MINIMUM_GRACE_PERIOD_SECONDS);
    }
    await this.rt.stopContainer(id, grace);
  }

  /**
   * Kills one container of a pod this syncer ran, its preStop hook first (a liveness or
   * startup probe failure: the prober records the Killing event itself).
   */
  async killContainerById(containerId: string, graceSeconds: number): Promise<void> {
    const c = await this.rt.containerStatus(containerId);
    const pod = c && this.pods.get(c.pod.uid);
    const spec = pod && specOf(pod, c.name);
    if (!c || !pod || !spec || c.state !== 'running') return this.rt.stopContainer(containerId, graceSeconds);
    const sandbox = await this.rt.podSandbox(c.pod.uid);
    await this.killContainer(pod, spec, containerId, sandbox?.ip ?? '', graceSeconds, null);
  }

  /** An instance created but not started (a sync interrupted between the two): start it now. */
  private async startCreated(pod: Pod, c: RuntimeContainer): Promise<void> {
    try {
      await this.rt.startContainer(c.id);
    } catch (err) {
      this.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
    }
  }

  /** Removes dead instances beyond the newest KEPT_INSTANCES of each container (the container GC). */
  private async collectDead(containers: RuntimeContainer[]): Promise<void> {
    for (const list of instancesByName(containers).values()) {
      for (const old of list.slice(KEPT_INSTANCES)) {
        if (old.state !== 'exited') continue;
        this.logMessages.delete(old.id);
        await this.rt.removeContainer(old.id);
      }
    }
  }

  private async stopEverything(pod: Pod, containers: RuntimeContainer[], sandbox: SandboxInfo | undefined, graceSeconds: number): Promise<void> {
    const live = containers.filter((c) => c.state === 'running' || c.state === 'created');
    if (live.length > 0) {
      // preStop only for a running container (an exec needs a process to join).
      const hookSpec = (c: RuntimeContainer) => (c.state === 'running' ? specOf(pod, c.name) : undefined);
      await Promise.all(live.map((c) => this.killContainer(pod, hookSpec(c), c.id, sandbox?.ip ?? '', graceSeconds, `Stopping container ${c.name}`)));
    }
    if (sandbox?.state === 'ready') await this.rt.stopPodSandbox(sandbox.id);
  }

  /**
   * Graceful termination (killPodWithSyncResult): every container gets SIGTERM, then
   * SIGKILL after the grace period (deletionGracePeriodSeconds, else
   * terminationGracePeriodSeconds, else 30 s), all in parallel; then the sandbox stops.
   * Returns the final status (phase Succeeded when every container exited 0, else Failed).
   */
  async killPod(pod: Pod, gracePeriodSeconds?: number): Promise<PodStatus> {
    const uid = pod.metadata?.uid ?? '';
    const containers = await this.rt.listPodContainers(uid);
    const sandbox = await this.rt.podSandbox(uid);
    await this.stopEverything(pod, containers, sandbox, this.gracePeriod(pod, gracePeriodSeconds));
    return this.status(pod, sandbox && stopped(sandbox), await this.list(pod), {}, true);
  }

  /** Removes every container and sandbox of a pod and forgets it (after the API object is gone). */
  async removePod(podUid: string): Promise<void> {
    for (const c of await this.rt.listPodContainers(podUid)) {
      this.logMessages.delete(c.id);
      await this.rt.removeContainer(c.id);
    }
    for (let s = await this.rt.podSandbox(podUid); s; s = await this.rt.podSandbox(podUid)) await this.rt.removePodSandbox(s.id);
    this.crashBackoff.forgetPrefix(`${podUid}/`);
    this.imageBackoff.forgetPrefix(`${podUid}/`);
    this.startTimes.delete(podUid);
    this.pods.delete(podUid);
    await this.opts.volumes?.removePod(podUid);
  }
}

function specOf(pod: Pod, name: string): Container | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
}

/** A sandbox just stopped: not ready, its IP still the pod's (a stopped container has none). */
function stopped(sandbox: SandboxInfo): SandboxInfo {
  return { ...sandbox, state: 'notready' };
}

/** The pod as env fieldRefs see it: status.hostIP and podIP are known once the sandbox is up. */
function withIPs(pod: Pod, hostIP: string, podIP: string): Pod {
  const status: PodStatus = { ...pod.status, hostIP, hostIPs: [{ ip: hostIP }] };
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  return { ...pod, status };
}
