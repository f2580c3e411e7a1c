/**
 * The store's contract: etcd v3 semantics, as kube-apiserver relies on them
 * (and as k3s's kine offers them over SQL). Both backends — the embedded SQLite
 * store and a real etcd cluster — implement exactly this interface, and one shared
 * test suite (store.contract.ts) checks both.
 *
 * Revisions: one global counter that increases by one with every change
 * (create, update or delete). Each key carries the revision that created it,
 * the revision of its last change, and a version counting changes since creation.
 */

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the change that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last change of this key. */
  modRevision: number;
  /** Number of changes since creation; 1 right after creation. */
  version: number;
  /** Lease id attached to the key, 0 when none. */
  lease: number;
}

export interface RangeOptions {
  /** Read as of this revision; 0 or absent means the current revision. */
  revision?: number;
  /** At most this many keys; 0 or absent means no limit. */
  limit?: number;
  /** Start from this key (inclusive) within the prefix — the basis of `continue`. */
  startKey?: string;
  /** Only count, return no kvs. */
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** The store revision the read was served at: the requested revision, or the current one when none was asked. */
  revision: number;
  /** True when more keys match than were returned because of `limit`. */
  more: boolean;
  /** Number of keys matching the range (from startKey on), ignoring limit. */
  count: number;
}

export interface GetResult {
  kv: KeyValue | undefined;
  revision: number;
}

export interface WriteResult {
  /**
   * False when the compare failed: key exists on create; key absent or mod revision
   * mismatch on update; key absent or mod revision mismatch on delete.
   */
  succeeded: boolean;
  /** The store revision after the operation (current revision when it failed). */
  revision: number;
  /** On success: the key as written (for delete: the key as it was). On failure: the key's current value, if any. */
  kv: KeyValue | undefined;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: WatchEventType;
  /** For PUT the new value; for DELETE the key with an empty value and modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this change, when there was one. */
  prevKv: KeyValue | undefined;
}

export interface WatchOptions {
  /** Watch every key starting with this prefix (a key itself is a prefix of one). */
  prefix: string;
  /**
   * Deliver every change with revision >= startRevision, then live changes.
   * 0 or absent: only changes after the current revision.
   */
  startRevision?: number;
}

/** Raised when a read or watch asks for a revision older than the compacted one (HTTP 410 Gone upstream). */
export class CompactedError extends Error {
  constructor(
    readonly requestedRevision: number,
    readonly compactRevision: number,
  ) {
    super(`required revision ${requestedRevision} has been compacted (compacted at ${compactRevision})`);
    this.name = 'CompactedError';
  }
}

/** Raised when a read asks for a revision that does not exist yet. */
export class FutureRevisionError extends Error {
  constructor(
    readonly requestedRevision: number,
    readonly currentRevision: number,
  ) {
    super(`required revision ${requestedRevision} is a future revision (current ${currentRevision})`);
    this.name = 'FutureRevisionError';
  }
}

/** Raised when a write names a lease that does not exist (expired or revoked). */
export class LeaseNotFoundError extends Error {
  constructor(readonly lease: number) {
    super(`requested lease not found: ${lease}`);
    this.name = 'LeaseNotFoundError';
  }
}

export interface Watch {
  /** Stops delivery; no handler is called after it resolves. */
  cancel(): Promise<void>;
}

export interface WatchHandlers {
  /** Events in revision order; all events of one revision arrive in one call. */
  onEvents(events: WatchEvent[]): void;
  /** The watch ended because of an error (CompactedError when startRevision was compacted). Delivery stops. */
  onError(err: Error): void;
}

export interface Store {
  readonly backend: 'sqlite' | 'etcd';
  /** Current store revision. */
  currentRevision(): Promise<number>;
  get(key: string, revision?: number): Promise<GetResult>;
  /** Keys starting with `prefix`, in lexical byte order. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Creates the key only if it does not exist. Durable when it resolves. */
  create(key: string, value: Uint8Array, lease?: number): Promise<WriteResult>;
  /** Writes only if the key exists with this mod revision (optimistic locking). */
  update(key: string, value: Uint8Array, expectedModRevision: number, lease?: number): Promise<WriteResult>;
  /** Deletes; with expectedModRevision (> 0), only if the key still has it. Deleting an absent key fails (succeeded false). */
  delete(key: string, expectedModRevision?: number): Promise<WriteResult>;
  /** Resolves once the watch is established: every change committed after that is delivered. */
  watch(opts: WatchOptions, handlers: WatchHandlers): Promise<Watch>;
  /**
   * Grants a lease; keys attached to it are deleted (with watch events) when it expires.
   * Lease ids are positive safe integers. create/update with an unknown lease reject with LeaseNotFoundError.
   */
  grantLease(ttlSeconds: number): Promise<number>;
  revokeLease(id: number): Promise<void>;
  /**
   * Forget history before `revision`; reads and watches of older revisions then fail with CompactedError.
   * Like etcd: a revision at or below the current compact revision rejects with CompactedError,
   * one above the current revision with FutureRevisionError.
   */
  compact(revision: number): Promise<void>;
  /** The revision history was compacted at (0 when never). */
  compactRevision(): Promise<number>;
  /** Bytes used on disk (approximate). */
  dbSize(): Promise<number>;
  close(): Promise<void>;
}
