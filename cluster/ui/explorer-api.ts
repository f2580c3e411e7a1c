/**
 * The cluster-facing half of the KubariumBridge (electron/preload/api.ts re-exports it):
 * discovery, list, get, watch, server-side apply, delete and the read-only store view. It lives in cluster/ because
 * two hosts answer it — the Electron main process over IPC and the headless launcher's
 * web mode over a WebSocket (cluster/ui/web-server.ts). Types only: no Node, DOM or Electron.
 */

export type ClusterState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** The control plane's status as its host (Electron main or the launcher) reports it. */
export interface ClusterStatus {
  state: ClusterState;
  /** https://127.0.0.1:PORT once running. */
  apiServerUrl: string | null;
  /** Admin kubeconfig for kubectl, once running. */
  kubeconfigPath: string | null;
  /** Folder holding the store, certificates and kubeconfig. */
  dataDir: string;
  /** Why the control plane failed, when state is 'failed'. */
  error: string | null;
  /** Long work of the host (image builds, node starts, image loads): running tasks and the latest finished ones, oldest first. */
  progress?: ProgressTask[];
}

/**
 * One piece of long work as the control plane reports it (cluster/controlplane/progress.ts): a node image build, a
 * node start (container → engine → TLS bootstrap → Ready), an image loaded into a node.
 */
export interface ProgressTask {
  /** Unique within the host's run, e.g. `t7`. */
  id: string;
  /** What the work is, e.g. `Start node node-2`. */
  title: string;
  /** The step it is at now, e.g. `TLS bootstrap`; the last step once finished. */
  phase: string;
  /** Steps done of `total`; `total` null when the work cannot say how much is left (indeterminate). */
  done: number;
  total: number | null;
  /** ISO timestamps. */
  started: string;
  finished: string | null;
  /** Why it failed, as a readable sentence; null while running or when it succeeded. */
  error: string | null;
  /** The latest log line of the work, for the details popover. */
  detail: string | null;
}

/** A resource as discovery reports it (/api/v1, /apis/<group>/<version>). */
export interface ResourceKind {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, e.g. `pods`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
}

/** Enough to address a resource (client-go's GroupVersionResource + scope). */
export type ResourceRef = Pick<ResourceKind, 'group' | 'version' | 'resource' | 'namespaced'> & { kind?: string };

/** Any API object; the views read the fields they know. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** One field-level cause of a failure (metav1.StatusCause), e.g. `spec.replicas: Invalid value`. */
export interface ApiErrorCause {
  field?: string;
  /** The cause's type, e.g. `FieldValueInvalid`. */
  reason?: string;
  message?: string;
}

/** The API's Status for a failed call, as plain data (it crosses IPC and WebSockets). */
export interface ApiError {
  code: number;
  reason: string;
  message: string;
  causes: ApiErrorCause[];
}

export interface ListFilter {
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * A watch event. `RESET` means the watch had to start over (its resourceVersion expired):
 * forget what you hold, the current state follows as ADDED events.
 */
export type ExplorerWatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: ApiObject }
  | { type: 'RESET' }
  | { type: 'ERROR'; error: ApiError };

/** The outcome of applying one YAML document. */
export type ApplyOutcome =
  | { ok: true; object: ApiObject }
  | { ok: false; error: ApiError; /** `Kind name` of the document, when it had them. */ target?: string };

/** How `apply` writes each document: server-side apply (default), or a plain update (PUT, optimistic on resourceVersion). */
export type ApplyMode = 'apply' | 'update';

/** One store key's metadata (etcd's mvccpb.KeyValue without the value). */
export interface StoreKeyMeta {
  key: string;
  createRevision: number;
  modRevision: number;
  /** Changes since creation; 1 right after creation. */
  version: number;
  /** Lease id attached to the key, 0 when none. */
  lease: number;
  /** Bytes of the stored value. */
  size: number;
}

/** Where the store stands: its backend, its current revision and the oldest revision still retained. */
export interface StoreInfo {
  backend: 'sqlite' | 'etcd';
  revision: number;
  /** Revisions at or below this are compacted away; the store can be read as of any later one. */
  compactRevision: number;
}

/** Keys under a prefix as of one revision (time travel when it is not the current one). */
export interface StoreKeyList {
  revision: number;
  keys: StoreKeyMeta[];
}

/** A value, decoded for reading. */
export interface StoreValue extends StoreKeyMeta {
  /** The revision the value was read at. */
  revision: number;
  /**
   * `json`: the stored object, pretty-printed; `encrypted`: encrypted at rest (`k8s:enc:aesgcm:v1:<key>:` + base64 of
   * nonce, ciphertext and tag), as stored; `text` / `binary` (hex) for anything else.
   */
  encoding: 'json' | 'encrypted' | 'text' | 'binary';
  text: string;
  /** True when the value is encrypted at rest and `text` shows it decrypted (asked for explicitly). */
  decrypted: boolean;
}

/** One change in the store (a watch event, without the value). */
export interface StoreEvent extends StoreKeyMeta {
  type: 'PUT' | 'DELETE';
  /** The key's mod revision before this change, 0 when it did not exist. */
  prevModRevision: number;
}

/**
 * The control plane's store, read-only: only when the host runs the control plane in-process
 * (Electron main, `kubarium up --ui`); otherwise each call rejects with 503 ServiceUnavailable.
 */
export interface StoreExplorerApi {
  storeInfo(): Promise<StoreInfo>;
  /** Keys under `prefix` (normally `/registry/`) as of `revision` (current when omitted). */
  storeKeys(prefix: string, revision?: number): Promise<StoreKeyList>;
  /** One key's value as of `revision`; null when the key did not exist then. Encrypted values are decrypted only when `decrypt` is set. */
  storeValue(key: string, revision?: number, decrypt?: boolean): Promise<StoreValue | null>;
  /** The key's versions, newest first, back to its creation or the compacted revision (at most `limit`, default 50). */
  storeHistory(key: string, limit?: number): Promise<StoreKeyMeta[]>;
  /** Live changes under `prefix`, in revision order, until the returned function is called. */
  watchStore(prefix: string, onEvents: (events: StoreEvent[]) => void): () => void;
}

/** A pod log stream's options (GET pods/{name}/log, as `kubectl logs` sends them). */
export interface LogOptions {
  /** Required when the pod has more than one container. */
  container?: string;
  /** The previous, terminated instance of the container (`kubectl logs --previous`). */
  previous?: boolean;
  /** Each line prefixed with its RFC 3339 timestamp and a space. */
  timestamps?: boolean;
  /** Only the last N lines. */
  tailLines?: number;
  /** Keep streaming new lines until stopped (`kubectl logs -f`). */
  follow?: boolean;
  sinceSeconds?: number;
}

/** What a log stream delivers: batches of complete lines, then `end` (the stream closed) or `error`. */
export type LogEvent =
  | { type: 'lines'; lines: string[] }
  | { type: 'end' }
  | { type: 'error'; error: ApiError };

/** An exec session's options (POST/GET pods/{name}/exec, with a TTY, stdin, stdout). */
export interface ExecOptions {
  container?: string;
  /** The command; default: `bash`, falling back to `sh` when the container has no bash. */
  command?: string[];
  /** Initial terminal size. */
  cols?: number;
  rows?: number;
}

/**
 * What an exec (or local shell) session delivers: `open` once the command runs (with the command chosen),
 * `data` as the terminal writes, then `exit` (the command ended) or `error` (it could not run, or the connection broke).
 */
export type ExecEvent =
  | { type: 'open'; command: string[] }
  | { type: 'data'; data: string }
  | { type: 'exit'; code: number; message: string }
  | { type: 'error'; error: ApiError };

/** A running terminal session: keystrokes in, size changes, and close. */
export interface ExecSession {
  send(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** A node container on the host's Docker engine (a `--nodes` node). */
export interface NodeContainer {
  name: string;
  /** Docker's container state: running, exited, … */
  state: string;
}

/** Which node actions this host can do (container nodes and hollow nodes need the control plane in-process). */
export interface NodeControls {
  /** The cluster's node containers, or null when the host runs none (no `--nodes`). */
  containers: NodeContainer[] | null;
  /** Whether `addHollowNodes` works here. */
  hollowNodes: boolean;
}

/** What `drainNode` did: pods evicted, pods left alone (DaemonSet and mirror pods, as `kubectl drain --ignore-daemonsets`), failures. */
export interface DrainResult {
  evicted: string[];
  skipped: string[];
  failed: { pod: string; message: string }[];
}

/** Node actions of the overview. Container actions reject with 503 when the host runs no node containers. */
export interface NodeActionsApi {
  nodeControls(): Promise<NodeControls>;
  /** Sets spec.unschedulable (`kubectl cordon` / `uncordon`). */
  cordonNode(name: string, unschedulable: boolean): Promise<void>;
  /** Cordons the node, then evicts its pods through the Eviction API (PodDisruptionBudgets apply). */
  drainNode(name: string): Promise<DrainResult>;
  /** docker stop / start of the node's container: its kubelet stops posting, so the node turns NotReady. */
  stopNode(name: string): Promise<void>;
  startNode(name: string): Promise<void>;
  /** A new node container joining with the bootstrap token; resolves with its name once created. */
  addNode(): Promise<string>;
  /** Removes the node's container and volume, and its Node object. */
  removeNode(name: string): Promise<void>;
  /** Registers `count` more hollow nodes; resolves with their names. */
  addHollowNodes(count: number): Promise<string[]>;
}

/** What the explorer views call. Failed calls reject with an Error whose message is the Status message. */
/** What kube-proxy's `/rules` answers (on its metrics port, through nodes/{node}:10249/proxy/rules). */
export type { IptablesRule, ProgrammedChain, ProgrammedEndpoint, ProxyRulesReport, ServicePortRules, UserspacePortRules } from '../proxy/rules-report.js';

/** A node-proxy answer (GET /api/v1/nodes/{node}[:{port}]/proxy/{path}): the body as text and its type. */
export interface NodeProxyResponse {
  contentType: string;
  body: string;
}

/** A node's own endpoints, reached through the API server's nodes/proxy (kubelet, kube-proxy). */
export interface NodeProxyApi {
  /**
   * GETs `path` (with its query) on the node: the kubelet when `port` is omitted (HTTPS, 10250), another port of the
   * node otherwise (plain HTTP, e.g. kube-proxy's 10249). Non-2xx answers reject with the ApiError.
   */
  nodeProxyGet(node: string, path: string, port?: number): Promise<NodeProxyResponse>;
}

export interface ExplorerApi extends StoreExplorerApi, NodeActionsApi, NodeProxyApi {
  /** Every listable kind the API server serves (preferred versions), custom resources included. */
  listResources(): Promise<ResourceKind[]>;
  /** Objects of a kind, in one namespace or (omitted) all. */
  list(ref: ResourceRef, namespace?: string, filter?: ListFilter): Promise<ApiObject[]>;
  get(ref: ResourceRef, namespace: string | null, name: string): Promise<ApiObject>;
  /** Current state as ADDED events, then changes, until the returned function is called. */
  watch(ref: ResourceRef, namespace: string | undefined, onEvent: (event: ExplorerWatchEvent) => void): () => void;
  /** Server-side apply (field manager `kubarium-ui`) of each document in a YAML stream; or, with mode `update`, a PUT of each. */
  apply(yamlText: string, mode?: ApplyMode): Promise<ApplyOutcome[]>;
  delete(ref: ResourceRef, namespace: string | null, name: string): Promise<void>;
  /** A pod's log, as batches of lines, until the stream ends or the returned function is called. */
  streamLogs(namespace: string, pod: string, options: LogOptions, onEvent: (event: LogEvent) => void): () => void;
  /** A terminal into a container (TTY, v5.channel.k8s.io through the API server), until it exits or is closed. */
  exec(namespace: string, pod: string, options: ExecOptions, onEvent: (event: ExecEvent) => void): ExecSession;
}

/** A cluster the explorer can open: our own (`kubarium`, first) or a context of the user's kubeconfig. */
export interface KubeContext {
  /** `kubarium` for ours; `kubeconfig:<name>` for a kubeconfig context (a merged `kubarium` context is not ours). */
  id: string;
  /** The context's name as kubectl shows it. */
  name: string;
  cluster: string;
  user: string;
  namespace: string | null;
  server: string | null;
  /** Our control plane: the store view and node controls work only here. */
  own: boolean;
  /** The kubeconfig file defining it; null for ours. */
  file: string | null;
}

export interface ContextList {
  /** Ours first, then the kubeconfig's contexts in file order. */
  contexts: KubeContext[];
  /** The id of the context the explorer calls now. */
  active: string;
  /** The kubeconfig's current-context, if any. */
  currentContext: string | null;
  /** Why the kubeconfig files could not be read, if they could not. */
  error: string | null;
}

/** Switching the explorer between our cluster and the user's kubeconfig contexts. */
export interface ContextsApi {
  listContexts(): Promise<ContextList>;
  /** Binds every explorer call to context `id`; rejects with a readable message (nothing changes) when it cannot connect. */
  useContext(id: string): Promise<KubeContext>;
}

/** What mergeKubeconfig did. */
export interface KubeconfigMergeResult {
  /** The kubeconfig written (first file of $KUBECONFIG, else ~/.kube/config). */
  path: string;
  /** The previous file's copy (`<file>.kubarium-backup`), null when there was none. */
  backupPath: string | null;
  currentContext: string | null;
}

/** Host actions on our own cluster. */
export interface ClusterActionsApi {
  /** Merges a `kubarium` cluster, user and context into the user's kubeconfig; `setCurrent` also makes it current-context. */
  mergeKubeconfig(setCurrent: boolean): Promise<KubeconfigMergeResult>;
  /**
   * Returns to a fresh cluster with the same settings: stops the control plane (forcing past a deadline), removes
   * node containers and their network, deletes store, PKI and kubeconfig, starts again. Progress arrives as status
   * changes (stopping, starting, running); resolves once running.
   */
  resetCluster(): Promise<void>;
}

/** What a WebSocket bridge client sends (web mode). `watch` answers with a result, then `event` frames for its id. */
export type BridgeRequest =
  | { id: number; method: 'listResources' | 'status'; args: [] }
  | { id: number; method: 'list'; args: [ResourceRef, string | undefined, ListFilter | undefined] }
  | { id: number; method: 'get' | 'delete'; args: [ResourceRef, string | null, string] }
  | { id: number; method: 'watch'; args: [ResourceRef, string | undefined] }
  | { id: number; method: 'unwatch'; args: [number] }
  | { id: number; method: 'apply'; args: [string, ApplyMode | undefined] }
  | { id: number; method: 'storeInfo'; args: [] }
  | { id: number; method: 'storeKeys'; args: [string, number | undefined] }
  | { id: number; method: 'storeValue'; args: [string, number | undefined, boolean | undefined] }
  | { id: number; method: 'storeHistory'; args: [string, number | undefined] }
  | { id: number; method: 'watchStore'; args: [string] }
  /** Answers with a result, then `log` frames for its id; `unwatch` stops it. */
  | { id: number; method: 'streamLogs'; args: [string, string, LogOptions] }
  /** Answers with a result, then `exec` frames for its id; `unwatch` closes it. */
  | { id: number; method: 'exec'; args: [string, string, ExecOptions] }
  | { id: number; method: 'execInput'; args: [number, string] }
  | { id: number; method: 'execResize'; args: [number, number, number] }
  | { id: number; method: 'nodeControls'; args: [] }
  | { id: number; method: 'cordonNode'; args: [string, boolean] }
  | { id: number; method: 'drainNode' | 'stopNode' | 'startNode' | 'removeNode'; args: [string] }
  | { id: number; method: 'addNode'; args: [] }
  | { id: number; method: 'addHollowNodes'; args: [number] }
  | { id: number; method: 'nodeProxyGet'; args: [string, string, number | undefined] }
  | { id: number; method: 'listContexts' | 'resetCluster'; args: [] }
  | { id: number; method: 'useContext'; args: [string] }
  | { id: number; method: 'mergeKubeconfig'; args: [boolean] };

/** What the WebSocket bridge server sends back. */
export type BridgeReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ApiError }
  | { event: number; data: ExplorerWatchEvent }
  /** Events of a `watchStore` (`unwatch` ends it like a watch). */
  | { storeEvent: number; data: StoreEvent[] }
  | { log: number; data: LogEvent }
  | { exec: number; data: ExecEvent }
  /** The host's ClusterStatus changed (reset progress, …). */
  | { status: ClusterStatus };
