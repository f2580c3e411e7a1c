/**
 * The store over a real etcd v3 cluster (the `etcd3` client), mapped the way
 * kube-apiserver's storage/etcd3 store does it: create = txn(create_revision == 0),
 * update/delete = txn(mod_revision == expected), both answering the current value when
 * the compare fails; reads at a revision; watches with prevKv from a start revision.
 */
import etcd3 from 'etcd3';
import type { IResponseHeader } from 'etcd3';
import {
  CompactedError,
  FutureRevisionError,
  LeaseNotFoundError,
  type GetResult,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  type Store,
  type Watch,
  type WatchHandlers,
  type WatchOptions,
  type WriteResult,
} from '../types.js';
import { prefixRangeEnd } from '../keys.js';
import { classify, retryable, toKv } from './convert.js';
import { EtcdWatch } from './watch-stream.js';

export interface EtcdStoreOptions {
  /** Client URLs of the members, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** Deadline of each unary call. Default 10 s. */
  callTimeoutMs?: number;
}

/**
 * gRPC channel options of every call and stream. grpc-js refuses messages over 4 MiB by
 * default, which a list of ~500 pods or a watch replay batch exceeds; etcd's Go client sets
 * no receive limit (clientv3 MaxCallRecvMsgSize defaults to math.MaxInt32), so neither do we.
 */
export const GRPC_OPTIONS = { 'grpc.max_receive_message_length': -1 } as const;

/** How long a call keeps retrying through member failures and elections. */
const RETRY_BUDGET_MS = 10_000;
/** Any key's range answers the revision; this one is never written. */
const NUL_KEY = Buffer.from([0]);

export class EtcdStore implements Store {
  readonly backend = 'etcd' as const;
  private readonly client: InstanceType<typeof etcd3.Etcd3>;
  private readonly watches = new Set<EtcdWatch>();
  /** The highest revision this client compacted to: a fallback when probing fails. */
  private knownCompact = 0;

  constructor(opts: EtcdStoreOptions) {
    const timeout = opts.callTimeoutMs ?? 10_000;
    this.client = new etcd3.Etcd3({
      hosts: opts.endpoints,
      // Also the channel of the raw Watch streams (watch-stream.ts), which come from this pool.
      grpcOptions: GRPC_OPTIONS,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    });
  }

  private get kv() {
    return this.client.kv;
  }

  async currentRevision(): Promise<number> {
    const res = await withRetry(() => this.kv.range({ key: NUL_KEY, count_only: true }), true);
    return rev(res.header);
  }

  async get(key: string, revision?: number): Promise<GetResult> {
    const res = await this.read(revision, () => this.kv.range({ key: Buffer.from(key), revision: revision || 0 }));
    return { kv: res.kvs[0] ? toKv(res.kvs[0]) : undefined, revision: revision || rev(res.header) };
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const p = Buffer.from(prefix);
    const start = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    const res = await this.read(opts.revision, () =>
      this.kv.range({
        key: start === '' ? NUL_KEY : Buffer.from(start),
        range_end: prefixRangeEnd(p),
        revision: opts.revision || 0,
        limit: opts.limit || 0,
        count_only: opts.countOnly ?? false,
      }),
    );
    return {
      kvs: res.kvs.map(toKv),
      revision: opts.revision || rev(res.header),
      more: res.more,
      count: Number(res.count),
    };
  }

  async create(key: string, value: Uint8Array, lease = 0): Promise<WriteResult> {
    const k = Buffer.from(key);
    const v = Buffer.from(value);
    const res = await this.write(() =>
      this.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: v, lease } }],
        failure: [{ request_range: { key: k } }],
      }),
      lease,
    );
    const r = rev(res.header);
    if (!res.succeeded) return { succeeded: false, revision: r, kv: firstKv(res.responses[0]?.response_range?.kvs) };
    return { succeeded: true, revision: r, kv: { key, value: v, createRevision: r, modRevision: r, version: 1, lease } };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, lease = 0): Promise<WriteResult> {
    const k = Buffer.from(key);
    const v = Buffer.from(value);
    const res = await this.write(() =>
      this.kv.txn({
        compare: [
          { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
          { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
        ],
        success: [{ request_put: { key: k, value: v, lease, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
      lease,
    );
    const r = rev(res.header);
    if (!res.succeeded) return { succeeded: false, revision: r, kv: firstKv(res.responses[0]?.response_range?.kvs) };
    const prev = toKv(res.responses[0].response_put.prev_kv);
    return {
      succeeded: true,
      revision: r,
      kv: { key, value: v, createRevision: prev.createRevision, modRevision: r, version: prev.version + 1, lease },
    };
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    const k = Buffer.from(key);
    const compare: etcd3.ICompare[] = [{ key: k, target: 'Create', result: 'Greater', create_revision: 0 }];
    if (expectedModRevision) compare.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
    const res = await this.write(() =>
      this.kv.txn({
        compare,
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    const r = rev(res.header);
    if (!res.succeeded) return { succeeded: false, revision: r, kv: firstKv(res.responses[0]?.response_range?.kvs) };
    return { succeeded: true, revision: r, kv: firstKv(res.responses[0].response_delete_range.prev_kvs) };
  }

  async watch(opts: WatchOptions, handlers: WatchHandlers): Promise<Watch> {
    const w = new EtcdWatch(this.client.watchClient, opts.prefix, opts.startRevision ?? 0, {
      onEvents: (events) => handlers.onEvents(events),
      onError: (err) => {
        this.watches.delete(w);
        handlers.onError(err);
      },
    });
    this.watches.add(w);
    try {
      await w.start();
    } catch (err) {
      this.watches.delete(w);
      throw err;
    }
    return {
      cancel: async () => {
        this.watches.delete(w);
        await w.cancel();
      },
    };
  }

  async grantLease(ttlSeconds: number): Promise<number> {
    for (;;) {
      // We choose the id (etcd accepts one) so it stays a safe integer in JavaScript.
      const id = 1 + Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1));
      try {
        const res = await withRetry(() => this.client.leaseClient.leaseGrant({ TTL: Math.max(1, Math.ceil(ttlSeconds)), ID: id }), false);
        return Number(res.ID);
      } catch (err) {
        if (!String(err).includes('lease already exists')) throw err;
      }
    }
  }

  async revokeLease(id: number): Promise<void> {
    try {
      await withRetry(() => this.client.leaseClient.leaseRevoke({ ID: id }), true);
    } catch (err) {
      if (classify(err) === 'lease-not-found') throw new LeaseNotFoundError(id);
      throw err;
    }
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.kv.compact({ revision, physical: true });
      this.knownCompact = Math.max(this.knownCompact, revision);
    } catch (err) {
      throw await this.mapError(err, revision);
    }
  }

  /**
   * etcd has no call that returns the compact revision; a watch from revision 1 is
   * cancelled with it (the way clients learn it), so probe with one when revision 1 is gone.
   */
  async compactRevision(): Promise<number> {
    try {
      await this.kv.range({ key: NUL_KEY, revision: 1, count_only: true });
      return this.knownCompact === 1 ? 1 : 0;
    } catch (err) {
      if (classify(err) !== 'compacted') throw err;
    }
    return new Promise<number>((resolve) => {
      const probe = new EtcdWatch(this.client.watchClient, '\u0000compact-probe', 1, {
        onEvents: () => {},
        onError: (err) => {
          clearTimeout(timer);
          resolve(err instanceof CompactedError ? err.compactRevision : this.knownCompact);
        },
      });
      const timer = setTimeout(() => {
        void probe.cancel();
        resolve(this.knownCompact);
      }, 5000);
      probe.start().catch(() => {});
    });
  }

  async dbSize(): Promise<number> {
    const status = await withRetry(() => this.client.maintenance.status(), true);
    return Number(status.dbSize);
  }

  async close(): Promise<void> {
    await Promise.all([...this.watches].map((w) => w.cancel()));
    this.watches.clear();
    this.client.close();
  }

  private async read<T>(revision: number | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(call, true);
    } catch (err) {
      throw await this.mapError(err, revision ?? 0);
    }
  }

  private async write<T>(call: () => Promise<T>, lease = 0): Promise<T> {
    try {
      return await withRetry(call, false);
    } catch (err) {
      if (classify(err) === 'lease-not-found') throw new LeaseNotFoundError(lease);
      throw err;
    }
  }

  private async mapError(err: unknown, requested: number): Promise<unknown> {
    switch (classify(err)) {
      case 'compacted':
        return new CompactedError(requested, await this.compactRevision());
      case 'future':
        return new FutureRevisionError(requested, await this.currentRevision());
      default:
        return err;
    }
  }
}

/** Retries a call through member failures and elections (etcd3 alone tries 3 random members). */
async function withRetry<T>(call: () => Promise<T>, idempotent: boolean): Promise<T> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!retryable(err, idempotent) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** attempt, 500)));
    }
  }
}

function rev(header: IResponseHeader): number {
  return Number(header.revision);
}

function firstKv(kvs: etcd3.IKeyValue[] | undefined): KeyValue | undefined {
  return kvs && kvs.length > 0 ? toKv(kvs[0]) : undefined;
}
