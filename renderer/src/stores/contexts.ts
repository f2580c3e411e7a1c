/**
 * Which cluster the explorer shows (our own `kubarium`, or a context of the user's kubeconfig), and the header's
 * cluster actions: merge our context into the user's kubeconfig, reset our cluster.
 */
import { defineStore } from 'pinia';
import type { KubeconfigMergeResult, KubeContext } from '../../../electron/preload/api';
import { useBridge } from '../bridge';

export const OWN_CONTEXT_ID = 'kubarium';

/** Reloads the page (a seam for tests). */
export const page = { reload: (): void => window.location.reload() };
const reloadPage = () => page.reload();

export const useContextsStore = defineStore('contexts', {
  state: () => ({
    contexts: [] as KubeContext[],
    /** The id of the context every view calls now. */
    active: OWN_CONTEXT_ID,
    /** A switch under way (its target id). */
    switching: null as string | null,
    /** Why the kubeconfig could not be read, or why the last switch failed. */
    error: null as string | null,
    merged: null as KubeconfigMergeResult | null,
    mergeError: null as string | null,
    resetting: false,
    resetError: null as string | null,
  }),
  getters: {
    /** Our own cluster is open: the store view and node controls work. */
    ownActive: (state) => state.active === OWN_CONTEXT_ID,
    activeContext: (state): KubeContext | null => state.contexts.find((c) => c.id === state.active) ?? null,
  },
  actions: {
    async load(): Promise<void> {
      const bridge = await useBridge();
      if (!bridge) return;
      try {
        const list = await bridge.listContexts();
        this.contexts = list.contexts;
        this.active = list.active;
        this.error = list.error;
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
      }
    },
    /** Switches every view to context `id`; on failure the current one stays and `error` says why. */
    async use(id: string): Promise<void> {
      const bridge = await useBridge();
      if (!bridge || id === this.active) return;
      this.switching = id;
      this.error = null;
      try {
        const context = await bridge.useContext(id);
        this.active = context.id;
        // Every store (watches, discovery, namespaces) starts over on the new cluster: the page reloads, the host
        // keeps the chosen context.
        reloadPage();
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
      } finally {
        this.switching = null;
      }
    },
    async mergeKubeconfig(setCurrent: boolean): Promise<void> {
      const bridge = await useBridge();
      if (!bridge) return;
      this.merged = null;
      this.mergeError = null;
      try {
        this.merged = await bridge.mergeKubeconfig(setCurrent);
        await this.load();
      } catch (err) {
        this.mergeError = err instanceof Error ? err.message : String(err);
      }
    },
    /** Resets our cluster; progress shows in the cluster store's status (stopping, starting, running). */
    async reset(): Promise<void> {
      const bridge = await useBridge();
      if (!bridge) return;
      this.resetting = true;
      this.resetError = null;
      try {
        await bridge.resetCluster();
      } catch (err) {
        this.resetError = err instanceof Error ? err.message : String(err);
      } finally {
        this.resetting = false;
      }
    },
  },
});
