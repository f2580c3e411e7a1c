/**
 * The one way the views reach the cluster: `window.kubarium` in Electron (the preload's
 * bridge), otherwise the web-mode WebSocket bridge of `kubarium up --ui`, whose per-launch
 * token arrives in the page URL's query (`?token=…`).
 */
import type { KubariumBridge } from '../../../electron/preload/api';
import { connectWebBridge } from './web-bridge';

let connecting: Promise<KubariumBridge | null> | undefined;

/** The bridge, or null when this page has neither the preload nor a launcher token. */
export function useBridge(): Promise<KubariumBridge | null> {
  connecting ??= (async () => {
    if (window.kubarium) return window.kubarium;
    const token = new URLSearchParams(window.location.search).get('token');
    if (!token) return null;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    return connectWebBridge(`${scheme}://${window.location.host}/bridge?token=${encodeURIComponent(token)}`);
  })();
  return connecting;
}

export { BridgeError } from './web-bridge';
