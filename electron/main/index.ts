/**
 * Electron main: one instance, one control plane (data under userData), one window.
 * Everything cluster-related lives in cluster/ and runs the same headless.
 */
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { serveBridge } from './bridge.js';
import { ClusterHost } from './cluster-host.js';
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
  let window: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // Stop the control plane (flush the store, close the port) before quitting.
  let stopped = false;
  app.on('before-quit', (event) => {
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
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(() => {
    serveBridge(host);
    window = createMainWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow();
    });
    void host.start();
  });
}
