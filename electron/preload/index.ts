/**
 * Sandboxed preload (built as CommonJS, see electron.vite.config.ts): forwards the
 * typed KubariumBridge to main over IPC. Nothing else reaches the renderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  bridgeChannels,
  type ApiObject,
  type AppSettings,
  type ApplyOutcome,
  type ClusterStatus,
  type ContextList,
  type KubeconfigMergeResult,
  type KubeContext,
  type DrainResult,
  type NodeProxyResponse,
  type ExecEvent,
  type ExecSession,
  type ExplorerWatchEvent,
  type KubariumBridge,
  type LogEvent,
  type NodeControls,
  type ResourceKind,
  type StoreEvent,
  type StoreInfo,
  type StoreKeyList,
  type StoreKeyMeta,
  type StoreValue,
} from './api.js';

const watchListeners = new Map<number, (event: ExplorerWatchEvent) => void>();
const storeListeners = new Map<number, (events: StoreEvent[]) => void>();
const logListeners = new Map<number, (event: LogEvent) => void>();
const execListeners = new Map<number, (event: ExecEvent) => void>();
let nextWatchId = 1;
ipcRenderer.on(bridgeChannels.logEvent, (_event: IpcRendererEvent, id: number, data: LogEvent) => logListeners.get(id)?.(data));
ipcRenderer.on(bridgeChannels.execEvent, (_event: IpcRendererEvent, id: number, data: ExecEvent) => execListeners.get(id)?.(data));

/** A terminal session over IPC: `channel` starts it (exec or the local shell); input, resize and close go by its id. */
function session(channel: string, args: unknown[], onEvent: (event: ExecEvent) => void): ExecSession {
  const id = nextWatchId++;
  execListeners.set(id, (event) => {
    if (event.type === 'exit' || event.type === 'error') execListeners.delete(id);
    onEvent(event);
  });
  ipcRenderer.invoke(channel, id, ...args).catch((err: Error) => onEvent({ type: 'error', error: { code: 0, reason: 'ClientError', message: err.message, causes: [] } }));
  return {
    send: (data) => void ipcRenderer.invoke(bridgeChannels.execInput, id, data),
    resize: (cols, rows) => void ipcRenderer.invoke(bridgeChannels.execResize, id, cols, rows),
    close: () => {
      execListeners.delete(id);
      void ipcRenderer.invoke(bridgeChannels.unwatch, id);
    },
  };
}
ipcRenderer.on(bridgeChannels.watchEvent, (_event: IpcRendererEvent, id: number, data: ExplorerWatchEvent) => watchListeners.get(id)?.(data));
ipcRenderer.on(bridgeChannels.storeWatchEvent, (_event: IpcRendererEvent, id: number, data: StoreEvent[]) => storeListeners.get(id)?.(data));

const bridge: KubariumBridge = {
  status: () => ipcRenderer.invoke(bridgeChannels.status) as Promise<ClusterStatus>,
  onStatus(listener) {
    const handler = (_event: IpcRendererEvent, status: ClusterStatus) => listener(status);
    ipcRenderer.on(bridgeChannels.statusChanged, handler);
    return () => ipcRenderer.removeListener(bridgeChannels.statusChanged, handler);
  },
  copyText: (text) => ipcRenderer.invoke(bridgeChannels.copyText, text) as Promise<void>,
  pasteText: () => ipcRenderer.invoke(bridgeChannels.pasteText) as Promise<string>,
  settings: () => ipcRenderer.invoke(bridgeChannels.settings) as Promise<AppSettings>,
  updateSettings: (patch) => ipcRenderer.invoke(bridgeChannels.updateSettings, patch) as Promise<AppSettings>,
  localShellAvailable: () => ipcRenderer.invoke(bridgeChannels.localShellAvailable) as Promise<boolean>,
  openLocalShell: (options, onEvent) => session(bridgeChannels.localShell, [options], onEvent),
  listResources: () => ipcRenderer.invoke(bridgeChannels.listResources) as Promise<ResourceKind[]>,
  list: (ref, namespace, filter) => ipcRenderer.invoke(bridgeChannels.list, ref, namespace, filter) as Promise<ApiObject[]>,
  get: (ref, namespace, name) => ipcRenderer.invoke(bridgeChannels.get, ref, namespace, name) as Promise<ApiObject>,
  apply: (yamlText, mode) => ipcRenderer.invoke(bridgeChannels.apply, yamlText, mode) as Promise<ApplyOutcome[]>,
  delete: (ref, namespace, name) => ipcRenderer.invoke(bridgeChannels.delete, ref, namespace, name) as Promise<void>,
  watch(ref, namespace, onEvent) {
    const id = nextWatchId++;
    watchListeners.set(id, onEvent);
    void ipcRenderer.invoke(bridgeChannels.watch, id, ref, namespace);
    return () => {
      watchListeners.delete(id);
      void ipcRenderer.invoke(bridgeChannels.unwatch, id);
    };
  },
  storeInfo: () => ipcRenderer.invoke(bridgeChannels.storeInfo) as Promise<StoreInfo>,
  storeKeys: (prefix, revision) => ipcRenderer.invoke(bridgeChannels.storeKeys, prefix, revision) as Promise<StoreKeyList>,
  storeValue: (key, revision, decrypt) => ipcRenderer.invoke(bridgeChannels.storeValue, key, revision, decrypt) as Promise<StoreValue | null>,
  storeHistory: (key, limit) => ipcRenderer.invoke(bridgeChannels.storeHistory, key, limit) as Promise<StoreKeyMeta[]>,
  watchStore(prefix, onEvents) {
    const id = nextWatchId++;
    storeListeners.set(id, onEvents);
    void ipcRenderer.invoke(bridgeChannels.watchStore, id, prefix);
    return () => {
      storeListeners.delete(id);
      void ipcRenderer.invoke(bridgeChannels.unwatch, id);
    };
  },
  streamLogs(namespace, pod, options, onEvent) {
    const id = nextWatchId++;
    logListeners.set(id, onEvent);
    ipcRenderer.invoke(bridgeChannels.streamLogs, id, namespace, pod, options).catch((err: Error) => onEvent({ type: 'error', error: { code: 0, reason: 'ClientError', message: err.message, causes: [] } }));
    return () => {
      logListeners.delete(id);
      void ipcRenderer.invoke(bridgeChannels.unwatch, id);
    };
  },
  exec: (namespace, pod, options, onEvent) => session(bridgeChannels.exec, [namespace, pod, options], onEvent),
  nodeControls: () => ipcRenderer.invoke(bridgeChannels.nodeControls) as Promise<NodeControls>,
  cordonNode: (name, unschedulable) => ipcRenderer.invoke(bridgeChannels.cordonNode, name, unschedulable) as Promise<void>,
  drainNode: (name) => ipcRenderer.invoke(bridgeChannels.drainNode, name) as Promise<DrainResult>,
  stopNode: (name) => ipcRenderer.invoke(bridgeChannels.stopNode, name) as Promise<void>,
  startNode: (name) => ipcRenderer.invoke(bridgeChannels.startNode, name) as Promise<void>,
  addNode: () => ipcRenderer.invoke(bridgeChannels.addNode) as Promise<string>,
  removeNode: (name) => ipcRenderer.invoke(bridgeChannels.removeNode, name) as Promise<void>,
  addHollowNodes: (count) => ipcRenderer.invoke(bridgeChannels.addHollowNodes, count) as Promise<string[]>,
  listContexts: () => ipcRenderer.invoke(bridgeChannels.listContexts) as Promise<ContextList>,
  useContext: (id) => ipcRenderer.invoke(bridgeChannels.useContext, id) as Promise<KubeContext>,
  mergeKubeconfig: (setCurrent) => ipcRenderer.invoke(bridgeChannels.mergeKubeconfig, setCurrent) as Promise<KubeconfigMergeResult>,
  resetCluster: () => ipcRenderer.invoke(bridgeChannels.resetCluster) as Promise<void>,
  nodeProxyGet: (node, path, port) => ipcRenderer.invoke(bridgeChannels.nodeProxyGet, node, path, port) as Promise<NodeProxyResponse>,
};

contextBridge.exposeInMainWorld('kubarium', bridge);
