/** The system tray while the cluster keeps running in the background: Open, and Stop cluster and quit (thin Electron glue; see quit-policy.ts). */
import { Menu, nativeImage, Tray } from 'electron';
import type { ClusterState } from '../preload/api.js';
import { trayMenu, trayTooltip } from './quit-policy.js';
import { trayIconBitmap } from './tray-icon.js';

export interface AppTray {
  /** Redraws the menu and tooltip for the cluster's state. */
  update(state: ClusterState): void;
  destroy(): void;
}

export function createAppTray(actions: { open(): void; quit(): void }, state: ClusterState): AppTray {
  const size = 16;
  const tray = new Tray(nativeImage.createFromBitmap(trayIconBitmap(size), { width: size, height: size }));
  const update = (now: ClusterState) => {
    tray.setToolTip(trayTooltip(now));
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenu(now).map((item) => ({
          label: item.label,
          enabled: item.enabled,
          click: item.id === 'open' ? actions.open : item.id === 'quit' ? actions.quit : undefined,
        })),
      ),
    );
  };
  update(state);
  tray.on('click', actions.open); // Windows and most Linux trays: a click opens the window
  return { update, destroy: () => tray.destroy() };
}
