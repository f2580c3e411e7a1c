/** The cluster's status as main reports it through window.kubarium. */
import { defineStore } from 'pinia';
import type { ClusterStatus } from '../../../electron/preload/api';

export const useClusterStore = defineStore('cluster', {
  state: () => ({
    status: null as ClusterStatus | null,
    /** Set when the page runs without the preload bridge (e.g. in a plain browser). */
    bridgeMissing: false,
    copied: false,
  }),
  getters: {
    /** A command that works in any shell, without changing the user's default kubeconfig. */
    kubectlCommand(state): string | null {
      const path = state.status?.kubeconfigPath;
      return path ? `kubectl --kubeconfig "${path}" get namespaces` : null;
    },
  },
  actions: {
    async connect(): Promise<void> {
      const bridge = window.kubarium;
      if (!bridge) {
        this.bridgeMissing = true;
        return;
      }
      bridge.onStatus((status) => (this.status = status));
      this.status = await bridge.status();
    },
    async copyKubectlCommand(): Promise<void> {
      if (!this.kubectlCommand || !window.kubarium) return;
      await window.kubarium.copyText(this.kubectlCommand);
      this.copied = true;
      setTimeout(() => (this.copied = false), 1500);
    },
  },
});
