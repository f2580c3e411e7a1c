/**
 * The one API the renderer gets (as `window.kubarium`), exposed by the preload
 * through contextBridge. Shared by electron/main (which answers), electron/preload
 * (which forwards) and renderer/ (which calls): no Electron, DOM or Node types here.
 */

export type ClusterState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface ClusterStatus {
  state: ClusterState;
  /** https://127.0.0.1:PORT once running. */
  apiServerUrl: string | null;
  /** Admin kubeconfig for kubectl, once running. */
  kubeconfigPath: string | null;
  /** Folder holding the store, certificates and kubeconfig. */
  dataDir: string;
  /** Why the control plane failed, when state is 'failed'. */
  error: string | null;
}

export interface KubariumBridge {
  /** The control plane's current status. */
  status(): Promise<ClusterStatus>;
  /** Calls `listener` on every status change; returns an unsubscribe function. */
  onStatus(listener: (status: ClusterStatus) => void): () => void;
  /** Puts text on the system clipboard. */
  copyText(text: string): Promise<void>;
}

/** IPC channel names between preload and main. */
export const bridgeChannels = {
  status: 'kubarium:status',
  statusChanged: 'kubarium:status-changed',
  copyText: 'kubarium:copy-text',
} as const;
