/** Main-process side of the KubariumBridge (electron/preload/api.ts). */
import { BrowserWindow, clipboard, ipcMain, type WebContents } from 'electron';
import { kubeconfigPaths } from '../../cluster/client/kubeconfig-set.js';
import { mergeKubeconfig } from '../../cluster/pki/kubeconfig-merge.js';
import { ClusterBridge } from '../../cluster/ui/cluster-bridge.js';
import { ContextSwitch } from '../../cluster/ui/context-switch.js';
import { bridgeChannels, type AppSettings, type ApplyMode, type ClusterStatus, type ExecOptions, type ExecSession, type ListFilter, type LogOptions, type ResourceRef } from '../preload/api.js';
import type { ClusterHost } from './cluster-host.js';
import { loadPty, openLocalShell } from './local-shell.js';

/** The app's settings as the bridge reads and changes them (settings.ts, plus whatever a change must redo, e.g. the tray). */
export interface SettingsAccess {
  get(): AppSettings;
  /** Validates and saves; throws a readable Error on an invalid patch. */
  update(patch: unknown): AppSettings;
}

export function serveBridge(host: ClusterHost, settings?: SettingsAccess): void {
  // The cluster half talks to the API server with the admin kubeconfig, once there is one.
  let cluster: ClusterBridge | undefined;
  // Explorer calls go to the context picked in the header: ours (above), or one of the user's kubeconfig.
  const contexts = new ContextSwitch({ own: () => cluster, ownServer: () => host.status.apiServerUrl });
  const connected = (): ClusterBridge => {
    const current = contexts.current();
    if (!current) throw new Error(`the cluster is ${host.status.state}`);
    return current;
  };
  const onStatus = (status: ClusterStatus) => {
    if (status.state === 'running' && status.kubeconfigPath && !cluster) cluster = new ClusterBridge(status.kubeconfigPath, host.storeView, host.controlPlane);
    if (status.state !== 'running' && cluster) {
      cluster.close();
      cluster = undefined;
    }
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(bridgeChannels.statusChanged, status);
  };
  host.on('status', onStatus);
  onStatus(host.status);

  ipcMain.handle(bridgeChannels.status, () => host.status);
  ipcMain.handle(bridgeChannels.listContexts, () => contexts.listContexts());
  ipcMain.handle(bridgeChannels.useContext, (_e, id: string) => contexts.useContext(id));
  ipcMain.handle(bridgeChannels.mergeKubeconfig, (_e, setCurrent: boolean) => {
    if (!host.status.kubeconfigPath) throw new Error(`the cluster is ${host.status.state}: no kubeconfig to merge yet`);
    return mergeKubeconfig({ source: host.status.kubeconfigPath, target: kubeconfigPaths()[0], setCurrent: setCurrent === true });
  });
  ipcMain.handle(bridgeChannels.resetCluster, () => host.reset());
  ipcMain.handle(bridgeChannels.copyText, (_event, text: unknown) => {
    if (typeof text === 'string') clipboard.writeText(text);
  });
  ipcMain.handle(bridgeChannels.pasteText, () => clipboard.readText());
  ipcMain.handle(bridgeChannels.settings, () => {
    if (!settings) throw new Error('this host has no settings');
    return settings.get();
  });
  ipcMain.handle(bridgeChannels.updateSettings, (_e, patch: unknown) => {
    if (!settings) throw new Error('this host has no settings');
    return settings.update(patch);
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

  ipcMain.handle(bridgeChannels.nodeControls, () => connected().nodeControls());
  ipcMain.handle(bridgeChannels.cordonNode, (_e, name: string, unschedulable: boolean) => connected().cordonNode(name, unschedulable));
  ipcMain.handle(bridgeChannels.drainNode, (_e, name: string) => connected().drainNode(name));
  ipcMain.handle(bridgeChannels.stopNode, (_e, name: string) => connected().stopNode(name));
  ipcMain.handle(bridgeChannels.startNode, (_e, name: string) => connected().startNode(name));
  ipcMain.handle(bridgeChannels.addNode, () => connected().addNode());
  ipcMain.handle(bridgeChannels.removeNode, (_e, name: string) => connected().removeNode(name));
  ipcMain.handle(bridgeChannels.addHollowNodes, (_e, count: number) => connected().addHollowNodes(count));
  ipcMain.handle(bridgeChannels.nodeProxyGet, (_e, node: string, path: string, port?: number) => connected().nodeProxyGet(node, path, port));

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
  ipcMain.handle(bridgeChannels.streamLogs, (event, id: number, namespace: string, pod: string, options: LogOptions) => {
    const sender = event.sender;
    watchesOf(sender).set(id, connected().streamLogs(namespace, pod, options, (data) => {
      if (!sender.isDestroyed()) sender.send(bridgeChannels.logEvent, id, data);
    }));
  });
  ipcMain.handle(bridgeChannels.unwatch, (event, id: number) => {
    const mine = watches.get(event.sender);
    mine?.get(id)?.();
    mine?.delete(id);
    sessions.delete(`${event.sender.id}:${id}`);
  });

  // Terminal sessions (pod exec, the local shell): input and resize by (window, id); `unwatch` closes them.
  const sessions = new Map<string, ExecSession>();
  const track = (sender: WebContents, id: number, session: ExecSession) => {
    const key = `${sender.id}:${id}`;
    sessions.set(key, session);
    watchesOf(sender).set(id, () => {
      sessions.delete(key);
      session.close();
    });
  };
  const forward = (sender: WebContents, id: number) => (data: unknown) => {
    if (!sender.isDestroyed()) sender.send(bridgeChannels.execEvent, id, data);
  };
  ipcMain.handle(bridgeChannels.exec, (event, id: number, namespace: string, pod: string, options: ExecOptions) => {
    track(event.sender, id, connected().exec(namespace, pod, options, forward(event.sender, id)));
  });
  ipcMain.handle(bridgeChannels.localShellAvailable, async () => (await loadPty()) !== null);
  ipcMain.handle(bridgeChannels.localShell, async (event, id: number, options: { cols?: number; rows?: number }) => {
    track(event.sender, id, await openLocalShell(host.status.kubeconfigPath, options, forward(event.sender, id)));
  });
  ipcMain.handle(bridgeChannels.execInput, (event, id: number, data: string) => sessions.get(`${event.sender.id}:${id}`)?.send(data));
  ipcMain.handle(bridgeChannels.execResize, (event, id: number, cols: number, rows: number) => sessions.get(`${event.sender.id}:${id}`)?.resize(cols, rows));
}
