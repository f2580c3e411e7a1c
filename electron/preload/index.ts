/**
 * Sandboxed preload (built as CommonJS, see electron.vite.config.ts): forwards the
 * typed KubariumBridge to main over IPC. Nothing else reaches the renderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeChannels, type ClusterStatus, type KubariumBridge } from './api.js';

const bridge: KubariumBridge = {
  status: () => ipcRenderer.invoke(bridgeChannels.status) as Promise<ClusterStatus>,
  onStatus(listener) {
    const handler = (_event: IpcRendererEvent, status: ClusterStatus) => listener(status);
    ipcRenderer.on(bridgeChannels.statusChanged, handler);
    return () => ipcRenderer.removeListener(bridgeChannels.statusChanged, handler);
  },
  copyText: (text) => ipcRenderer.invoke(bridgeChannels.copyText, text) as Promise<void>,
};

contextBridge.exposeInMainWorld('kubarium', bridge);
