/**
 * The KubariumBridge over the web-mode WebSocket (`kubarium up --ui`, cluster/ui/web-server.ts):
 * the same typed API the Electron preload exposes, as JSON request/reply frames plus watch events.
 */
import type {
  ApiError,
  ApiObject,
  ApplyOutcome,
  BridgeReply,
  BridgeRequest,
  ClusterStatus,
  ContextList,
  KubeconfigMergeResult,
  KubeContext,
  DrainResult,
  NodeProxyResponse,
  ExecEvent,
  ExplorerWatchEvent,
  KubariumBridge,
  LogEvent,
  NodeControls,
  ResourceKind,
  StoreEvent,
  StoreInfo,
  StoreKeyList,
  StoreKeyMeta,
  StoreValue,
} from '../../../electron/preload/api';

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

/** An Error carrying the API's Status (code, reason, field causes). */
export class BridgeError extends Error {
  constructor(readonly status: ApiError) {
    super(status.message);
    this.name = 'BridgeError';
  }
}

export async function connectWebBridge(url: string): Promise<KubariumBridge> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot reach the Kubarium bridge at ${new URL(url).host}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const watchers = new Map<number, (event: ExplorerWatchEvent) => void>();
  const storeWatchers = new Map<number, (events: StoreEvent[]) => void>();
  const logWatchers = new Map<number, (event: LogEvent) => void>();
  const execWatchers = new Map<number, (event: ExecEvent) => void>();
  const statusListeners = new Set<(status: ClusterStatus) => void>();

  ws.addEventListener('message', (message) => {
    const reply = JSON.parse(String(message.data)) as BridgeReply;
    if ('event' in reply) {
      watchers.get(reply.event)?.(reply.data);
      return;
    }
    if ('storeEvent' in reply) {
      storeWatchers.get(reply.storeEvent)?.(reply.data);
      return;
    }
    if ('log' in reply) {
      logWatchers.get(reply.log)?.(reply.data);
      return;
    }
    if ('exec' in reply) {
      execWatchers.get(reply.exec)?.(reply.data);
      return;
    }
    if ('status' in reply) {
      for (const listener of statusListeners) listener(reply.status);
      return;
    }
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new BridgeError(reply.error));
  });
  ws.addEventListener('close', () => {
    const lost: ClusterStatus = { state: 'stopped', apiServerUrl: null, kubeconfigPath: null, dataDir: '', error: 'the connection to the launcher closed' };
    for (const listener of statusListeners) listener(lost);
    const gone = { code: 0, reason: 'ClientError', message: 'the connection to the launcher closed', causes: [] };
    for (const listener of logWatchers.values()) listener({ type: 'error', error: gone });
    for (const listener of execWatchers.values()) listener({ type: 'error', error: gone });
    logWatchers.clear();
    execWatchers.clear();
    for (const waiter of pending.values()) waiter.reject(new Error('the connection to the launcher closed'));
    pending.clear();
  });

  const send = (req: Omit<BridgeRequest, 'id'>, id = nextId++): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return reject(new Error('the connection to the launcher is closed'));
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ ...req, id }));
    });

  const asApiError = (err: Error): ApiError => (err instanceof BridgeError ? err.status : { code: 0, reason: 'ClientError', message: err.message, causes: [] });

  const bridge: KubariumBridge = {
    status: () => send({ method: 'status', args: [] }) as Promise<ClusterStatus>,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    copyText: (text) => navigator.clipboard.writeText(text),
    pasteText: () => navigator.clipboard.readText(),
    listResources: () => send({ method: 'listResources', args: [] }) as Promise<ResourceKind[]>,
    list: (ref, namespace, filter) => send({ method: 'list', args: [ref, namespace, filter] }) as Promise<ApiObject[]>,
    get: (ref, namespace, name) => send({ method: 'get', args: [ref, namespace, name] }) as Promise<ApiObject>,
    apply: (yamlText, mode) => send({ method: 'apply', args: [yamlText, mode] }) as Promise<ApplyOutcome[]>,
    delete: async (ref, namespace, name) => {
      await send({ method: 'delete', args: [ref, namespace, name] });
    },
    watch(ref, namespace, onEvent) {
      const id = nextId++;
      watchers.set(id, onEvent);
      void send({ method: 'watch', args: [ref, namespace] }, id).catch((err: Error) =>
        onEvent({ type: 'ERROR', error: err instanceof BridgeError ? err.status : { code: 0, reason: 'ClientError', message: err.message, causes: [] } }),
      );
      return () => {
        watchers.delete(id);
        void send({ method: 'unwatch', args: [id] }).catch(() => undefined);
      };
    },
    storeInfo: () => send({ method: 'storeInfo', args: [] }) as Promise<StoreInfo>,
    storeKeys: (prefix, revision) => send({ method: 'storeKeys', args: [prefix, revision] }) as Promise<StoreKeyList>,
    storeValue: (key, revision, decrypt) => send({ method: 'storeValue', args: [key, revision, decrypt] }) as Promise<StoreValue | null>,
    storeHistory: (key, limit) => send({ method: 'storeHistory', args: [key, limit] }) as Promise<StoreKeyMeta[]>,
    watchStore(prefix, onEvents) {
      const id = nextId++;
      storeWatchers.set(id, onEvents);
      void send({ method: 'watchStore', args: [prefix] }, id).catch(() => undefined);
      return () => {
        storeWatchers.delete(id);
        void send({ method: 'unwatch', args: [id] }).catch(() => undefined);
      };
    },
    streamLogs(namespace, pod, options, onEvent) {
      const id = nextId++;
      logWatchers.set(id, onEvent);
      void send({ method: 'streamLogs', args: [namespace, pod, options] }, id).catch((err: Error) => onEvent({ type: 'error', error: asApiError(err) }));
      return () => {
        logWatchers.delete(id);
        void send({ method: 'unwatch', args: [id] }).catch(() => undefined);
      };
    },
    exec(namespace, pod, options, onEvent) {
      const id = nextId++;
      execWatchers.set(id, (event) => {
        if (event.type === 'exit' || event.type === 'error') execWatchers.delete(id);
        onEvent(event);
      });
      void send({ method: 'exec', args: [namespace, pod, options] }, id).catch((err: Error) => onEvent({ type: 'error', error: asApiError(err) }));
      return {
        send: (data) => void send({ method: 'execInput', args: [id, data] }).catch(() => undefined),
        resize: (cols, rows) => void send({ method: 'execResize', args: [id, cols, rows] }).catch(() => undefined),
        close: () => {
          execWatchers.delete(id);
          void send({ method: 'unwatch', args: [id] }).catch(() => undefined);
        },
      };
    },
    nodeControls: () => send({ method: 'nodeControls', args: [] }) as Promise<NodeControls>,
    cordonNode: async (name, unschedulable) => {
      await send({ method: 'cordonNode', args: [name, unschedulable] });
    },
    drainNode: (name) => send({ method: 'drainNode', args: [name] }) as Promise<DrainResult>,
    stopNode: async (name) => {
      await send({ method: 'stopNode', args: [name] });
    },
    startNode: async (name) => {
      await send({ method: 'startNode', args: [name] });
    },
    addNode: () => send({ method: 'addNode', args: [] }) as Promise<string>,
    removeNode: async (name) => {
      await send({ method: 'removeNode', args: [name] });
    },
    addHollowNodes: (count) => send({ method: 'addHollowNodes', args: [count] }) as Promise<string[]>,
    listContexts: () => send({ method: 'listContexts', args: [] }) as Promise<ContextList>,
    useContext: (id) => send({ method: 'useContext', args: [id] }) as Promise<KubeContext>,
    mergeKubeconfig: (setCurrent) => send({ method: 'mergeKubeconfig', args: [setCurrent] }) as Promise<KubeconfigMergeResult>,
    resetCluster: async () => {
      await send({ method: 'resetCluster', args: [] });
    },
    nodeProxyGet: (node, path, port) => send({ method: 'nodeProxyGet', args: [node, path, port] }) as Promise<NodeProxyResponse>,
  };
  return bridge;
}
