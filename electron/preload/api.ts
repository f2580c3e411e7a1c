/**
 * The one API the renderer gets (as `window.kubarium`), exposed by the preload
 * through contextBridge. Shared by electron/main (which answers), electron/preload
 * (which forwards) and renderer/ (which calls): no Electron, DOM or Node types here.
 *
 * Its cluster half (ExplorerApi: discovery, list, get, watch, apply, delete, the store view) is defined in
 * cluster/ui/explorer-api.ts, because the headless launcher's web mode answers it too
 * (over a WebSocket, cluster/ui/web-server.ts); the renderer imports it from here only.
 */
import type { ClusterActionsApi, ClusterStatus, ContextsApi, ExecEvent, ExecSession, ExplorerApi } from '../../cluster/ui/explorer-api.js';

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
  ProgressTask,
  ClusterActionsApi,
  ContextList,
  ContextsApi,
  KubeconfigMergeResult,
  KubeContext,
  DrainResult,
  ExecEvent,
  ExecOptions,
  ExecSession,
  ExplorerApi,
  ExplorerWatchEvent,
  ListFilter,
  LogEvent,
  LogOptions,
  NodeContainer,
  NodeControls,
  NodeProxyResponse,
  IptablesRule,
  ProgrammedChain,
  ProgrammedEndpoint,
  ProxyRulesReport,
  ServicePortRules,
  UserspacePortRules,
  ResourceKind,
  ResourceRef,
  StoreEvent,
  StoreInfo,
  StoreKeyList,
  StoreKeyMeta,
  StoreValue,
} from '../../cluster/ui/explorer-api.js';

/** What closing the app's window does: stop the cluster and quit, or keep the cluster running with the app in the tray. */
export type WindowCloseAction = 'stop-cluster' | 'keep-running';

/** The desktop app's settings (settings.json in Electron's userData, beside the cluster's data). */
export interface AppSettings {
  windowClose: WindowCloseAction;
}

/** Also: context switching (ContextsApi), kubeconfig merge and reset (ClusterActionsApi). */
export interface KubariumBridge extends ExplorerApi, ContextsApi, ClusterActionsApi {
  /** The control plane's current status. */
  status(): Promise<ClusterStatus>;
  /** Calls `listener` on every status change; returns an unsubscribe function. */
  onStatus(listener: (status: ClusterStatus) => void): () => void;
  /** Puts text on the system clipboard. */
  copyText(text: string): Promise<void>;
  /** The system clipboard's text. */
  pasteText(): Promise<string>;
  /**
   * Electron only: whether a local shell (node-pty, an optional dependency) can start here; absent in web mode.
   * The shell runs in the user's home with KUBECONFIG pointing at the cluster.
   */
  localShellAvailable?(): Promise<boolean>;
  /** Electron only: a local shell terminal (see localShellAvailable). */
  openLocalShell?(options: { cols?: number; rows?: number }, onEvent: (event: ExecEvent) => void): ExecSession;
  /** Electron only: the app's settings; absent in web mode (the launcher has none). */
  settings?(): Promise<AppSettings>;
  /** Electron only: changes some settings, saves them, resolves with all of them; rejects on an invalid value. */
  updateSettings?(patch: Partial<AppSettings>): Promise<AppSettings>;
}

/** IPC channel names between preload and main. */
export const bridgeChannels = {
  status: 'kubarium:status',
  statusChanged: 'kubarium:status-changed',
  copyText: 'kubarium:copy-text',
  pasteText: 'kubarium:paste-text',
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
  /** invoke(id, namespace, pod, options): a log stream whose events main sends on `logEvent` as (id, event); `unwatch` stops it. */
  streamLogs: 'kubarium:stream-logs',
  logEvent: 'kubarium:log-event',
  /** invoke(id, namespace, pod, options): an exec session whose events main sends on `execEvent` as (id, event); `unwatch` closes it. */
  exec: 'kubarium:exec',
  /** invoke(id, options): a local shell (node-pty), events on `execEvent` like exec's. */
  localShell: 'kubarium:local-shell',
  localShellAvailable: 'kubarium:local-shell-available',
  execInput: 'kubarium:exec-input',
  execResize: 'kubarium:exec-resize',
  execEvent: 'kubarium:exec-event',
  nodeControls: 'kubarium:node-controls',
  cordonNode: 'kubarium:cordon-node',
  drainNode: 'kubarium:drain-node',
  stopNode: 'kubarium:stop-node',
  startNode: 'kubarium:start-node',
  addNode: 'kubarium:add-node',
  removeNode: 'kubarium:remove-node',
  addHollowNodes: 'kubarium:add-hollow-nodes',
  listContexts: 'kubarium:list-contexts',
  useContext: 'kubarium:use-context',
  mergeKubeconfig: 'kubarium:merge-kubeconfig',
  resetCluster: 'kubarium:reset-cluster',
  nodeProxyGet: 'kubarium:node-proxy-get',
  settings: 'kubarium:settings',
  updateSettings: 'kubarium:update-settings',
} as const;
