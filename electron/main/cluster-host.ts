/**
 * Runs the control plane inside the Electron main process and tracks its status
 * for the bridge. Plain Node: no Electron imports, so the lifecycle stays testable.
 */
import { EventEmitter } from 'node:events';
import { startControlPlane } from '../../cluster/controlplane/index.js';
import { dockerSkipReason } from '../../cluster/nodes/docker.js';
import type { ControlPlane, ControlPlaneOptions, StoreView } from '../../cluster/controlplane/types.js';
import type { ClusterStatus } from '../preload/api.js';

export class ClusterHost extends EventEmitter<{ status: [ClusterStatus] }> {
  private plane: ControlPlane | undefined;
  private current: ClusterStatus;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ControlPlaneOptions) {
    super();
    this.current = { state: 'stopped', apiServerUrl: null, kubeconfigPath: null, dataDir: options.dataDir, error: null };
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
      const plane = await startControlPlane(noEngine ? { ...this.options, nodes: 0 } : this.options);
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

  private update(patch: Partial<ClusterStatus>): void {
    this.current = { ...this.current, ...patch };
    this.emit('status', this.status);
  }
}
