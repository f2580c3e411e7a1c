/** `kubarium up --ui`: the web-mode explorer over a running control plane. */
import { fileURLToPath } from 'node:url';
import { StatusError } from '../api/status.js';
import { kubeconfigPaths } from '../client/kubeconfig-set.js';
import { coalesce, type ProgressFeed } from '../controlplane/progress.js';
import type { StoreView } from '../controlplane/types.js';
import { mergeKubeconfig } from '../pki/kubeconfig-merge.js';
import { ClusterBridge } from './cluster-bridge.js';
import { ContextSwitch } from './context-switch.js';
import type { ClusterActionsApi, ClusterState, ClusterStatus, ContextsApi } from './explorer-api.js';
import type { NodeHost } from './node-actions.js';
import { startWebUi, type WebUi } from './web-server.js';

/** out/renderer of this checkout (`npm run build`), unless KUBARIUM_RENDERER_DIR names another. */
const RENDERER_DIR = process.env.KUBARIUM_RENDERER_DIR ?? fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** The control plane as the launcher runs it (ControlPlane fits): node manager and hollow nodes for the node actions. */
export interface RunningPlane extends NodeHost {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly dataDir: string;
  /** The store, read-only, for the explorer's store view. */
  readonly storeView?: StoreView;
  /** Long work (node starts, image loads, hollow nodes added), published with the status. */
  readonly progress?: Pick<ProgressFeed, 'tasks' | 'subscribe'>;
}

export interface UiOptions {
  /**
   * The launcher's reset (cluster/controlplane/reset.ts around its own stop and start): reports `stopping` and
   * `starting` through `progress`, resolves with the fresh control plane. Without it the UI's reset answers 503.
   */
  reset?: (progress: (state: ClusterState) => void) => Promise<RunningPlane>;
}

function runningStatus(plane: RunningPlane): ClusterStatus {
  return { state: 'running', apiServerUrl: plane.url, kubeconfigPath: plane.kubeconfigPath, dataDir: plane.dataDir, error: null, progress: plane.progress?.tasks() ?? [] };
}

export async function startUi(plane: RunningPlane, log: (line: string) => void, options: UiOptions = {}): Promise<WebUi> {
  let current = plane;
  let own: ClusterBridge | undefined = new ClusterBridge(plane.kubeconfigPath, plane.storeView, plane);
  let status = runningStatus(plane);
  const listeners = new Set<(status: ClusterStatus) => void>();
  const setStatus = (next: ClusterStatus) => {
    status = { ...next, progress: current.progress?.tasks() ?? next.progress ?? [] };
    for (const listener of listeners) listener(status);
  };
  // Progress frames at most every 100 ms; the feed is the plane's (a reset's fresh plane may bring another).
  const publishProgress = coalesce(() => setStatus(status), 100);
  let unsubscribeProgress = plane.progress?.subscribe(publishProgress);
  const contexts = new ContextSwitch({ own: () => own, ownServer: () => status.apiServerUrl });
  let resetting: Promise<void> | undefined;
  const hostActions: ContextsApi & ClusterActionsApi = {
    listContexts: () => contexts.listContexts(),
    useContext: (id) => contexts.useContext(id),
    mergeKubeconfig: async (setCurrent) => {
      if (status.state !== 'running') throw new StatusError(503, 'ServiceUnavailable', `the cluster is ${status.state}: no kubeconfig to merge yet`);
      return mergeKubeconfig({ source: current.kubeconfigPath, target: kubeconfigPaths()[0], setCurrent: setCurrent === true });
    },
    resetCluster() {
      const reset = options.reset;
      if (!reset) return Promise.reject(new StatusError(503, 'ServiceUnavailable', 'this launcher cannot reset its cluster'));
      resetting ??= (async () => {
        own?.close();
        own = undefined;
        try {
          current = await reset((state) => setStatus({ ...status, state, apiServerUrl: null, kubeconfigPath: null, error: null }));
        } catch (err) {
          setStatus({ ...status, state: 'failed', error: `reset: ${err instanceof Error ? err.message : String(err)}` });
          throw err;
        }
        own = new ClusterBridge(current.kubeconfigPath, current.storeView, current);
        unsubscribeProgress?.();
        unsubscribeProgress = current.progress?.subscribe(publishProgress);
        setStatus(runningStatus(current));
        log(`reset: fresh cluster at ${current.url}`);
      })().finally(() => (resetting = undefined));
      return resetting;
    },
  };
  const ui = await startWebUi({
    bridge: () => {
      const bridge = contexts.current();
      if (!bridge) throw new StatusError(503, 'ServiceUnavailable', `the cluster is ${status.state}`);
      return bridge;
    },
    status: () => status,
    onStatus: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    hostActions,
    rendererDir: RENDERER_DIR,
  });
  log(`explorer at ${ui.url} (renderer from ${RENDERER_DIR})`);
  return {
    ...ui,
    async close() {
      unsubscribeProgress?.();
      publishProgress.cancel();
      contexts.close();
      own?.close();
      await ui.close();
    },
  };
}
