/** Main-process side of the KubariumBridge (electron/preload/api.ts). */
import { BrowserWindow, clipboard, ipcMain } from 'electron';
import { bridgeChannels } from '../preload/api.js';
import type { ClusterHost } from './cluster-host.js';

export function serveBridge(host: ClusterHost): void {
  ipcMain.handle(bridgeChannels.status, () => host.status);
  ipcMain.handle(bridgeChannels.copyText, (_event, text: unknown) => {
    if (typeof text === 'string') clipboard.writeText(text);
  });
  host.on('status', (status) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(bridgeChannels.statusChanged, status);
  });
}
