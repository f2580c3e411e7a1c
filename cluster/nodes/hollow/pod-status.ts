/**
 * The pod statuses a hollow kubelet reports, shaped as the kubelet's
 * generateAPIPodStatus does (pkg/kubelet/kubelet_pods.go, pkg/kubelet/status): the five
 * pod conditions in kubelet order, per-container state, host and pod IPs, startTime.
 * Pure functions of the pod, what the hollow runtime remembers of it, and the time.
 */
import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import { podConditions } from '../../kubelet/pod-status.js';

/** What the hollow runtime knows about one pod's sandbox and containers. */
export interface PodRuntime {
  hostIP: string;
  podIP: string;
  /** When the kubelet first saw the pod (status.startTime). */
  startTimeMs: number;
  /** When the containers (last) started. */
  startedAtMs: number;
  /** container name → `hollow://<id>`. */
  containerIDs: Record<string, string>;
  restartCount: number;
  /** The last run's end, for lastState after an OnFailure restart. */
  lastTermination?: { exitCode: number; reason: string; startedAtMs: number; finishedAtMs: number };
}

export interface Termination {
  exitCode: number;
  finishedAtMs: number;
}

function containerNames(pod: Pod): string[] {
  return (pod.spec?.containers ?? []).map((c) => c.name);
}

function imageOf(pod: Pod, name: string, init = false): string {
  const list = init ? pod.spec?.initContainers : pod.spec?.containers;
  return list?.find((c) => c.name === name)?.image ?? '';
}

function ipFields(rt: PodRuntime): Pick<PodStatus, 'hostIP' | 'hostIPs' | 'podIP' | 'podIPs'> {
  return { hostIP: rt.hostIP, hostIPs: [{ ip: rt.hostIP }], podIP: rt.podIP, podIPs: [{ ip: rt.podIP }] };
}

/** Init containers of a started pod: all ran to completion before the app containers started. */
function initStatuses(pod: Pod, rt: PodRuntime): ContainerStatus[] | undefined {
  const inits = pod.spec?.initContainers;
  if (!inits?.length) return undefined;
  return inits.map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: `hollow://${c.image ?? ''}`,
    containerID: rt.containerIDs[`init:${c.name}`] ?? '',
    ready: true,
    started: false,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: rfc3339(rt.startTimeMs), finishedAt: rfc3339(rt.startedAtMs), containerID: rt.containerIDs[`init:${c.name}`] } },
  }));
}

/** Accepted, sandbox being set up: containers waiting in ContainerCreating (the kubelet's first status). */
export function pendingStatus(pod: Pod, rt: Pick<PodRuntime, 'hostIP' | 'startTimeMs'>, nowMs: number): PodStatus {
  const names = containerNames(pod);
  const notReady = `containers with unready status: [${names.join(' ')}]`;
  const hasInit = !!pod.spec?.initContainers?.length;
  return {
    phase: 'Pending',
    conditions: podConditions(pod, nowMs, {
      PodReadyToStartContainers: ['False'],
      Initialized: hasInit ? ['False', 'ContainersNotInitialized', `containers with incomplete status: [${pod.spec!.initContainers!.map((c) => c.name).join(' ')}]`] : ['True'],
      Ready: ['False', 'ContainersNotReady', notReady],
      ContainersReady: ['False', 'ContainersNotReady', notReady],
    }),
    hostIP: rt.hostIP,
    hostIPs: [{ ip: rt.hostIP }],
    startTime: rfc3339(rt.startTimeMs),
    containerStatuses: names.map((name) => ({
      name,
      image: imageOf(pod, name),
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}

/** Every container running and ready. */
export function runningStatus(pod: Pod, rt: PodRuntime, nowMs: number): PodStatus {
  const status: PodStatus = {
    phase: 'Running',
    conditions: podConditions(pod, nowMs, { PodReadyToStartContainers: ['True'], Initialized: ['True'], Ready: ['True'], ContainersReady: ['True'] }),
    ...ipFields(rt),
    startTime: rfc3339(rt.startTimeMs),
    containerStatuses: containerNames(pod).map((name) => {
      const image = imageOf(pod, name);
      const s: ContainerStatus = {
        name,
        image,
        imageID: `hollow://${image}`,
        containerID: rt.containerIDs[name],
        ready: true,
        started: true,
        restartCount: rt.restartCount,
        state: { running: { startedAt: rfc3339(rt.startedAtMs) } },
      };
      if (rt.lastTermination) {
        const t = rt.lastTermination;
        s.lastState = { terminated: { exitCode: t.exitCode, reason: t.reason, startedAt: rfc3339(t.startedAtMs), finishedAt: rfc3339(t.finishedAtMs), containerID: rt.containerIDs[name] } };
      }
      return s;
    }),
  };
  const inits = initStatuses(pod, rt);
  if (inits) status.initContainerStatuses = inits;
  return status;
}

/** `Completed` for exit code 0, `Error` otherwise, as the container runtime reports. */
export function terminationReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}

/**
 * Every container exited: phase Succeeded when all exited 0, else Failed (kubelet getPhase
 * for a pod that will not restart); Ready/ContainersReady False with reason PodCompleted.
 */
export function terminatedStatus(pod: Pod, rt: PodRuntime, end: Termination): PodStatus {
  const reason = terminationReason(end.exitCode);
  const status: PodStatus = {
    phase: end.exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: podConditions(pod, end.finishedAtMs, {
      PodReadyToStartContainers: ['False'],
      Initialized: ['True'],
      Ready: ['False', 'PodCompleted'],
      ContainersReady: ['False', 'PodCompleted'],
    }),
    ...ipFields(rt),
    startTime: rfc3339(rt.startTimeMs),
    containerStatuses: containerNames(pod).map((name) => {
      const image = imageOf(pod, name);
      return {
        name,
        image,
        imageID: `hollow://${image}`,
        containerID: rt.containerIDs[name],
        ready: false,
        started: false,
        restartCount: rt.restartCount,
        state: {
          terminated: { exitCode: end.exitCode, reason, startedAt: rfc3339(rt.startedAtMs), finishedAt: rfc3339(end.finishedAtMs), containerID: rt.containerIDs[name] },
        },
      };
    }),
  };
  const inits = initStatuses(pod, rt);
  if (inits) status.initContainerStatuses = inits;
  return status;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Pods whose containers run to completion (Job pods): restartPolicy Never or OnFailure. */
export function runsToCompletion(pod: Pod): boolean {
  const p = pod.spec?.restartPolicy ?? 'Always';
  return p === 'Never' || p === 'OnFailure';
}
