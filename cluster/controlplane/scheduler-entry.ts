/**
 * Where the control plane finds its scheduler: the shape of cluster/scheduler's
 * `startScheduler` and the one line that names it. Until cluster/scheduler lands,
 * SCHEDULER is undefined and the control plane runs without one (pods need
 * spec.nodeName); wiring it is `export const SCHEDULER: SchedulerStarter = startScheduler;`.
 */
import type { EventRecorder, RestClient, SharedInformerFactory } from '../client/index.js';

export interface SchedulerStartOptions {
  client: RestClient;
  informers: SharedInformerFactory;
  recorder: EventRecorder;
  log: (line: string) => void;
  signal: AbortSignal;
}

export interface RunningScheduler {
  stop(): Promise<void>;
  /** The scheduler's own figures, for the UI. */
  metrics(): unknown;
  decisionFor(namespace: string, name: string): unknown;
  renderPrometheus(): string;
}

export type SchedulerStarter = (o: SchedulerStartOptions) => RunningScheduler;

export const SCHEDULER: SchedulerStarter | undefined = undefined;
