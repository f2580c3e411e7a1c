/** The cluster's status as its host reports it through the bridge (Electron main or the web-mode launcher). */
import { defineStore } from 'pinia';
import type { ClusterStatus } from '../../../electron/preload/api';
import { useBridge } from '../bridge';

export const useClusterStore = defineStore('cluster', {
  state: () => ({
    status: null as ClusterStatus | null,
    /** Set when the page has no bridge (neither Electron's preload nor a web-mode token). */
    bridgeMissing: false,
    connectError: null as string | null,
    copied: false,
  }),
  getters: {
    /** A command that works in any shell, without changing the user's default kubeconfig. */
    kubectlCommand(state): string | null {
      const path = state.status?.kubeconfigPath;
      return path ? `kubectl --kubeconfig "${path}" get namespaces` : null;
    },
    running: (state) => state.status?.state === 'running',
  },
  actions: {
    async connect(): Promise<void> {
      try {
        const bridge = await useBridge();
        if (!bridge) {
          this.bridgeMissing = true;
          return;
        }
        bridge.onStatus((status) => (this.status = status));
        this.status = await bridge.status();
      } catch (err) {
        this.connectError = err instanceof Error ? err.message : String(err);
      }
    },
    async copyKubectlCommand(): Promise<void> {
      const bridge = await useBridge();
      if (!this.kubectlCommand || !bridge) return;
      await bridge.copyText(this.kubectlCommand);
      this.copied = true;
      setTimeout(() => (this.copied = false), 1500);
    },
  },
});
