/**
 * What the app does when its window closes and when the user quits, as plain decisions (electron/main/index.ts
 * applies them; no Electron here, so they are unit-tested). With `keep-running` the control plane and nodes stay up
 * and the app lives in the system tray until "Stop cluster and quit"; with `stop-cluster` closing the window quits,
 * and quitting always stops the cluster first (before-quit).
 */
import type { ClusterState } from '../preload/api.js';
import type { WindowCloseAction } from './settings.js';

export interface CloseContext {
  windowClose: WindowCloseAction;
  /** A quit is under way (tray Quit, Cmd+Q, a signal, the OS logging out): windows must close. */
  quitting: boolean;
  /** A tray icon could be shown (some Linux desktops have no tray): without one, a hidden window could not come back. */
  trayAvailable: boolean;
}

/** On the window's `close`: let it close, or hide it (preventDefault) and keep running in the tray. */
export function decideWindowClose(ctx: CloseContext): 'close' | 'hide' {
  if (ctx.quitting) return 'close';
  return ctx.windowClose === 'keep-running' && ctx.trayAvailable ? 'hide' : 'close';
}

/**
 * On `window-all-closed` (only reached when windows really closed): quit — stopping the cluster — unless macOS keeps
 * the app in the Dock as its apps do, which only `keep-running` allows (with `stop-cluster` the user asked for a stop).
 */
export function decideAllWindowsClosed(ctx: { windowClose: WindowCloseAction; platform: NodeJS.Platform }): 'quit' | 'stay' {
  return ctx.platform === 'darwin' && ctx.windowClose === 'keep-running' ? 'stay' : 'quit';
}

/** Whether the tray icon should exist: while the setting keeps the cluster running, so the hidden app can be reached. */
export function wantsTray(windowClose: WindowCloseAction): boolean {
  return windowClose === 'keep-running';
}

export interface TrayMenuItem {
  id: 'status' | 'open' | 'quit';
  label: string;
  enabled: boolean;
}

/** The tray's menu: the cluster's state (a label), Open, and Stop cluster and quit. */
export function trayMenu(state: ClusterState): TrayMenuItem[] {
  return [
    { id: 'status', label: `Cluster: ${state}`, enabled: false },
    { id: 'open', label: 'Open Kubarium', enabled: true },
    { id: 'quit', label: state === 'running' || state === 'starting' ? 'Stop cluster and quit' : 'Quit', enabled: true },
  ];
}

/** The tray icon's tooltip. */
export function trayTooltip(state: ClusterState): string {
  return state === 'running' ? 'Kubarium: the cluster keeps running in the background' : `Kubarium: cluster ${state}`;
}
