/**
 * The one API the renderer gets (as `window.kubarium`), exposed by the preload
 * through contextBridge. Shared by electron/main (which answers), electron/preload
 * (which forwards) and renderer/ (which calls): no Electron, DOM or Node types here.
 *
 * Its cluster half (ExplorerApi: discovery, list, get, watch, apply, delete, the store view) is defined in
 * cluster/ui/explorer-api.ts, because the headless launcher's web mode answers it too
 * (over a WebSocket, cluster/ui/web-server.ts); the renderer imports it from here only.
 */
import type { ClusterStatus, ExplorerApi } from '../../cluster/ui/explorer-api.js';

export type {
  ApiError,
  ApiErrorCause,
  ApiObject,
  ApplyMode,
  ApplyOutcome,
  BridgeReply,
  BridgeRequest,
  ClusterState,
  ClusterStatus,
  ExplorerApi,
  ExplorerWatchEvent,
  ListFilter,
  ResourceKind,
  ResourceRef,
  StoreEvent,
  StoreInfo,
  StoreKeyList,
  StoreKeyMeta,
  StoreValue,
} from '../../cluster/ui/explorer-api.js';

export interface KubariumBridge extends ExplorerApi {
  /** The control plane's current status. */
  status(): Promise<ClusterStatus>;
  /** Calls `listener` on every status change; returns an unsubscribe function. */
  onStatus(listener: (status: ClusterStatus) => void): () => void;
  /** Puts text on the system clipboard. */
  copyText(text: string): Promise<void>;
}

/** IPC channel names between preload and main. */
export const bridgeChannels = {
  status: 'kubarium:status',
  statusChanged: 'kubarium:status-changed',
  copyText: 'kubarium:copy-text',
  listResources: 'kubarium:list-resources',
  list: 'kubarium:list',
  get: 'kubarium:get',
  apply: 'kubarium:apply',
  delete: 'kubarium:delete',
  /** invoke(id, ref, namespace): starts a watch whose events main sends on `watchEvent` as (id, event). */
  watch: 'kubarium:watch',
  unwatch: 'kubarium:unwatch',
  watchEvent: 'kubarium:watch-event',
  storeInfo: 'kubarium:store-info',
  storeKeys: 'kubarium:store-keys',
  storeValue: 'kubarium:store-value',
  storeHistory: 'kubarium:store-history',
  /** invoke(id, prefix): starts a store watch whose event batches main sends on `storeWatchEvent` as (id, events); `unwatch` ends it. */
  watchStore: 'kubarium:watch-store',
  storeWatchEvent: 'kubarium:store-watch-event',
} as const;
