/**
 * The pod status the kubelet reports, computed as its generateAPIPodStatus does
 * (pkg/kubelet/kubelet_pods.go: convertToAPIContainerStatuses, getPhase;
 * pkg/kubelet/status/generate.go: the conditions). A pure function of the pod, what the
 * runtime reports of its sandbox and container instances, what the sync decided about
 * containers it could not start (waiting reasons), and the time.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../api/time.js';
import type { RuntimeContainer } from './runtime/types.js';

export interface ContainerWaiting {
  reason: string;
  message?: string;
}

export interface PodStatusInput {
  hostIP: string;
  /** The pod's current sandbox, if any. */
  sandbox?: { ip: string; ready: boolean };
  /** When the kubelet first saw the pod (status.startTime). */
  startTimeMs: number;
  /** Every container instance of the pod, as listed by the runtime. */
  containers: readonly RuntimeContainer[];
  /** By container name: why the sync left it waiting (CrashLoopBackOff, ErrImagePull...). */
  waiting?: Readonly<Record<string, ContainerWaiting>>;
  /** By container name: readiness probe results (containers without a readiness probe are ready when running). */
  readiness?: Readonly<Record<string, boolean>>;
  /** By container name: startup probe results (containers without a startup probe have started when running). */
  startup?: Readonly<Record<string, boolean>>;
  /** The pod is terminating or done: no container will be (re)started (getPhase's podIsTerminal). */
  terminal?: boolean;
  nowMs: number;
}

export const CONTAINER_ID_PREFIX = 'docker://';

type CondStatus = 'True' | 'False';
/** A pod condition's status, reason and message. */
export type CondSpec = [status: CondStatus, reason?: string, message?: string];
const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

/** A pod's instances of each container, newest first (by restart count, then creation). */
export function instancesByName(containers: readonly RuntimeContainer[]): Map<string, RuntimeContainer[]> {
  const byName = new Map<string, RuntimeContainer[]>();
  for (const c of containers) {
    const list = byName.get(c.name) ?? [];
    list.push(c);
    byName.set(c.name, list);
  }
  for (const list of byName.values()) list.sort((a, b) => b.restartCount - a.restartCount || b.createdAtMs - a.createdAtMs);
  return byName;
}

/** `OOMKilled` when the kernel killed it, `Completed` for exit 0, `Error` otherwise; `StartError` when it never ran. */
export function terminatedReason(c: Pick<RuntimeContainer, 'exitCode' | 'oomKilled' | 'error'>): string {
  if (c.oomKilled) return 'OOMKilled';
  if (c.error && c.exitCode !== 0) return 'StartError';
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

function terminatedState(c: RuntimeContainer): ContainerState {
  const t: NonNullable<ContainerState['terminated']> = {
    exitCode: c.exitCode ?? 0,
    reason: terminatedReason(c),
    startedAt: rfc3339(c.startedAtMs ?? 0),
    finishedAt: rfc3339(c.finishedAtMs ?? c.startedAtMs ?? 0),
    containerID: CONTAINER_ID_PREFIX + c.id,
  };
  if (c.error && t.reason === 'StartError') t.message = c.error;
  else if (c.terminationMessage) t.message = c.terminationMessage;
  return { terminated: t };
}

function containerStatus(spec: Container, instances: RuntimeContainer[] | undefined, input: PodStatusInput, init: boolean, defaultWaiting: string): ContainerStatus {
  const [cur, prev] = instances ?? [];
  const s: ContainerStatus = {
    name: spec.name,
    image: spec.image ?? '',
    imageID: cur?.imageRef ?? '',
    ready: false,
    started: false,
    restartCount: cur?.restartCount ?? 0,
    state: { waiting: { reason: defaultWaiting } },
  };
  if (cur) s.containerID = CONTAINER_ID_PREFIX + cur.id;
  const waiting = input.waiting?.[spec.name];
  if (waiting) {
    // Not (re)started by this sync: the last run, if any, is the last termination state.
    s.state = { waiting: waiting.message ? { reason: waiting.reason, message: waiting.message } : { reason: waiting.reason } };
    const last = cur?.state === 'exited' ? cur : prev?.state === 'exited' ? prev : undefined;
    if (last) s.lastState = terminatedState(last);
    return s;
  }
  if (!cur) return s;
  if (prev?.state === 'exited') s.lastState = terminatedState(prev);
  if (cur.state === 'running') {
    s.state = { running: { startedAt: rfc3339(cur.startedAtMs ?? cur.createdAtMs) } };
    s.started = spec.startupProbe ? (input.startup?.[spec.name] ?? false) : true;
    // A running (non-sidecar) init container is not ready; app containers follow their readiness probe.
    s.ready = init ? false : s.started && (spec.readinessProbe ? (input.readiness?.[spec.name] ?? false) : true);
  } else if (cur.state === 'exited') {
    s.state = terminatedState(cur);
    s.ready = init && cur.exitCode === 0;
  } else {
    s.state = { waiting: { reason: 'ContainerCreating' } };
  }
  return s;
}

const exitedWith = (s: ContainerStatus): number | undefined => s.state?.terminated?.exitCode ?? s.lastState?.terminated?.exitCode;

/** getPhase: from the init and app container statuses and the restart policy. */
export function podPhase(pod: Pod, inits: ContainerStatus[], apps: ContainerStatus[], terminal: boolean): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of inits) {
    if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else {
      pendingInit++;
    }
  }
  if (failedInit > 0 && (policy === 'Never' || terminal)) return 'Failed';
  if (pendingInit > 0 || failedInit > 0) return terminal ? 'Failed' : 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of apps) {
    if (s.state?.running) running++;
    else if (s.state?.terminated || (s.state?.waiting && s.lastState?.terminated)) {
      stopped++;
      if (exitedWith(s) === 0) succeeded++;
    } else waiting++;
  }
  if (terminal && running === 0) return stopped > 0 && stopped === succeeded && waiting === 0 ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/**
 * The kubelet's pod conditions in its order (shared with hollow nodes); lastTransitionTime kept
 * while a status holds; conditions other components own are carried over.
 */
export function podConditions(pod: Pod, nowMs: number, want: Record<'PodReadyToStartContainers' | 'Initialized' | 'Ready' | 'ContainersReady', CondSpec>): PodCondition[] {
  const previous = pod.status?.conditions ?? [];
  const make = (type: string, [status, reason, message]: CondSpec): PodCondition => {
    const old = previous.find((c) => c.type === type);
    const c: PodCondition = {
      type,
      status,
      lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(nowMs),
    };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  };
  // A pod created with spec.nodeName never met a scheduler: the kubelet adds PodScheduled itself.
  const scheduled = previous.find((c) => c.type === 'PodScheduled') ?? make('PodScheduled', ['True']);
  // Conditions other components own (DisruptionTarget, readiness gates...) are carried over.
  const others = previous.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  return [
    make('PodReadyToStartContainers', want.PodReadyToStartContainers),
    make('Initialized', want.Initialized),
    make('Ready', want.Ready),
    make('ContainersReady', want.ContainersReady),
    scheduled,
    ...others,
  ];
}

/** v1.PodQOSClass (pkg/apis/core/helper/qos): Guaranteed, Burstable or BestEffort. */
export function qosClass(pod: Pod): string {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The whole pod status. */
export function computePodStatus(pod: Pod, input: PodStatusInput): PodStatus {
  const byName = instancesByName(input.containers);
  const initSpecs = pod.spec?.initContainers ?? [];
  const hasInit = initSpecs.length > 0;
  const defaultWaiting = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const inits = initSpecs.map((c) => containerStatus(c, byName.get(c.name), input, true, defaultWaiting));
  const apps = (pod.spec?.containers ?? []).map((c) => containerStatus(c, byName.get(c.name), input, false, defaultWaiting));
  const phase = podPhase(pod, inits, apps, input.terminal ?? false);

  const incomplete = inits.filter((s) => !(s.state?.terminated?.exitCode === 0)).map((s) => s.name);
  const initialized: CondSpec = incomplete.length === 0 || phase === 'Succeeded' ? ['True'] : ['False', 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`];
  const unready = apps.filter((s) => !s.ready).map((s) => s.name);
  let containersReady: CondSpec;
  if (phase === 'Succeeded') containersReady = ['False', 'PodCompleted'];
  else if (phase === 'Failed') containersReady = ['False', 'PodFailed'];
  else if (unready.length > 0) containersReady = ['False', 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`];
  else containersReady = ['True'];
  let ready = containersReady;
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesOff = gates.filter((t) => pod.status?.conditions?.find((c) => c.type === t)?.status !== 'True');
  if (containersReady[0] === 'True' && gatesOff.length > 0) {
    ready = ['False', 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${gatesOff[0]}" does not exist.`];
  }
  const sandboxReady = !!input.sandbox?.ready && !!input.sandbox.ip;

  const status: PodStatus = {
    phase,
    conditions: podConditions(pod, input.nowMs, {
      PodReadyToStartContainers: sandboxReady ? ['True'] : ['False'],
      Initialized: initialized,
      Ready: ready,
      ContainersReady: containersReady,
    }),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: pod.status?.startTime ?? rfc3339(input.startTimeMs),
    containerStatuses: apps,
    qosClass: pod.status?.qosClass ?? qosClass(pod),
  };
  // The pod keeps its IP after its sandbox is gone, as the kubelet keeps it from the old status.
  const podIP = input.sandbox?.ip || pod.status?.podIP;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  if (hasInit) status.initContainerStatuses = inits;
  return status;
}
