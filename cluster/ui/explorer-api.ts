/**
 * The cluster-facing half of the KubariumBridge (electron/preload/api.ts re-exports it):
 * discovery, list, get, watch, server-side apply and delete. It lives in cluster/ because
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

/** What the explorer views call. Failed calls reject with an Error whose message is the Status message. */
export interface ExplorerApi {
  /** Every listable kind the API server serves (preferred versions), custom resources included. */
  listResources(): Promise<ResourceKind[]>;
  /** Objects of a kind, in one namespace or (omitted) all. */
  list(ref: ResourceRef, namespace?: string, filter?: ListFilter): Promise<ApiObject[]>;
  get(ref: ResourceRef, namespace: string | null, name: string): Promise<ApiObject>;
  /** Current state as ADDED events, then changes, until the returned function is called. */
  watch(ref: ResourceRef, namespace: string | undefined, onEvent: (event: ExplorerWatchEvent) => void): () => void;
  /** Server-side apply (field manager `kubarium-ui`) of each document in a YAML stream. */
  apply(yamlText: string): Promise<ApplyOutcome[]>;
  delete(ref: ResourceRef, namespace: string | null, name: string): Promise<void>;
}

/** What a WebSocket bridge client sends (web mode). `watch` answers with a result, then `event` frames for its id. */
export type BridgeRequest =
  | { id: number; method: 'listResources' | 'status'; args: [] }
  | { id: number; method: 'list'; args: [ResourceRef, string | undefined, ListFilter | undefined] }
  | { id: number; method: 'get' | 'delete'; args: [ResourceRef, string | null, string] }
  | { id: number; method: 'watch'; args: [ResourceRef, string | undefined] }
  | { id: number; method: 'unwatch'; args: [number] }
  | { id: number; method: 'apply'; args: [string] };

/** What the WebSocket bridge server sends back. */
export type BridgeReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ApiError }
  | { event: number; data: ExplorerWatchEvent };
