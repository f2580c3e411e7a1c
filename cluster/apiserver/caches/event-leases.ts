/**
 * Events expire after --event-ttl (1 h), through store leases. As kube-apiserver's
 * lease manager does, one lease is reused for all events written within a short
 * window instead of granting one per event.
 */
import type { Store } from '../../store/types.js';

export function eventLeases(store: Store, ttlSeconds = 3600, reuseWindowSeconds = 60): () => Promise<number> {
  let current: { id: number; until: number } | undefined;
  let pending: Promise<number> | undefined;
  return async () => {
    const now = Date.now();
    if (current && now < current.until) return current.id;
    pending ??= store.grantLease(ttlSeconds + reuseWindowSeconds).then(
      (id) => {
        current = { id, until: Date.now() + reuseWindowSeconds * 1000 };
        pending = undefined;
        return id;
      },
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
}
