/**
 * What every controller of the controller manager gets: a client of the API server
 * (the only way any controller touches the cluster), the shared informers, an event
 * recorder and a log. Each controller lives in cluster/controllers/<name>/ and
 * exports a starter; the manager (manager.ts) starts the shared informers once every
 * controller has registered its handlers, as kube-controller-manager does.
 */
import type { ControllerHealth, EventRecorder, RestClient, SharedInformerFactory } from '../client/index.js';

export interface ControllerContext {
  client: RestClient;
  informers: SharedInformerFactory;
  /** Records Events with `source.component` set to the given controller's name. */
  recorder(component: string): EventRecorder;
  log(line: string): void;
  /** Aborted when the controller manager stops. */
  signal: AbortSignal;
}

export interface RunningController {
  readonly name: string;
  health(): ControllerHealth;
  stop(): Promise<void>;
}

/** A controller's entry point; called before the shared informers start. */
export type ControllerStarter = (ctx: ControllerContext) => RunningController | RunningController[];
