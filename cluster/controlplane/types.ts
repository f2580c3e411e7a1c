/** What the Electron main process and the headless launcher both use to run the control plane. */
import type { ComponentsHealth } from './components.js';
import type { HollowNodesOptions, HollowNodeStatus } from '../nodes/hollow/index.js';
import type { NodeManager } from '../nodes/node-manager.js';
import type { Store } from '../store/types.js';
import type { ProgressFeed } from './progress.js';

export type { KeyValue as StoreKeyValue, WatchEvent as StoreWatchEvent } from '../store/types.js';

/** Read-only access to the store, for the explorer's store view: reads, history and watches, never writes. */
export type StoreView = Pick<Store, 'backend' | 'currentRevision' | 'compactRevision' | 'get' | 'range' | 'watch'> & {
  /** A value as the API server reads it (Secrets decrypted); other values unchanged. */
  decrypt(key: string, value: Uint8Array): Uint8Array;
};

export interface ControlPlaneOptions {
  /** Folder holding the store, certificates, kubeconfig and settings. */
  dataDir: string;
  /** HTTPS port of the API server; 0 picks a free one. Default 6443. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Use a real etcd v3 cluster instead of the embedded SQLite store. */
  etcdServers?: string[];
  /** Extra names/IPs for the serving certificate (how node containers reach the API server). */
  extraSANs?: string[];
  /** Receives one-line log messages. */
  log?: (line: string) => void;
  /** Where long work (image builds, node starts, image loads) reports its progress; default a feed of its own. */
  progress?: ProgressFeed;
  /** Docker-container nodes (real kubelets over nested engines) to run; existing ones are adopted. Default 0. */
  nodes?: number;
  /** Hollow (simulated, container-less) nodes to register at start. Default 0. */
  hollowNodes?: number;
  /** Timing, capacity and failure rate of hollow nodes. */
  hollowNodeOptions?: Partial<Pick<HollowNodesOptions, 'namePrefix' | 'capacity' | 'labels' | 'podStartDelayMs' | 'completeAfterMs' | 'failureRate' | 'leaseRenewIntervalMs'>>;
  /** kube-controller-manager --controllers (`*`, `name`, `-name`). Default all. */
  controllers?: string[];
  /** Run the scheduler. Default true. */
  scheduler?: boolean;
  /** Run the controller manager. Default true. */
  controllerManager?: boolean;
  /** kube-controller-manager --node-monitor-grace-period: how long without heartbeat before a node is Unknown. Default 40 s. */
  nodeMonitorGracePeriodMs?: number;
}

export interface ControlPlaneHealth extends ComponentsHealth {
  apiserver: { ready: boolean; message?: string };
}

export interface ControlPlane {
  /** https://host:port of the API server. */
  readonly url: string;
  readonly port: number;
  /** Admin kubeconfig written into the data dir. */
  readonly kubeconfigPath: string;
  readonly dataDir: string;
  /** The store, read-only (the explorer's store view). */
  readonly storeView?: StoreView;
  /** Long work as it happens (the options' feed, or one of its own). */
  readonly progress: ProgressFeed;
  /** API server readiness (/readyz, asked now), scheduler, controller loops and hollow nodes. */
  health(): Promise<ControlPlaneHealth>;
  /** Prometheus text of the components /metrics of the API server does not cover (leader election, workqueues, scheduler). */
  metrics(): Promise<string>;
  /** The node containers' manager (add, stop, start, remove nodes), when `nodes` was given. */
  readonly nodeManager?: NodeManager;
  /** The cluster's id on the Docker engine (its containers' names and labels), when `nodes` was given. */
  readonly clusterId?: string;
  /** One more node container (next free `node-N`), Ready when this resolves; only with `nodes`. */
  addNode?(): Promise<string>;
  /** Removes a node container and its Node object; only with `nodes`. */
  removeNode?(name: string): Promise<void>;
  /** Registers `n` more hollow nodes; resolves to their names. */
  addHollowNodes(n: number): Promise<string[]>;
  /** Per hollow node state (empty when none run). */
  hollowNodes(): Promise<HollowNodeStatus[]>;
  /** Stops hollow nodes, controllers and scheduler, then the API server, and closes the store; idempotent. */
  stop(): Promise<void>;
}
