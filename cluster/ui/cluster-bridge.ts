/**
 * The server side of the explorer API (explorer-api.ts), over the admin kubeconfig with
 * cluster/client's RestClient, plus the read-only store view when the host hands one over.
 * Plain Node: the Electron main process (ipcMain) and the launcher's web mode (web-server.ts)
 * both answer the renderer with it.
 */
import { parseAllDocuments } from 'yaml';
import type { GVR } from '../client/gvr.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import type { ContextConnection } from '../client/kubeconfig-set.js';
import { RestClient, type KubeObject } from '../client/rest-client.js';
import { toApiError } from './api-error.js';
import { discoverResources } from './discovery.js';
import { openExec } from './exec-session.js';
import { streamPodLogs } from './log-stream.js';
import { NodeActions, type NodeHost } from './node-actions.js';
import { nodeProxyGet } from './node-proxy.js';
import type { NodeProxyResponse } from './explorer-api.js';
import type { StoreView } from '../controlplane/types.js';
import type {
  ApiObject,
  ApplyMode,
  ApplyOutcome,
  DrainResult,
  ExecEvent,
  ExecOptions,
  ExecSession,
  ExplorerApi,
  ExplorerWatchEvent,
  ListFilter,
  LogEvent,
  LogOptions,
  NodeControls,
  ResourceKind,
  ResourceRef,
  StoreEvent,
  StoreExplorerApi,
  StoreInfo,
  StoreKeyList,
  StoreKeyMeta,
  StoreValue,
} from './explorer-api.js';
import { noStore, StoreExplorer } from './store-explorer.js';
import { watchForever } from './watch-loop.js';

const FIELD_MANAGER = 'kubarium-ui';

function gvrOf(ref: ResourceRef): GVR {
  return { group: ref.group, version: ref.version, resource: ref.resource, namespaced: ref.namespaced, kind: ref.kind ?? '' };
}

export class ClusterBridge implements ExplorerApi {
  private readonly client: RestClient;
  private readonly unwatchers = new Set<() => void>();
  private readonly store: StoreExplorerApi;
  private readonly connection: ContextConnection;
  private readonly nodes: NodeActions;
  private readonly sessions = new Set<ExecSession>();

  /**
   * `kubeconfig`: a kubeconfig path, or resolved connection settings (another cluster's context).
   * `storeView`: the control plane's store, read-only, when it runs in this process; `nodeHost`: its node
   * manager and hollow nodes, for the overview's node actions.
   */
  constructor(kubeconfig: string | ContextConnection, storeView?: StoreView, nodeHost?: NodeHost) {
    // A path: our admin kubeconfig; otherwise a kubeconfig context resolved by cluster/client/kubeconfig-set.ts.
    this.connection = typeof kubeconfig === 'string' ? loadKubeconfig(kubeconfig) : kubeconfig;
    this.client = new RestClient({ ...this.connection, userAgent: 'kubarium-ui' });
    this.store = storeView ? new StoreExplorer(storeView) : noStore;
    this.nodes = new NodeActions(this.client, nodeHost);
  }

  listResources(): Promise<ResourceKind[]> {
    return discoverResources(this.client);
  }

  async list(ref: ResourceRef, namespace?: string, filter: ListFilter = {}): Promise<ApiObject[]> {
    const { items } = await this.client.listAll<KubeObject>(gvrOf(ref), { namespace: ref.namespaced ? namespace : undefined, ...filter });
    return items as ApiObject[];
  }

  async get(ref: ResourceRef, namespace: string | null, name: string): Promise<ApiObject> {
    return (await this.client.get<KubeObject>(gvrOf(ref), name, { namespace: namespace ?? undefined })) as ApiObject;
  }

  watch(ref: ResourceRef, namespace: string | undefined, onEvent: (event: ExplorerWatchEvent) => void): () => void {
    const stop = watchForever(this.client, gvrOf(ref), ref.namespaced ? namespace : undefined, onEvent);
    const unwatch = () => {
      this.unwatchers.delete(unwatch);
      stop();
    };
    this.unwatchers.add(unwatch);
    return unwatch;
  }

  /**
   * Each document is applied on its own (as `kubectl apply --server-side` does), so one bad document does not
   * hide the others' results. Mode `update` PUTs each document instead (as `kubectl replace`), which fails with
   * 409 Conflict when its metadata.resourceVersion is stale.
   */
  async apply(yamlText: string, mode: ApplyMode = 'apply'): Promise<ApplyOutcome[]> {
    const docs = parseAllDocuments(yamlText);
    const outcomes: ApplyOutcome[] = [];
    let kinds: ResourceKind[] | undefined;
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) {
        outcomes.push({ ok: false, error: { code: 400, reason: 'BadRequest', message: `YAML: ${doc.errors[0].message}`, causes: [] } });
        continue;
      }
      const obj = doc.toJS() as ApiObject | null;
      if (!obj) continue;
      const target = `${obj.kind ?? '?'} ${obj.metadata?.name ?? '?'}`;
      try {
        if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new Error('apiVersion, kind and metadata.name are required');
        kinds ??= await this.listResources();
        const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
        const kind = kinds.find((k) => k.group === group && k.version === version && k.kind === obj.kind);
        if (!kind) throw new Error(`the server has no resource for kind ${obj.kind} in ${obj.apiVersion}`);
        const namespace = kind.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
        const applied =
          mode === 'update'
            ? await this.client.update<KubeObject>(gvrOf(kind), obj as KubeObject, { fieldManager: FIELD_MANAGER, namespace })
            : await this.client.patch<KubeObject>(gvrOf(kind), obj.metadata.name, JSON.stringify(obj), { type: 'apply', fieldManager: FIELD_MANAGER, namespace });
        outcomes.push({ ok: true, object: applied as ApiObject });
      } catch (err) {
        outcomes.push({ ok: false, error: toApiError(err), target });
      }
    }
    return outcomes;
  }

  async delete(ref: ResourceRef, namespace: string | null, name: string): Promise<void> {
    await this.client.delete(gvrOf(ref), name, { namespace: namespace ?? undefined });
  }

  streamLogs(namespace: string, pod: string, options: LogOptions, onEvent: (event: LogEvent) => void): () => void {
    const stop = streamPodLogs(this.client, namespace, pod, options, onEvent);
    const unwatch = () => {
      this.unwatchers.delete(unwatch);
      stop();
    };
    this.unwatchers.add(unwatch);
    return unwatch;
  }

  exec(namespace: string, pod: string, options: ExecOptions, onEvent: (event: ExecEvent) => void): ExecSession {
    const session: ExecSession = openExec(this.connection, namespace, pod, options, (event) => {
      if (event.type === 'exit' || event.type === 'error') this.sessions.delete(session);
      onEvent(event);
    });
    this.sessions.add(session);
    return {
      send: (data) => session.send(data),
      resize: (cols, rows) => session.resize(cols, rows),
      close: () => {
        this.sessions.delete(session);
        session.close();
      },
    };
  }

  nodeControls(): Promise<NodeControls> {
    return this.nodes.nodeControls();
  }

  cordonNode(name: string, unschedulable: boolean): Promise<void> {
    return this.nodes.cordonNode(name, unschedulable);
  }

  drainNode(name: string): Promise<DrainResult> {
    return this.nodes.drainNode(name);
  }

  stopNode(name: string): Promise<void> {
    return this.nodes.stopNode(name);
  }

  startNode(name: string): Promise<void> {
    return this.nodes.startNode(name);
  }

  addNode(): Promise<string> {
    return this.nodes.addNode();
  }

  removeNode(name: string): Promise<void> {
    return this.nodes.removeNode(name);
  }

  addHollowNodes(count: number): Promise<string[]> {
    return this.nodes.addHollowNodes(count);
  }

  nodeProxyGet(node: string, path: string, port?: number): Promise<NodeProxyResponse> {
    return nodeProxyGet(this.client, node, path, port);
  }

  storeInfo(): Promise<StoreInfo> {
    return this.store.storeInfo();
  }

  storeKeys(prefix: string, revision?: number): Promise<StoreKeyList> {
    return this.store.storeKeys(prefix, revision);
  }

  storeValue(key: string, revision?: number, decrypt?: boolean): Promise<StoreValue | null> {
    return this.store.storeValue(key, revision, decrypt);
  }

  storeHistory(key: string, limit?: number): Promise<StoreKeyMeta[]> {
    return this.store.storeHistory(key, limit);
  }

  watchStore(prefix: string, onEvents: (events: StoreEvent[]) => void): () => void {
    const stop = this.store.watchStore(prefix, onEvents);
    const unwatch = () => {
      this.unwatchers.delete(unwatch);
      stop();
    };
    this.unwatchers.add(unwatch);
    return unwatch;
  }

  /** Stops every watch and log stream, closes every exec session and the pooled connections. */
  close(): void {
    for (const unwatch of [...this.unwatchers]) unwatch();
    for (const session of [...this.sessions]) session.close();
    this.sessions.clear();
    this.client.close();
  }
}
