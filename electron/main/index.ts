/**
 * Electron main: one instance, one control plane (data under userData), one window, and — when the settings keep
 * the cluster running after the window closes — a tray icon. Everything cluster-related lives in cluster/ and runs
 * the same headless; the close/quit decisions are in quit-policy.ts.
 */
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { serveBridge } from './bridge.js';
import { ClusterHost } from './cluster-host.js';
import { decideAllWindowsClosed, decideWindowClose, wantsTray } from './quit-policy.js';
import { SettingsFile } from './settings.js';
import { createAppTray, type AppTray } from './tray.js';
import { createMainWindow } from './window.js';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Where resources/ (OpenAPI definitions, …) lives: beside the asar when packaged
  // (build/electron-builder.yml extraResources), the repo's resources/ otherwise.
  process.env.KUBARIUM_RESOURCES_DIR ??= app.isPackaged
    ? join(process.resourcesPath, 'resources')
    : join(app.getAppPath(), 'resources');
  const port = process.env.KUBARIUM_PORT ? Number(process.env.KUBARIUM_PORT) : undefined;
  const host = new ClusterHost({
    dataDir: join(app.getPath('userData'), 'cluster'),
    port,
    // Docker-container nodes (KUBARIUM_NODES, default 1); none when no Docker engine answers.
    nodes: process.env.KUBARIUM_NODES ? Number(process.env.KUBARIUM_NODES) : 1,
    log: (line) => console.log(`[cluster] ${line}`),
  });
  // settings.json beside the cluster's data folder.
  const settings = new SettingsFile(join(app.getPath('userData'), 'settings.json'));
  let window: BrowserWindow | undefined;
  let tray: AppTray | undefined;
  let quitting = false;

  const openWindow = (): BrowserWindow => {
    const win = createMainWindow();
    // "Keep the cluster running": closing hides the window; the tray brings it back (or quits).
    win.on('close', (event) => {
      if (decideWindowClose({ windowClose: settings.get().windowClose, quitting, trayAvailable: tray !== undefined }) !== 'hide') return;
      event.preventDefault();
      win.hide();
    });
    return win;
  };
  const showWindow = () => {
    if (!app.isReady()) return;
    if (!window || window.isDestroyed()) {
      window = openWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const syncTray = () => {
    if (!wantsTray(settings.get().windowClose)) {
      tray?.destroy();
      tray = undefined;
      return;
    }
    try {
      tray ??= createAppTray({ open: showWindow, quit: () => app.quit() }, host.status.state);
    } catch (err) {
      console.error('[tray] unavailable, closing the window will quit:', err); // some Linux desktops have no tray
    }
  };
  let trayState = host.status.state;
  host.on('status', (status) => {
    if (status.state === trayState) return;
    trayState = status.state;
    tray?.update(status.state);
  });

  app.on('second-instance', showWindow);

  // Stop the control plane (flush the store, close the port) before quitting.
  let stopped = false;
  app.on('before-quit', (event) => {
    quitting = true; // windows may close now, whatever the setting
    if (stopped) return;
    event.preventDefault();
    const giveUp = new Promise<void>((resolve) => setTimeout(resolve, 10_000)); // never hang the quit
    void Promise.race([host.stop(), giveUp])
      .catch((err: unknown) => console.error('[cluster] stop failed:', err))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app.on('window-all-closed', () => {
    if (decideAllWindowsClosed({ windowClose: settings.get().windowClose, platform: process.platform }) === 'quit') app.quit();
  });

  void app.whenReady().then(() => {
    serveBridge(host, {
      get: () => settings.get(),
      update: (patch) => {
        const next = settings.update(patch);
        syncTray();
        return next;
      },
    });
    window = openWindow();
    syncTray();
    app.on('activate', showWindow);
    void host.start();
  });
}
