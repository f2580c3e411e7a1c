/**
 * The SQL of the MVCC log (kine's pkg/drivers/generic, re-derived for SQLite): every
 * statement prepared once, each one an index lookup or an index range scan, so its cost
 * depends on the rows it returns, not on the size of the table.
 */
import type Database from 'better-sqlite3';
import type { KeyValue, WatchEvent } from '../types.js';
import { prefixUpperBound } from '../keys.js';

export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  lease: number;
  value: Buffer | null;
  version: number;
}

/** A row read for a watch replay, with the value and lease of the key's previous row. */
export interface HistoryRow extends Row {
  prev_value: Buffer | null;
  prev_lease: number | null;
}

/** A listSql row in raw mode: id, name, create_revision, lease, value, version. */
type ListRow = [number, string, number, number, Buffer | null, number];

export interface LeaseRow {
  id: number;
  ttl: number;
  expires_at: number;
}

const EMPTY = Buffer.alloc(0);
const ROW = 'id, name, created, deleted, create_revision, prev_revision, lease, value, version';
// The newest row of each key at @rev, keys in order: walk kine_name_id_index over the
// interval, keep the row that is its key's newest at @rev (one index probe), drop tombstones.
const LIVE_AT = (bounded: boolean) => `
  FROM kine AS kv
  WHERE kv.name >= @start ${bounded ? 'AND kv.name < @end' : ''}
    AND kv.id = (SELECT MAX(m.id) FROM kine AS m WHERE m.name = kv.name AND m.id <= @rev)
    AND kv.deleted = 0`;

/** The statements on the hot paths, exported so a test can check their query plans. */
export const LATEST_SQL = `SELECT ${ROW} FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`;
export const AT_SQL = `SELECT ${ROW} FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`;
export const listSql = (bounded: boolean): string =>
  `SELECT kv.id, kv.name, kv.create_revision, kv.lease, kv.value, kv.version ${LIVE_AT(bounded)} ORDER BY kv.name LIMIT @limit`;
/** A range at the current revision: kine_current in key order, one primary key probe per key. */
export const listCurrentSql = (bounded: boolean): string =>
  `SELECT kv.id, kv.name, kv.create_revision, kv.lease, kv.value, kv.version
   FROM kine_current AS c JOIN kine AS kv ON kv.id = c.id
   WHERE c.name >= @start ${bounded ? 'AND c.name < @end' : ''}
   ORDER BY c.name LIMIT @limit`;
export const countCurrentSql = (bounded: boolean): string =>
  `SELECT COUNT(*) FROM kine_current WHERE name >= @start ${bounded ? 'AND name < @end' : ''}`;
export const historySql = (bounded: boolean): string =>
  `SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.lease,
          kv.value, kv.version, COALESCE(kv.old_value, p.value) AS prev_value, p.lease AS prev_lease
   FROM kine AS kv LEFT JOIN kine AS p ON p.id = kv.prev_revision
   WHERE kv.id >= @from AND kv.id <= @to AND kv.name >= @start ${bounded ? 'AND kv.name < @end' : ''}
   ORDER BY kv.id`;
export const LEASE_KEYS_SQL = `SELECT kv.name FROM kine AS kv
   WHERE kv.lease = ? AND kv.lease != 0 AND kv.deleted = 0
     AND kv.id = (SELECT MAX(m.id) FROM kine AS m WHERE m.name = kv.name)`;

export function kvOf(row: Row): KeyValue {
  return {
    key: row.name,
    value: row.value ?? EMPTY,
    createRevision: row.create_revision,
    modRevision: row.id,
    version: row.version,
    lease: row.lease,
  };
}

/** The watch event a row stands for (kine's RowsToEvents), prevKv from the key's previous row. */
export function eventOf(row: HistoryRow): WatchEvent {
  const hasPrev = row.deleted === 1 || row.created === 0;
  const prevKv: KeyValue | undefined = hasPrev
    ? {
        key: row.name,
        value: row.prev_value ?? EMPTY,
        createRevision: row.create_revision,
        modRevision: row.prev_revision,
        // A tombstone keeps the version it deleted; a put counts one more than its predecessor.
        version: row.deleted === 1 ? row.version : row.version - 1,
        lease: row.prev_lease ?? 0,
      }
    : undefined;
  if (row.deleted === 1) {
    return { type: 'DELETE', kv: tombstoneKv(row.name, row.id), prevKv };
  }
  return { type: 'PUT', kv: kvOf(row), prevKv };
}

/** etcd's DELETE event kv: the key and the delete's revision, nothing else. */
export function tombstoneKv(key: string, revision: number): KeyValue {
  return { key, value: EMPTY, createRevision: 0, modRevision: revision, version: 0, lease: 0 };
}

export class KineLog {
  private readonly latestStmt: Database.Statement<[string], Row>;
  private readonly atStmt: Database.Statement<[string, number], Row>;
  private readonly insertStmt: Database.Statement<unknown[]>;
  private readonly listStmts: Database.Statement[];
  private readonly countStmts: Database.Statement[];
  private readonly listCurrentStmts: Database.Statement[];
  private readonly countCurrentStmts: Database.Statement[];
  private readonly historyStmts: Database.Statement[];
  private readonly leaseKeysStmt: Database.Statement<[number], { name: string }>;
  private readonly leaseGetStmt: Database.Statement<[number], LeaseRow>;
  private readonly leaseAllStmt: Database.Statement<[], LeaseRow>;
  private readonly leaseInsertStmt: Database.Statement<[number, number, number]>;
  private readonly leaseDeleteStmt: Database.Statement<[number]>;
  private readonly metaGetStmt: Database.Statement<[string], { value: number }>;
  private readonly metaSetStmt: Database.Statement<[string, number]>;
  private readonly sweepSupersededStmt: Database.Statement<[number, number]>;
  private readonly sweepTombstonesStmt: Database.Statement<[number, number]>;

  constructor(private readonly db: Database.Database) {
    this.latestStmt = db.prepare(LATEST_SQL);
    this.atStmt = db.prepare(AT_SQL);
    this.insertStmt = db.prepare(
      `INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, lease, value, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.listStmts = [false, true].map((b) => db.prepare(listSql(b)).raw(true));
    this.countStmts = [false, true].map((b) => db.prepare(`SELECT COUNT(*) AS n ${LIVE_AT(b)}`).pluck());
    this.listCurrentStmts = [false, true].map((b) => db.prepare(listCurrentSql(b)).raw(true));
    this.countCurrentStmts = [false, true].map((b) => db.prepare(countCurrentSql(b)).pluck());
    this.historyStmts = [false, true].map((b) => db.prepare(historySql(b)));
    this.leaseKeysStmt = db.prepare(LEASE_KEYS_SQL);
    this.leaseGetStmt = db.prepare(`SELECT id, ttl, expires_at FROM kine_lease WHERE id = ?`);
    this.leaseAllStmt = db.prepare(`SELECT id, ttl, expires_at FROM kine_lease`);
    this.leaseInsertStmt = db.prepare(`INSERT INTO kine_lease (id, ttl, expires_at) VALUES (?, ?, ?)`);
    this.leaseDeleteStmt = db.prepare(`DELETE FROM kine_lease WHERE id = ?`);
    this.metaGetStmt = db.prepare(`SELECT value FROM kine_meta WHERE key = ?`);
    this.metaSetStmt = db.prepare(`INSERT INTO kine_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    // Rows superseded by a row of the window (a, b]: found through the newer rows' prev_revision.
    this.sweepSupersededStmt = db.prepare(
      `DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE id > ? AND id <= ? AND prev_revision != 0)`,
    );
    // Tombstones of the window [a, b): once history before them is gone, so is the key.
    this.sweepTombstonesStmt = db.prepare(`DELETE FROM kine WHERE id >= ? AND id < ? AND deleted = 1`);
  }

  latest(key: string): Row | undefined {
    return this.latestStmt.get(key);
  }

  at(key: string, revision: number): Row | undefined {
    return this.atStmt.get(key, revision);
  }

  insert(
    id: number,
    key: string,
    flags: { created: boolean; deleted: boolean },
    createRevision: number,
    prevRevision: number,
    lease: number,
    value: Buffer | null,
    version: number,
  ): void {
    this.insertStmt.run(id, key, flags.created ? 1 : 0, flags.deleted ? 1 : 0, createRevision, prevRevision, lease, value, version);
  }

  /**
   * Live keys in [start, end-of-prefix) as of `revision`, in key order. `current` (the
   * caller knows `revision` is the newest) reads kine_current instead of the history.
   */
  list(prefix: string, start: string, revision: number, limit: number, current: boolean): KeyValue[] {
    const end = prefixUpperBound(prefix);
    const b = end === undefined ? 0 : 1;
    const params = { start, end, limit: limit > 0 ? limit : -1 };
    // Raw rows (arrays) skip one object per row on the largest reads; column order as in
    // listSql. The value is the Buffer better-sqlite3 made for the row, used as it is.
    const rows = (current ? this.listCurrentStmts[b].all(params) : this.listStmts[b].all({ ...params, rev: revision })) as ListRow[];
    const kvs: KeyValue[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [id, name, createRevision, lease, value, version] = rows[i];
      kvs[i] = { key: name, value: value ?? EMPTY, createRevision, modRevision: id, version, lease };
    }
    return kvs;
  }

  count(prefix: string, start: string, revision: number, current: boolean): number {
    const end = prefixUpperBound(prefix);
    const b = end === undefined ? 0 : 1;
    return (current ? this.countCurrentStmts[b].get({ start, end }) : this.countStmts[b].get({ start, end, rev: revision })) as number;
  }

  /** Every row of the prefix with from <= id <= to, in revision order. */
  history(prefix: string, from: number, to: number): HistoryRow[] {
    const end = prefixUpperBound(prefix);
    return this.historyStmts[end === undefined ? 0 : 1].all({ from, to, start: prefix, end }) as HistoryRow[];
  }

  leaseKeys(lease: number): string[] {
    return this.leaseKeysStmt.all(lease).map((r) => r.name);
  }

  lease(id: number): LeaseRow | undefined {
    return this.leaseGetStmt.get(id);
  }

  leases(): LeaseRow[] {
    return this.leaseAllStmt.all();
  }

  insertLease(id: number, ttl: number, expiresAt: number): void {
    this.leaseInsertStmt.run(id, ttl, expiresAt);
  }

  deleteLease(id: number): void {
    this.leaseDeleteStmt.run(id);
  }

  meta(key: string): number {
    return this.metaGetStmt.get(key)?.value ?? 0;
  }

  setMeta(key: string, value: number): void {
    this.metaSetStmt.run(key, value);
  }

  /**
   * Deletes the history the compaction to `target` made unreachable within the window
   * (a, b] (tombstones: [a, b), and [a, target) on the last window): rows superseded at
   * or before b, and tombstones, whose keys no read at or after `target` can see.
   */
  sweep(a: number, b: number, target: number): number {
    const superseded = this.sweepSupersededStmt.run(a, b).changes;
    const tombstones = this.sweepTombstonesStmt.run(a, Math.min(b + 1, target)).changes;
    return superseded + tombstones;
  }

  sizeBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return pages * pageSize;
  }
}
