/** `kubarium up --ui`: the web-mode explorer over a running control plane. */
import { fileURLToPath } from 'node:url';
import type { StoreView } from '../controlplane/types.js';
import { ClusterBridge } from './cluster-bridge.js';
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
}

export async function startUi(plane: RunningPlane, log: (line: string) => void): Promise<WebUi> {
  const bridge = new ClusterBridge(plane.kubeconfigPath, plane.storeView, plane);
  const ui = await startWebUi({
    bridge,
    rendererDir: RENDERER_DIR,
    status: () => ({ state: 'running', apiServerUrl: plane.url, kubeconfigPath: plane.kubeconfigPath, dataDir: plane.dataDir, error: null }),
  });
  log(`explorer at ${ui.url} (renderer from ${RENDERER_DIR})`);
  return {
    ...ui,
    async close() {
      bridge.close();
      await ui.close();
    },
  };
}
