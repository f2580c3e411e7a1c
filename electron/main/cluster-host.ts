/**
 * Runs the control plane inside the Electron main process and tracks its status
 * for the bridge. Plain Node: no Electron imports, so the lifecycle stays testable.
 */
import { EventEmitter } from 'node:events';
import { startControlPlane } from '../../cluster/controlplane/index.js';
import { dockerSkipReason } from '../../cluster/nodes/docker.js';
import { RESET_STOP_DEADLINE_MS, stopWithDeadline, wipeCluster } from '../../cluster/controlplane/reset.js';
import type { ControlPlane, ControlPlaneOptions, StoreView } from '../../cluster/controlplane/types.js';
import { coalesce, ProgressFeed } from '../../cluster/controlplane/progress.js';
import type { ClusterStatus } from '../preload/api.js';

export class ClusterHost extends EventEmitter<{ status: [ClusterStatus] }> {
  private plane: ControlPlane | undefined;
  private current: ClusterStatus;
  private stopping: Promise<void> | undefined;
  private resetting: Promise<void> | undefined;
  /** The port the reset cluster keeps (the first start's, when the options asked for any free one). */
  private resetPort: number | undefined;
  /** Long work of every start (image builds, node starts, image loads), published with the status at most every 100 ms. */
  readonly progress: ProgressFeed;

  constructor(private readonly options: ControlPlaneOptions) {
    super();
    this.progress = options.progress ?? new ProgressFeed();
    this.current = { state: 'stopped', apiServerUrl: null, kubeconfigPath: null, dataDir: options.dataDir, error: null, progress: [] };
    this.progress.subscribe(coalesce(() => this.update({}), 100));
  }

  get status(): ClusterStatus {
    return { ...this.current };
  }

  /** The running control plane, for the overview's node actions (its node manager and hollow nodes). */
  get controlPlane(): ControlPlane | undefined {
    return this.plane;
  }

  /** The running control plane's store, read-only (the explorer's store view). */
  get storeView(): StoreView | undefined {
    return this.plane?.storeView;
  }

  async start(): Promise<void> {
    this.update({ state: 'starting', error: null });
    try {
      // Node containers need a Docker engine; without one the cluster still runs (hollow nodes, every API).
      const noEngine = this.options.nodes ? await dockerSkipReason() : false;
      if (noEngine) this.options.log?.(`no node containers: ${noEngine}`);
      const options = { ...this.options, progress: this.progress, ...(this.resetPort ? { port: this.resetPort } : {}) };
      const plane = await startControlPlane(noEngine ? { ...options, nodes: 0 } : options);
      this.plane = plane;
      this.update({ state: 'running', apiServerUrl: plane.url, kubeconfigPath: plane.kubeconfigPath });
    } catch (err) {
      this.update({ state: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Stops the control plane once; later calls wait for the same stop. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.plane) return;
      this.update({ state: 'stopping' });
      try {
        await this.plane.stop();
      } finally {
        this.plane = undefined;
        this.update({ state: 'stopped', apiServerUrl: null });
      }
    })();
    return this.stopping;
  }

  /**
   * Back to a fresh cluster with the same settings: stop (carrying on past a deadline if the stop is stuck), remove
   * node containers and network, delete store, PKI and kubeconfig, start again. Status goes stopping → starting →
   * running; rejects with the reason when the fresh cluster fails to start. One reset at a time.
   */
  reset(): Promise<void> {
    this.resetting ??= (async () => {
      const log = this.options.log ?? (() => {});
      const plane = this.plane;
      this.plane = undefined;
      this.update({ state: 'stopping', error: null });
      try {
        if (plane) {
          if (!this.options.port) this.resetPort = plane.port;
          if (!(await stopWithDeadline(() => this.stopping ?? plane.stop()))) log(`reset: the control plane did not stop within ${RESET_STOP_DEADLINE_MS / 1000}s, carrying on`);
        }
        this.stopping = undefined;
        this.update({ state: 'stopped', apiServerUrl: null, kubeconfigPath: null });
        await wipeCluster({ dataDir: this.options.dataDir, etcdServers: this.options.etcdServers, log });
      } catch (err) {
        this.update({ state: 'failed', error: `reset: ${err instanceof Error ? err.message : String(err)}` });
        throw err;
      }
      await this.start();
      if (this.current.state !== 'running') throw new Error(this.current.error ?? 'the fresh cluster did not start');
    })().finally(() => (this.resetting = undefined));
    return this.resetting;
  }

  private update(patch: Partial<ClusterStatus>): void {
    this.current = { ...this.current, ...patch, progress: this.progress.tasks() };
    this.emit('status', this.status);
  }
}
