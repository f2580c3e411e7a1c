/** etcd3's wire shapes (int64 as decimal strings, bytes as Buffer) to the store's types. */
import type { IKeyValue } from 'etcd3';
import type { KeyValue } from '../types.js';

export function toKv(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value ?? Buffer.alloc(0),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
    lease: Number(kv.lease),
  };
}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';
const LEASE_NOT_FOUND = 'requested lease not found';

export type EtcdErrorKind = 'compacted' | 'future' | 'lease-not-found' | 'other';

/** Classifies an etcd error by its message (etcd's rpctypes.Err* strings). */
export function classify(err: unknown): EtcdErrorKind {
  const msg = err instanceof Error ? err.message : String(err);
  if (msg.includes(COMPACTED)) return 'compacted';
  if (msg.includes(FUTURE)) return 'future';
  if (msg.includes(LEASE_NOT_FOUND)) return 'lease-not-found';
  return 'other';
}

/**
 * Whether a failed call may be sent again. A call that never reached a member (no
 * connection) is always safe; so is any read. For writes we also retry when the cluster
 * had no leader or lost it: every write here is a compare-and-swap, so if the first try
 * did apply, the retry fails its compare and answers the current value instead of
 * applying twice (kube-apiserver's GuaranteedUpdate then re-reads, as with etcd's client).
 */
export function retryable(err: unknown, idempotent: boolean): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  if (/No connection established|ECONNREFUSED|circuit breaker is open|no leader|leader changed/i.test(msg)) return true;
  return idempotent && /UNAVAILABLE|DEADLINE_EXCEEDED|request timed out/i.test(msg);
}
