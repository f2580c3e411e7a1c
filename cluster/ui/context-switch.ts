/**
 * Which cluster the explorer talks to: our own control plane (context `kubarium`, the host's ClusterBridge with
 * its store view and node controls) or any context of the user's kubeconfig ($KUBECONFIG, else ~/.kube/config),
 * each through a ClusterBridge bound to that context's connection (no store, no node host). Both hosts — Electron
 * main and the launcher's web mode — route every explorer call through `current()`.
 */
import { contextServer, kubeconfigPaths, loadKubeconfigSet, resolveContext, type KubeconfigSet } from '../client/kubeconfig-set.js';
import { StatusError } from '../api/status.js';
import { ClusterBridge } from './cluster-bridge.js';
import type { ContextList, KubeContext } from './explorer-api.js';

export const OWN_CONTEXT_ID = 'kubarium';
const PREFIX = 'kubeconfig:';

export interface ContextSwitchOptions {
  /** Our cluster's bridge while it runs. */
  own: () => ClusterBridge | undefined;
  /** Our API server's URL while it runs (shown in the list). */
  ownServer: () => string | null;
  /** The kubeconfig files to read; default $KUBECONFIG or ~/.kube/config, read on each call. */
  kubeconfigPaths?: () => string[];
}

export class ContextSwitch {
  private active = OWN_CONTEXT_ID;
  private other: ClusterBridge | undefined;

  constructor(private readonly opts: ContextSwitchOptions) {}

  private load(): { set: KubeconfigSet | null; error: string | null } {
    try {
      return { set: loadKubeconfigSet((this.opts.kubeconfigPaths ?? kubeconfigPaths)()), error: null };
    } catch (err) {
      return { set: null, error: (err as Error).message };
    }
  }

  private own(): KubeContext {
    return { id: OWN_CONTEXT_ID, name: 'kubarium', cluster: 'kubarium', user: 'kubarium-admin', namespace: null, server: this.opts.ownServer(), own: true, file: null };
  }

  async listContexts(): Promise<ContextList> {
    const { set, error } = this.load();
    const theirs: KubeContext[] = (set?.contexts ?? []).map((c) => ({
      id: PREFIX + c.name,
      name: c.name,
      cluster: c.cluster,
      user: c.user,
      namespace: c.namespace ?? null,
      server: contextServer(set!, c),
      own: false,
      file: c.file,
    }));
    return { contexts: [this.own(), ...theirs], active: this.active, currentContext: set?.currentContext ?? null, error };
  }

  /** Connects to context `id` (its exec plugin runs, discovery answers) before switching; on failure nothing changes. */
  async useContext(id: string): Promise<KubeContext> {
    if (id === OWN_CONTEXT_ID) {
      this.closeOther();
      this.active = OWN_CONTEXT_ID;
      return this.own();
    }
    if (!id.startsWith(PREFIX)) throw new StatusError(400, 'BadRequest', `unknown context id "${id}"`);
    const name = id.slice(PREFIX.length);
    const { set, error } = this.load();
    if (!set) throw new StatusError(400, 'BadRequest', error ?? 'no kubeconfig');
    const info = (await this.listContexts()).contexts.find((c) => c.id === id);
    if (!info) throw new StatusError(404, 'NotFound', `context "${name}" is not in ${set.files.join(', ') || 'the kubeconfig'}`);
    let bridge: ClusterBridge | undefined;
    try {
      bridge = new ClusterBridge(await resolveContext(set, name));
      // One cheap call proves the server answers and accepts the credentials.
      await bridge.listResources();
    } catch (err) {
      bridge?.close();
      const message = err instanceof Error ? err.message : String(err);
      throw new StatusError(err instanceof StatusError ? err.code : 503, err instanceof StatusError ? err.reason : 'ServiceUnavailable', `context "${name}": ${message}`);
    }
    this.closeOther();
    this.other = bridge;
    this.active = id;
    return info;
  }

  /** Whether our own cluster is the one open. */
  get ownActive(): boolean {
    return this.active === OWN_CONTEXT_ID;
  }

  /** The bridge explorer calls go to now; undefined while our cluster is open but not running. */
  current(): ClusterBridge | undefined {
    return this.other ?? this.opts.own();
  }

  private closeOther(): void {
    this.other?.close();
    this.other = undefined;
  }

  close(): void {
    this.closeOther();
  }
}
