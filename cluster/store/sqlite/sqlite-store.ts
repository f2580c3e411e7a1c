/**
 * The embedded store: etcd v3 semantics on one SQLite file, in the style of k3s's kine
 * (an append-only MVCC log, one row per revision; see log.ts and schema.ts).
 *
 * Writes are queued and committed in groups: every write that arrives while the event
 * loop is busy joins the next transaction, so one fsync acknowledges the whole group
 * (group commit). Revisions are assigned in queue order inside the transaction; after
 * COMMIT the writers are answered and the events go to the watchers, in revision order.
 * Reads run straight against the committed state (better-sqlite3 is synchronous, so a
 * read never sees half a batch).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
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
  type WatchEvent,
  type WatchHandlers,
  type WatchOptions,
  type WriteResult,
} from '../types.js';
import { configure, readRevision, type Synchronous } from './schema.js';
import { KineLog, eventOf, kvOf, tombstoneKv, type Row } from './log.js';
import { Broadcaster } from './broadcaster.js';
import { LeaseTimer } from './lease-timer.js';
import { startAutoCompactor } from './auto-compactor.js';

export interface SqliteStoreOptions {
  /** Database file; created when missing (with its -wal/-shm companions). */
  path: string;
  /** Automatic compaction period in ms; 0 disables it. Default 5 minutes (kube-apiserver's default). */
  compactIntervalMs?: number;
  /** Revisions the automatic compactor always keeps. Default 1000. */
  compactMinRetainRevisions?: number;
  /** 'full' (default): fsync at every commit, durable across power loss. 'normal': durable across process crashes only. */
  synchronous?: Synchronous;
}

/** A failure that answers one write without aborting the batch it was committed with. */
class WriteRejection extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

interface QueuedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

const COMPACT_REV = 'compact_rev';
const COMPACT_SWEPT = 'compact_swept';
/** Revisions swept per transaction, so compaction never holds the event loop for long. */
const SWEEP_WINDOW = 2000;

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly log: KineLog;
  private readonly broadcaster = new Broadcaster();
  private readonly leaseTimer: LeaseTimer;
  private readonly runBatch: Database.Transaction<(batch: QueuedWrite[]) => Array<{ ok: boolean; value: unknown }>>;
  /** Last committed revision. */
  private revision: number;
  /** Revision being assigned inside the open batch transaction. */
  private nextRevision: number;
  private compactRev: number;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  private batchEvents: WatchEvent[] = [];
  private afterCommit: Array<() => void> = [];
  private compaction: Promise<void> = Promise.resolve();
  private stopCompactor: () => void = () => {};
  private closed = false;

  constructor(private readonly opts: SqliteStoreOptions) {
    this.db = new Database(opts.path);
    configure(this.db, opts.synchronous ?? 'full');
    this.log = new KineLog(this.db);
    this.revision = readRevision(this.db);
    this.nextRevision = this.revision;
    this.compactRev = this.log.meta(COMPACT_REV);
    this.runBatch = this.db.transaction((batch: QueuedWrite[]) =>
      batch.map((w) => {
        try {
          return { ok: true, value: w.run() };
        } catch (err) {
          if (err instanceof WriteRejection) return { ok: false, value: err.error };
          throw err;
        }
      }),
    );
    this.leaseTimer = new LeaseTimer((id) => this.expireLease(id));
    for (const l of this.log.leases()) this.leaseTimer.set(l.id, l.expires_at);
    // Finish a sweep that a crash interrupted.
    if (this.log.meta(COMPACT_SWEPT) < this.compactRev) {
      this.compaction = this.sweep(this.compactRev).catch((err: unknown) => console.error('store: resuming compaction failed:', err));
    }
    const interval = opts.compactIntervalMs ?? 5 * 60_000;
    if (interval > 0) this.stopCompactor = startAutoCompactor(this, interval, opts.compactMinRetainRevisions ?? 1000);
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactRevision(): Promise<number> {
    return this.compactRev;
  }

  async get(key: string, revision?: number): Promise<GetResult> {
    const rev = this.readRevision(revision);
    const row = rev === this.revision ? this.log.latest(key) : this.log.at(key, rev);
    return { kv: row && row.deleted === 0 ? kvOf(row) : undefined, revision: rev };
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const rev = this.readRevision(opts.revision);
    // At the newest revision (asked for, or pinned by a continuation while nothing was
    // written since) the kine_current table answers; older revisions read the history.
    const current = rev === this.revision;
    const start = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    if (opts.countOnly) return { kvs: [], revision: rev, more: false, count: this.log.count(prefix, start, rev, current) };
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    // One row past the limit tells whether there is more; count only then needs a second query.
    const kvs = this.log.list(prefix, start, rev, limit ? limit + 1 : 0, current);
    const more = limit > 0 && kvs.length > limit;
    if (more) kvs.length = limit;
    const count = more ? this.log.count(prefix, start, rev, current) : kvs.length;
    return { kvs, revision: rev, more, count };
  }

  create(key: string, value: Uint8Array, lease = 0): Promise<WriteResult> {
    const buf = toBuffer(value);
    return this.enqueue(() => {
      const cur = this.log.latest(key);
      if (cur && cur.deleted === 0) return this.failed(cur);
      this.requireLease(lease);
      const rev = ++this.nextRevision;
      this.log.insert(rev, key, { created: true, deleted: false }, rev, cur ? cur.id : 0, lease, buf, 1);
      const kv: KeyValue = { key, value: buf, createRevision: rev, modRevision: rev, version: 1, lease };
      this.batchEvents.push({ type: 'PUT', kv, prevKv: undefined });
      return { succeeded: true, revision: rev, kv };
    });
  }

  update(key: string, value: Uint8Array, expectedModRevision: number, lease = 0): Promise<WriteResult> {
    const buf = toBuffer(value);
    return this.enqueue(() => {
      const cur = this.log.latest(key);
      if (!cur || cur.deleted === 1 || cur.id !== expectedModRevision) return this.failed(cur);
      this.requireLease(lease);
      const rev = ++this.nextRevision;
      this.log.insert(rev, key, { created: false, deleted: false }, cur.create_revision, cur.id, lease, buf, cur.version + 1);
      const kv: KeyValue = { key, value: buf, createRevision: cur.create_revision, modRevision: rev, version: cur.version + 1, lease };
      this.batchEvents.push({ type: 'PUT', kv, prevKv: kvOf(cur) });
      return { succeeded: true, revision: rev, kv };
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    return this.enqueue(() => this.deleteNow(key, expectedModRevision));
  }

  async watch(opts: WatchOptions, handlers: WatchHandlers): Promise<Watch> {
    this.assertOpen();
    const requested = opts.startRevision ?? 0;
    if (requested > 0 && requested < this.compactRev) {
      const w = this.broadcaster.add(opts.prefix, Infinity, handlers);
      w.fail(new CompactedError(requested, this.compactRev));
      return w;
    }
    // Replay and registration happen in one synchronous step: no commit can fall between
    // them, so the switch from history to live has no gap and no duplicate.
    const from = requested > 0 ? requested : this.revision + 1;
    const w = this.broadcaster.add(opts.prefix, Math.max(from, this.revision + 1), handlers);
    if (from <= this.revision) w.replay(this.log.history(opts.prefix, from, this.revision).map(eventOf));
    return w;
  }

  grantLease(ttlSeconds: number): Promise<number> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    return this.enqueue(() => {
      let id = randomLeaseId();
      while (this.log.lease(id)) id = randomLeaseId();
      const expiresAt = Date.now() + ttl * 1000;
      this.log.insertLease(id, ttl, expiresAt);
      this.afterCommit.push(() => this.leaseTimer.set(id, expiresAt));
      return id;
    });
  }

  revokeLease(id: number): Promise<void> {
    return this.enqueue(() => {
      if (!this.log.lease(id)) throw new WriteRejection(new LeaseNotFoundError(id));
      this.revokeNow(id);
    });
  }

  compact(revision: number): Promise<void> {
    const run = this.compaction.then(async () => {
      this.assertOpen();
      if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
      if (revision <= this.compactRev) throw new CompactedError(revision, this.compactRev);
      // From here on, reads and watches below `revision` are refused; the sweep follows.
      this.compactRev = revision;
      this.log.setMeta(COMPACT_REV, revision);
      await this.sweep(revision);
    });
    this.compaction = run.catch(() => {});
    return run;
  }

  async dbSize(): Promise<number> {
    let wal = 0;
    try {
      wal = fs.statSync(`${this.opts.path}-wal`).size;
    } catch {
      // no WAL file right now
    }
    return this.log.sizeBytes() + wal;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stopCompactor();
    await this.compaction;
    this.closed = true;
    if (this.queue.length > 0) this.flush();
    this.leaseTimer.stop();
    this.broadcaster.closeAll();
    this.db.close();
  }

  // --- write path -------------------------------------------------------------

  private enqueue<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate, not a microtask: writes that arrive with this turn's I/O join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued write in one transaction (one fsync), then answers and publishes. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.batchEvents = [];
    this.afterCommit = [];
    this.nextRevision = this.revision;
    let results: Array<{ ok: boolean; value: unknown }>;
    try {
      results = this.runBatch.immediate(batch);
    } catch (err) {
      this.nextRevision = this.revision;
      for (const w of batch) w.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.revision = this.nextRevision;
    for (const f of this.afterCommit) f();
    for (let i = 0; i < batch.length; i++) {
      const r = results[i];
      if (r.ok) batch[i].resolve(r.value);
      else batch[i].reject(r.value as Error);
    }
    this.broadcaster.publish(this.batchEvents);
  }

  private failed(cur: Row | undefined): WriteResult {
    return { succeeded: false, revision: this.nextRevision, kv: cur && cur.deleted === 0 ? kvOf(cur) : undefined };
  }

  private deleteNow(key: string, expectedModRevision?: number): WriteResult {
    const cur = this.log.latest(key);
    if (!cur || cur.deleted === 1) return this.failed(cur);
    if (expectedModRevision && cur.id !== expectedModRevision) return this.failed(cur);
    const rev = ++this.nextRevision;
    this.log.insert(rev, key, { created: false, deleted: true }, cur.create_revision, cur.id, 0, null, cur.version);
    const prevKv = kvOf(cur);
    this.batchEvents.push({ type: 'DELETE', kv: tombstoneKv(key, rev), prevKv });
    return { succeeded: true, revision: rev, kv: prevKv };
  }

  private requireLease(lease: number): void {
    if (lease !== 0 && !this.log.lease(lease)) throw new WriteRejection(new LeaseNotFoundError(lease));
  }

  /** Deletes the lease's keys (one revision each, as kine does) and the lease. */
  private revokeNow(id: number): void {
    for (const key of this.log.leaseKeys(id)) this.deleteNow(key);
    this.log.deleteLease(id);
    this.afterCommit.push(() => this.leaseTimer.delete(id));
  }

  private expireLease(id: number): void {
    if (this.closed) return;
    this.enqueue(() => {
      if (this.log.lease(id)) this.revokeNow(id);
    }).catch((err: unknown) => {
      console.error(`store: expiring lease ${id} failed:`, err);
      if (!this.closed) this.leaseTimer.set(id, Date.now() + 1000);
    });
  }

  // --- reads and compaction --------------------------------------------------------

  private readRevision(revision: number | undefined): number {
    this.assertOpen();
    if (!revision || revision <= 0) return this.revision;
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    if (revision < this.compactRev) throw new CompactedError(revision, this.compactRev);
    return revision;
  }

  /** Deletes unreachable history up to `target`, a window per transaction, between other work. */
  private async sweep(target: number): Promise<void> {
    let a = this.log.meta(COMPACT_SWEPT);
    const step = this.db.transaction((from: number, to: number) => {
      this.log.sweep(from, to, target);
      this.log.setMeta(COMPACT_SWEPT, to);
    });
    while (a < target && !this.closed) {
      const b = Math.min(a + SWEEP_WINDOW, target);
      step.immediate(a, b);
      a = b;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** etcd picks random 63-bit lease ids; ours stay within JavaScript's safe integers. */
function randomLeaseId(): number {
  return 1 + Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1));
}
