/**
 * Sandboxed preload (built as CommonJS, see electron.vite.config.ts): forwards the
 * typed KubariumBridge to main over IPC. Nothing else reaches the renderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  bridgeChannels,
  type ApiObject,
  type ApplyOutcome,
  type ClusterStatus,
  type ExplorerWatchEvent,
  type KubariumBridge,
  type ResourceKind,
  type StoreEvent,
  type StoreInfo,
  type StoreKeyList,
  type StoreKeyMeta,
  type StoreValue,
} from './api.js';

const watchListeners = new Map<number, (event: ExplorerWatchEvent) => void>();
const storeListeners = new Map<number, (events: StoreEvent[]) => void>();
let nextWatchId = 1;
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
};

contextBridge.exposeInMainWorld('kubarium', bridge);
