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

/** What the explorer views call. Failed calls reject with an Error whose message is the Status message. */
export interface ExplorerApi extends StoreExplorerApi {
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
  | { id: number; method: 'watchStore'; args: [string] };

/** What the WebSocket bridge server sends back. */
export type BridgeReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ApiError }
  | { event: number; data: ExplorerWatchEvent }
  /** Events of a `watchStore` (`unwatch` ends it like a watch). */
  | { storeEvent: number; data: StoreEvent[] };
