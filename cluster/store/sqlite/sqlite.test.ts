import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from './index.js';
import { storeContract, collect } from '../store.contract.js';
import { CompactedError } from '../types.js';
import Database from 'better-sqlite3';
import { AT_SQL, LATEST_SQL, LEASE_KEYS_SQL, countCurrentSql, historySql, listCurrentSql, listSql } from './log.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

let dir: string;
let n = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubarium-sqlite-store-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
const freshPath = () => path.join(dir, `store-${n++}.db`);

storeContract('sqlite', () => openSqliteStore({ path: freshPath(), compactIntervalMs: 0 }));

describe('SQLite store', () => {
  it('keeps everything across a restart: data, history, revision counter, compaction, leases', async () => {
    const file = freshPath();
    let s = await openSqliteStore({ path: file, compactIntervalMs: 0 });
    const c = await s.create('/r/a', enc('1'));
    await s.update('/r/a', enc('2'), c.revision);
    await s.create('/r/b', enc('b'));
    const compactTo = await s.currentRevision();
    await s.create('/r/c', enc('c'));
    await s.compact(compactTo);
    const lease = await s.grantLease(2);
    await s.create('/r/leased', enc('l'), lease);
    const rev = await s.currentRevision();
    await s.close();

    s = await openSqliteStore({ path: file, compactIntervalMs: 0 });
    try {
      assert.equal(await s.currentRevision(), rev);
      assert.equal(await s.compactRevision(), compactTo);
      const all = await s.range('/r/');
      assert.deepEqual(all.kvs.map((kv) => [kv.key, dec(kv.value), kv.version]), [
        ['/r/a', '2', 2],
        ['/r/b', 'b', 1],
        ['/r/c', 'c', 1],
        ['/r/leased', 'l', 1],
      ]);
      await assert.rejects(s.range('/r/', { revision: compactTo - 1 }), CompactedError);
      const next = await s.create('/r/d', enc('d'));
      assert.equal(next.revision, rev + 1, 'the revision counter continues');
      // The lease survived: its key still goes away when it expires.
      const w = await collect(s, { prefix: '/r/leased' });
      const [e] = await w.waitFor(1, 10_000);
      assert.equal(e.type, 'DELETE');
      await w.watch.cancel();
    } finally {
      await s.close();
    }
  });

  it('loses no acknowledged write when the process is killed with SIGKILL', async () => {
    const file = freshPath();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../testing/sqlite-writer-child.ts'), file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, number>();
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child acknowledged ${acked.size} writes in 60 s; stderr: ${stderr}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!; // a line cut by the kill is not an acknowledgement
          for (const line of lines) {
            const [, key, rev] = line.split(' ');
            acked.set(key, Number(rev));
          }
          if (acked.size >= 2000) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`child exited early; stderr: ${stderr}`)));
      });
      child.kill('SIGKILL');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');

    const s = await openSqliteStore({ path: file, compactIntervalMs: 0 });
    try {
      const maxAcked = Math.max(...acked.values());
      assert.ok((await s.currentRevision()) >= maxAcked);
      const all = await s.range('/crash/');
      const stored = new Map(all.kvs.map((kv) => [kv.key, kv]));
      for (const [key, rev] of acked) {
        const kv = stored.get(key);
        assert.ok(kv, `acknowledged ${key} (revision ${rev}) was lost`);
        assert.equal(kv.modRevision, rev);
        assert.equal(dec(kv.value), `value-${key}`);
      }
      // Revisions stay dense: every committed write is there, acknowledged or not yet.
      const revs = all.kvs.map((kv) => kv.modRevision).sort((a, b) => a - b);
      assert.deepEqual(revs, Array.from({ length: revs.length }, (_, i) => 2 + i));
    } finally {
      await s.close();
    }
  });

  it('compacts automatically, keeping the newest revisions', async () => {
    const s = await openSqliteStore({ path: freshPath(), compactIntervalMs: 100, compactMinRetainRevisions: 10 });
    try {
      let prev = (await s.create('/auto/k', enc('0'))).revision;
      for (let i = 1; i <= 50; i++) prev = (await s.update('/auto/k', enc(String(i)), prev)).revision;
      await new Promise((r) => setTimeout(r, 400));
      const compacted = await s.compactRevision();
      const current = await s.currentRevision();
      assert.ok(compacted > 0, 'the compactor ran');
      assert.ok(compacted <= current - 10, `kept the last 10 revisions (compacted ${compacted}, current ${current})`);
      assert.equal(dec((await s.get('/auto/k')).kv!.value), '50');
      assert.equal((await s.get('/auto/k', compacted)).kv?.modRevision, compacted);
    } finally {
      await s.close();
    }
  });

  it('answers a current range from kine_current exactly as the history does', async () => {
    const s = await openSqliteStore({ path: freshPath(), compactIntervalMs: 0 });
    try {
      const revs = new Map<string, number>();
      const lease = await s.grantLease(60);
      // Creates, updates, deletes, re-creates, leased keys, a compaction: every way a key changes.
      for (let round = 0; round < 6; round++) {
        await Promise.all(
          Array.from({ length: 40 }, async (_, i) => {
            const key = `/cur/k${String(i).padStart(2, '0')}`;
            const prev = revs.get(key);
            const op = (i + round) % 4;
            let res;
            if (prev === undefined) res = await s.create(key, enc(`${round}`), i % 5 === 0 ? lease : 0);
            else if (op === 0) res = await s.delete(key, prev);
            else res = await s.update(key, enc(`${round}-${i}`), prev);
            if (op === 0 && prev !== undefined) revs.delete(key);
            else revs.set(key, res.revision);
          }),
        );
        if (round === 3) await s.compact((await s.currentRevision()) - 20);
      }
      await s.revokeLease(lease);
      const now = await s.range('/cur/');
      const counted = await s.range('/cur/', { countOnly: true });
      const paged = await s.range('/cur/', { limit: 7, startKey: '/cur/k10' });
      // One write elsewhere makes the same revision a past one: now it is served from the history.
      await s.create('/elsewhere', enc('x'));
      const past = await s.range('/cur/', { revision: now.revision });
      assert.deepEqual(now.kvs, past.kvs);
      assert.equal(counted.count, past.count);
      const pastPaged = await s.range('/cur/', { limit: 7, startKey: '/cur/k10', revision: now.revision });
      assert.deepEqual(paged, { ...pastPaged, revision: paged.revision });
      assert.ok(now.kvs.length > 0 && now.kvs.length < 40);
    } finally {
      await s.close();
    }
  });

  it('opens a database written before kine_current existed and answers the same', async () => {
    const file = freshPath();
    let s = await openSqliteStore({ path: file, compactIntervalMs: 0 });
    const a = await s.create('/old/a', enc('a1'));
    await s.update('/old/a', enc('a2'), a.revision);
    const b = await s.create('/old/b', enc('b'));
    await s.delete('/old/b', b.revision);
    await s.create('/old/c', enc('c'));
    const d = await s.create('/old/d', enc('d1'));
    await s.delete('/old/d', d.revision);
    await s.create('/old/d', enc('d2'));
    const before = await s.range('/old/');
    await s.close();
    // The previous schema: the same file without kine_current and its triggers.
    const db = new Database(file);
    db.exec(`DROP TRIGGER kine_current_put; DROP TRIGGER kine_current_delete; DROP TABLE kine_current`);
    db.close();

    s = await openSqliteStore({ path: file, compactIntervalMs: 0 });
    try {
      const after = await s.range('/old/');
      assert.deepEqual(after, before);
      assert.deepEqual(after.kvs.map((kv) => [kv.key, dec(kv.value)]), [['/old/a', 'a2'], ['/old/c', 'c'], ['/old/d', 'd2']]);
      // Kept from here on.
      await s.delete('/old/a');
      await s.create('/old/e', enc('e'));
      assert.deepEqual((await s.range('/old/')).kvs.map((kv) => kv.key), ['/old/c', '/old/d', '/old/e']);
    } finally {
      await s.close();
    }
  });

  it('finds rows by index on every hot path, never by scanning the table', async () => {
    const file = freshPath();
    await (await openSqliteStore({ path: file, compactIntervalMs: 0 })).close();
    const db = new Database(file, { readonly: true });
    try {
      const plan = (sql: string) => {
        const stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
        const named = { start: 'a', end: 'b', rev: 5, limit: 10, from: 1, to: 5 };
        const params = sql.includes('@')
          ? Object.fromEntries(Object.entries(named).filter(([k]) => sql.includes(`@${k}`)))
          : [7, 5].slice(0, sql.split('?').length - 1);
        return (stmt.all(params) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
      };
      for (const sql of [LATEST_SQL, AT_SQL, listSql(true), listSql(false), historySql(true), LEASE_KEYS_SQL, listCurrentSql(true), countCurrentSql(true)]) {
        const p = plan(sql);
        assert.doesNotMatch(p, /SCAN (kine|kv|m|p|c|kine_current)( |$|;)(?!USING)/, `full scan in plan of ${sql}: ${p}`);
        assert.doesNotMatch(p, /TEMP B-TREE/, `sort in plan of ${sql}: ${p}`);
      }
      // The current-revision range: one walk of kine_current, one primary key probe per key.
      const current = plan(listCurrentSql(true));
      assert.match(current, /SEARCH c USING PRIMARY KEY \(name>\? AND name<\?\)/, current);
      assert.match(current, /SEARCH kv USING INTEGER PRIMARY KEY \(rowid=\?\)/, current);
      assert.doesNotMatch(current, /SUBQUERY|GROUP BY/, current);
    } finally {
      db.close();
    }
  });
});
