/** Main-process side of the KubariumBridge (electron/preload/api.ts). */
import { BrowserWindow, clipboard, ipcMain, type WebContents } from 'electron';
import { ClusterBridge } from '../../cluster/ui/cluster-bridge.js';
import { bridgeChannels, type ApplyMode, type ClusterStatus, type ListFilter, type ResourceRef } from '../preload/api.js';
import type { ClusterHost } from './cluster-host.js';

export function serveBridge(host: ClusterHost): void {
  // The cluster half talks to the API server with the admin kubeconfig, once there is one.
  let cluster: ClusterBridge | undefined;
  const connected = (): ClusterBridge => {
    if (!cluster) throw new Error(`the cluster is ${host.status.state}`);
    return cluster;
  };
  const onStatus = (status: ClusterStatus) => {
    if (status.state === 'running' && status.kubeconfigPath && !cluster) cluster = new ClusterBridge(status.kubeconfigPath, host.storeView);
    if (status.state !== 'running' && cluster) {
      cluster.close();
      cluster = undefined;
    }
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(bridgeChannels.statusChanged, status);
  };
  host.on('status', onStatus);
  onStatus(host.status);

  ipcMain.handle(bridgeChannels.status, () => host.status);
  ipcMain.handle(bridgeChannels.copyText, (_event, text: unknown) => {
    if (typeof text === 'string') clipboard.writeText(text);
  });
  ipcMain.handle(bridgeChannels.listResources, () => connected().listResources());
  ipcMain.handle(bridgeChannels.list, (_e, ref: ResourceRef, namespace?: string, filter?: ListFilter) => connected().list(ref, namespace, filter));
  ipcMain.handle(bridgeChannels.get, (_e, ref: ResourceRef, namespace: string | null, name: string) => connected().get(ref, namespace, name));
  ipcMain.handle(bridgeChannels.apply, (_e, yamlText: string, mode?: ApplyMode) => connected().apply(yamlText, mode));
  ipcMain.handle(bridgeChannels.delete, (_e, ref: ResourceRef, namespace: string | null, name: string) => connected().delete(ref, namespace, name));

  ipcMain.handle(bridgeChannels.storeInfo, () => connected().storeInfo());
  ipcMain.handle(bridgeChannels.storeKeys, (_e, prefix: string, revision?: number) => connected().storeKeys(prefix, revision));
  ipcMain.handle(bridgeChannels.storeValue, (_e, key: string, revision?: number, decrypt?: boolean) => connected().storeValue(key, revision, decrypt));
  ipcMain.handle(bridgeChannels.storeHistory, (_e, key: string, limit?: number) => connected().storeHistory(key, limit));

  // Watches (and store watches) per window, ended when the window goes away.
  const watches = new Map<WebContents, Map<number, () => void>>();
  const watchesOf = (sender: WebContents): Map<number, () => void> => {
    let mine = watches.get(sender);
    if (!mine) {
      const created = new Map<number, () => void>();
      watches.set(sender, created);
      sender.once('destroyed', () => {
        for (const stop of created.values()) stop();
        watches.delete(sender);
      });
      mine = created;
    }
    return mine;
  };
  ipcMain.handle(bridgeChannels.watch, (event, id: number, ref: ResourceRef, namespace?: string) => {
    const sender = event.sender;
    watchesOf(sender).set(id, connected().watch(ref, namespace, (data) => {
      if (!sender.isDestroyed()) sender.send(bridgeChannels.watchEvent, id, data);
    }));
  });
  ipcMain.handle(bridgeChannels.watchStore, (event, id: number, prefix: string) => {
    const sender = event.sender;
    watchesOf(sender).set(id, connected().watchStore(prefix, (data) => {
      if (!sender.isDestroyed()) sender.send(bridgeChannels.storeWatchEvent, id, data);
    }));
  });
  ipcMain.handle(bridgeChannels.unwatch, (event, id: number) => {
    const mine = watches.get(event.sender);
    mine?.get(id)?.();
    mine?.delete(id);
  });
}
