/**
 * kine's schema (k3s-io/kine pkg/drivers/sqlite): one append-only table in which every
 * row is one revision of one key. `id` is the revision; `prev_revision` points at the
 * key's previous row; `created`/`deleted` mark the first row of a key's life and its
 * tombstone. kine also copies the previous value into `old_value`, so a watch can send
 * prevKv once the previous row is gone; we leave it NULL (half the bytes of every update
 * and delete) and read the previous row through `prev_revision` instead. Compaction
 * keeps that row while any replayable event needs it, as etcd keeps a key's newest
 * revision at or before the compaction: it sweeps a row only once a row at or before the
 * compact revision supersedes it, and replays start after that revision. The column
 * stays so files written by the earlier code (which filled it) still read the same.
 * We add `version` (etcd's per-key change counter, which kine does not track) and two
 * small side tables: the compaction marks and the leases.
 */
import type Database from 'better-sqlite3';

export type Synchronous = 'full' | 'normal';

const TABLES = [
  `CREATE TABLE IF NOT EXISTS kine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,
    lease INTEGER NOT NULL,
    value BLOB,
    old_value BLOB,
    version INTEGER NOT NULL
  )`,
  // Latest row of a key / of a key at a revision, prefix ranges in key order (kine_name_id_index).
  `CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id)`,
  // At most one successor per row: the database itself refuses a lost update (kine_name_prev_revision_uindex).
  `CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)`,
  // Keys attached to a lease, found without a scan when it expires. Partial: most rows have none
  // (queries must repeat `lease != 0` for the planner to use it).
  `CREATE INDEX IF NOT EXISTS kine_lease_index ON kine (lease) WHERE lease != 0`,
  // kine keeps compact_rev_key as a row of kine; a side table keeps it out of ranges and watches.
  `CREATE TABLE IF NOT EXISTS kine_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS kine_lease (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
];

/**
 * Not in kine: the newest row of every live key, so a range at the current revision (every
 * full list the API server serves) is one walk of this table's key order plus one primary
 * key probe per key, with no GROUP BY and no per-row MAX subquery over the history.
 * Triggers keep it in the same transaction as each write: created when the table is, so
 * a database opened later by the previous code (which knows nothing of the table) still
 * keeps it right. Compaction never removes a key's newest row (it sweeps superseded rows
 * and tombstones), so it needs no trigger.
 */
const CURRENT = [
  `CREATE TABLE IF NOT EXISTS kine_current (name TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TRIGGER IF NOT EXISTS kine_current_put AFTER INSERT ON kine WHEN NEW.deleted = 0 BEGIN
     INSERT INTO kine_current (name, id) VALUES (NEW.name, NEW.id) ON CONFLICT (name) DO UPDATE SET id = excluded.id;
   END`,
  `CREATE TRIGGER IF NOT EXISTS kine_current_delete AFTER INSERT ON kine WHEN NEW.deleted = 1 BEGIN
     DELETE FROM kine_current WHERE name = NEW.name;
   END`,
];
/** Fills kine_current from the log of a database written before it existed. */
const BACKFILL_CURRENT = `INSERT INTO kine_current (name, id)
  SELECT kv.name, kv.id FROM kine AS kv
  WHERE kv.id = (SELECT MAX(m.id) FROM kine AS m WHERE m.name = kv.name) AND kv.deleted = 0`;

// Not copied from kine: (name) alone is a prefix of (name, id); (id, deleted) and
// (prev_revision) serve kine's compaction query, while ours walks the primary key by
// revision window (see compaction.ts), so they would only slow every write.

/**
 * Opens the database file the way the store needs it.
 *
 * Durability: WAL with synchronous=FULL fsyncs the WAL at every commit, so an
 * acknowledged write survives a crash of the process *and* of the machine — the
 * guarantee etcd gives by fdatasync-ing its WAL before answering. NORMAL would survive
 * SIGKILL (the OS still holds the pages) but not power loss, so it is opt-in only.
 * Group commit (one transaction per batch of concurrent writes) pays for the fsync.
 *
 * locking_mode=EXCLUSIVE: one store process per file (as kine's SQLite backend requires);
 * a second opener fails fast instead of corrupting the in-memory revision counter.
 */
export function configure(db: Database.Database, synchronous: Synchronous): void {
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // Memory: a 16 MB page cache (kept hot: the B-tree interior and the current rows) and no
  // memory map. The API server serves lists from its watch cache, so the store sees point
  // reads, writes, one range per resource to fill that cache, and compaction sweeps; with a
  // 1 GiB map each page those ever touched stayed in the process's RSS (100-140 MiB of
  // file pages after the apiserver benchmark) though the OS page cache holds them anyway.
  db.pragma('cache_size = -16000');
  db.pragma('temp_store = MEMORY');
  db.pragma('mmap_size = 0');
  for (const sql of TABLES) db.exec(sql);
  migrateCurrent(db);
  // etcd starts at revision 1 with an empty keyspace; the first change is revision 2.
  db.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT 'kine', 1 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'kine')`).run();
}

/** Adds kine_current and its triggers when missing, backfilled in the same transaction. */
function migrateCurrent(db: Database.Database): void {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kine_current'`).get() !== undefined;
  db.transaction(() => {
    for (const sql of CURRENT) db.exec(sql);
    if (!exists) db.exec(BACKFILL_CURRENT);
  }).immediate();
}

export function readRevision(db: Database.Database): number {
  const row = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kine'`).get() as { seq: number } | undefined;
  return row?.seq ?? 1;
}
