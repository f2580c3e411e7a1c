/** The prober's contracts with the pod sync and the runtime. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RuntimeContainer } from '../runtime/types.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** One probe's outcome; `output` is what the Unhealthy event quotes. */
export interface ProbeOutcome {
  result: 'success' | 'failure';
  output: string;
}

/** Runs a command in a running container, giving up after `timeoutMs` (the CRI's ExecSync). */
export type ExecFn = (containerId: string, cmd: string[], timeoutMs: number) => Promise<{ exitCode: number; output: string; timedOut?: boolean }>;

/** Probe results in the shape computePodStatus takes (PodStatusInput.readiness/startup), by container name. */
export interface ProbeResults {
  results(pod: Pod, containers: readonly RuntimeContainer[]): { readiness: Record<string, boolean>; startup: Record<string, boolean> };
}
