/**
 * The store contract as tests: one suite, run against every backend (the embedded SQLite
 * store and a real etcd), the way kine runs one test matrix over all its drivers. Each
 * test works under its own random prefix, so a shared etcd needs no cleanup between tests.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CompactedError,
  FutureRevisionError,
  LeaseNotFoundError,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from './types.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export interface Collector {
  events: WatchEvent[];
  /** The onEvents calls, as received. */
  calls: WatchEvent[][];
  errors: Error[];
  watch: Watch;
  /** Resolves when `n` events arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  waitForError(timeoutMs?: number): Promise<Error>;
}

/** Opens a watch that records everything it receives. */
export async function collect(store: Store, opts: WatchOptions): Promise<Collector> {
  const events: WatchEvent[] = [];
  const calls: WatchEvent[][] = [];
  const errors: Error[] = [];
  let wake: () => void = () => {};
  const watch = await store.watch(opts, {
    onEvents: (evs) => {
      calls.push(evs);
      events.push(...evs);
      wake();
    },
    onError: (err) => {
      errors.push(err);
      wake();
    },
  });
  const until = async (done: () => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (have ${events.length} events, ${errors.length} errors)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 100));
        wake = () => (clearTimeout(t), resolve());
      });
    }
  };
  return {
    events,
    calls,
    errors,
    watch,
    waitFor: async (n, timeoutMs = 10_000) => {
      await until(() => events.length >= n || errors.length > 0, `${n} events`, timeoutMs);
      if (errors.length > 0 && events.length < n) throw errors[0];
      return events;
    },
    waitForError: async (timeoutMs = 10_000) => {
      await until(() => errors.length > 0, 'a watch error', timeoutMs);
      return errors[0];
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers the contract tests for the store `open` returns (closed after each test). */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let p: string;

    beforeEach(async () => {
      store = await open();
      p = `/contract/${randomUUID()}/`;
    });
    afterEach(async () => {
      await store.close();
    });

    it('counts revisions globally and versions per key', async () => {
      const r0 = await store.currentRevision();
      const a1 = await store.create(`${p}a`, enc('1'));
      assert.equal(a1.succeeded, true);
      assert.equal(a1.revision, r0 + 1);
      assert.deepEqual(
        { c: a1.kv?.createRevision, m: a1.kv?.modRevision, v: a1.kv?.version, l: a1.kv?.lease },
        { c: r0 + 1, m: r0 + 1, v: 1, l: 0 },
      );
      const a2 = await store.update(`${p}a`, enc('2'), a1.revision);
      assert.equal(a2.succeeded, true);
      assert.equal(a2.revision, r0 + 2);
      assert.equal(a2.kv?.version, 2);
      assert.equal(a2.kv?.createRevision, r0 + 1);
      const b = await store.create(`${p}b`, enc('b'));
      assert.equal(b.revision, r0 + 3);
      const del = await store.delete(`${p}a`);
      assert.equal(del.succeeded, true);
      assert.equal(del.revision, r0 + 4);
      assert.equal(dec(del.kv!.value), '2', 'delete answers the key as it was');
      assert.equal((await store.get(`${p}a`)).kv, undefined);
      const again = await store.create(`${p}a`, enc('3'));
      assert.equal(again.revision, r0 + 5);
      assert.equal(again.kv?.version, 1, 'version restarts after a delete');
      assert.equal(again.kv?.createRevision, r0 + 5);
      assert.equal(await store.currentRevision(), r0 + 5);
      const got = await store.get(`${p}a`);
      assert.equal(got.revision, r0 + 5);
      assert.equal(dec(got.kv!.value), '3');
      assert.equal(got.kv!.modRevision, r0 + 5);
    });

    it('fails compares without a new revision, answering the current value', async () => {
      const c = await store.create(`${p}k`, enc('v1'));
      const u = await store.update(`${p}k`, enc('v2'), c.revision);
      const r = await store.currentRevision();

      const dupe = await store.create(`${p}k`, enc('x'));
      assert.equal(dupe.succeeded, false);
      assert.equal(dupe.revision, r);
      assert.equal(dec(dupe.kv!.value), 'v2');
      assert.equal(dupe.kv!.modRevision, u.revision);

      const stale = await store.update(`${p}k`, enc('x'), c.revision);
      assert.equal(stale.succeeded, false);
      assert.equal(dec(stale.kv!.value), 'v2');

      const missing = await store.update(`${p}missing`, enc('x'), c.revision);
      assert.equal(missing.succeeded, false);
      assert.equal(missing.kv, undefined);
      const missingZero = await store.update(`${p}missing`, enc('x'), 0);
      assert.equal(missingZero.succeeded, false, 'update never creates');

      const staleDel = await store.delete(`${p}k`, c.revision);
      assert.equal(staleDel.succeeded, false);
      assert.equal(staleDel.kv!.modRevision, u.revision);
      const delMissing = await store.delete(`${p}missing`);
      assert.equal(delMissing.succeeded, false);
      assert.equal(delMissing.kv, undefined);

      assert.equal(await store.currentRevision(), r, 'failed writes take no revision');
      const ok = await store.delete(`${p}k`, u.revision);
      assert.equal(ok.succeeded, true);
      assert.equal(ok.revision, r + 1);
    });

    it('lets exactly one of concurrent updates from the same revision win', async () => {
      const c = await store.create(`${p}cas`, enc('0'));
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.update(`${p}cas`, enc(String(i)), c.revision)));
      assert.equal(results.filter((x) => x.succeeded).length, 1);
      const winner = results.find((x) => x.succeeded)!;
      for (const x of results.filter((y) => !y.succeeded)) assert.equal(x.kv?.modRevision, winner.revision);
    });

    it('gives concurrent writes distinct consecutive revisions', async () => {
      const r0 = await store.currentRevision();
      const n = 100;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => store.create(`${p}c${i}`, enc(String(i)))));
      const revs = results.map((x) => x.revision).sort((a, b) => a - b);
      assert.deepEqual(revs, Array.from({ length: n }, (_, i) => r0 + 1 + i));
      assert.equal((await store.range(p, { countOnly: true })).count, n);
    });

    it('ranges by prefix in key order, now and at a past revision', async () => {
      await store.create(`${p}b`, enc('b1'));
      await store.create(`${p}a`, enc('a1'));
      const c = await store.create(`${p}c`, enc('c1'));
      await store.create(`${p.slice(0, -1)}x`, enc('outside: shares the prefix minus its slash'));
      const mid = await store.currentRevision();
      const a = await store.get(`${p}a`);
      await store.update(`${p}a`, enc('a2'), a.kv!.modRevision);
      await store.delete(`${p}c`, c.revision);
      await store.create(`${p}d`, enc('d1'));

      const now = await store.range(p);
      assert.deepEqual(now.kvs.map((kv) => [kv.key.slice(p.length), dec(kv.value)]), [['a', 'a2'], ['b', 'b1'], ['d', 'd1']]);
      assert.equal(now.count, 3);
      assert.equal(now.more, false);
      assert.equal(now.revision, await store.currentRevision());

      const past = await store.range(p, { revision: mid });
      assert.equal(past.revision, mid);
      assert.deepEqual(past.kvs.map((kv) => [kv.key.slice(p.length), dec(kv.value)]), [['a', 'a1'], ['b', 'b1'], ['c', 'c1']]);
      const pastGet = await store.get(`${p}c`, mid);
      assert.equal(dec(pastGet.kv!.value), 'c1');
      assert.equal(pastGet.revision, mid);

      const counted = await store.range(p, { countOnly: true });
      assert.deepEqual({ n: counted.kvs.length, count: counted.count }, { n: 0, count: 3 });
      assert.equal((await store.range(`${p}zzz/`)).kvs.length, 0);
    });

    it('pages with limit and startKey at one revision', async () => {
      const names = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      await Promise.all(names.map((n) => store.create(p + n, enc(n))));
      const first = await store.range(p, { limit: 10 });
      assert.equal(first.kvs.length, 10);
      assert.equal(first.more, true);
      assert.equal(first.count, 25);
      const rev = first.revision;
      // Writes between pages must not show in later pages read at the first page's revision.
      await store.create(`${p}k05a`, enc('late'));
      await store.delete(`${p}k20`);
      const seen = first.kvs.map((kv) => kv.key.slice(p.length));
      let last = first.kvs[first.kvs.length - 1].key;
      let pages = 1;
      for (;;) {
        const page = await store.range(p, { limit: 10, startKey: last + '\u0000', revision: rev });
        pages++;
        assert.equal(page.count, 25 - seen.length, 'count runs from startKey on');
        seen.push(...page.kvs.map((kv) => kv.key.slice(p.length)));
        if (!page.more) break;
        last = page.kvs[page.kvs.length - 1].key;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, names);
      const exact = await store.range(p, { limit: 27 });
      assert.equal(exact.more, false, 'more is false when the limit is not reached');
      assert.equal(exact.count, 25);
    });

    it('replays a watch from a past revision, then goes live without gap or duplicate', async () => {
      const r0 = await store.currentRevision();
      for (let i = 0; i < 5; i++) await store.create(`${p}h${i}`, enc(`h${i}`));
      // Writes racing with the watch's start: each must arrive exactly once.
      const racing = Array.from({ length: 20 }, (_, i) => store.create(`${p}r${i}`, enc(`r${i}`)));
      const w = await collect(store, { prefix: p, startRevision: r0 + 1 });
      await Promise.all(racing);
      for (let i = 0; i < 5; i++) await store.create(`${p}l${i}`, enc(`l${i}`));
      await store.create(`/elsewhere/${randomUUID()}`, enc('not under the prefix'));
      const events = await w.waitFor(30);
      await sleep(200);
      assert.equal(w.events.length, 30);
      assert.deepEqual(
        events.map((e) => e.kv.modRevision),
        Array.from({ length: 30 }, (_, i) => r0 + 1 + i),
      );
      assert.ok(events.every((e) => e.type === 'PUT' && e.kv.key.startsWith(p)));
      await w.watch.cancel();
    });

    it('sends prevKv and DELETE events', async () => {
      const w = await collect(store, { prefix: p });
      const c = await store.create(`${p}x`, enc('one'));
      const u = await store.update(`${p}x`, enc('two'), c.revision);
      const d = await store.delete(`${p}x`);
      const [e1, e2, e3] = await w.waitFor(3);
      assert.equal(e1.type, 'PUT');
      assert.equal(e1.prevKv, undefined);
      assert.equal(e1.kv.version, 1);
      assert.equal(e2.type, 'PUT');
      assert.equal(dec(e2.kv.value), 'two');
      assert.equal(dec(e2.prevKv!.value), 'one');
      assert.equal(e2.prevKv!.modRevision, c.revision);
      assert.equal(e2.prevKv!.version, 1);
      assert.equal(e3.type, 'DELETE');
      assert.equal(e3.kv.key, `${p}x`);
      assert.equal(e3.kv.modRevision, d.revision);
      assert.equal(dec(e3.prevKv!.value), 'two');
      assert.equal(e3.prevKv!.modRevision, u.revision);
      assert.equal(e3.prevKv!.version, 2);
      await w.watch.cancel();
      // Replayed history carries the same prevKv.
      const h = await collect(store, { prefix: p, startRevision: c.revision });
      const replay = await h.waitFor(3);
      assert.deepEqual(
        replay.map((e) => [e.type, e.kv.modRevision, e.prevKv?.modRevision, e.prevKv && dec(e.prevKv.value)]),
        [['PUT', c.revision, undefined, undefined], ['PUT', u.revision, c.revision, 'one'], ['DELETE', d.revision, u.revision, 'two']],
      );
      await h.watch.cancel();
    });

    it('watches from now by default, and stops delivering after cancel', async () => {
      await store.create(`${p}before`, enc('x'));
      const w = await collect(store, { prefix: p });
      await store.create(`${p}after`, enc('y'));
      const [e] = await w.waitFor(1);
      assert.equal(e.kv.key, `${p}after`);
      await w.watch.cancel();
      await store.create(`${p}cancelled`, enc('z'));
      await sleep(300);
      assert.equal(w.events.length, 1);
    });

    it('deletes the keys of an expired lease, with DELETE events', async () => {
      const lease = await store.grantLease(1);
      assert.ok(Number.isSafeInteger(lease) && lease > 0);
      const c = await store.create(`${p}leased`, enc('v'), lease);
      assert.equal(c.kv?.lease, lease);
      assert.equal((await store.get(`${p}leased`)).kv?.lease, lease);
      await store.create(`${p}kept`, enc('v'));
      const w = await collect(store, { prefix: p });
      const [e] = await w.waitFor(1, 15_000);
      assert.equal(e.type, 'DELETE');
      assert.equal(e.kv.key, `${p}leased`);
      assert.equal(e.prevKv?.lease, lease);
      assert.equal((await store.get(`${p}leased`)).kv, undefined);
      assert.ok((await store.get(`${p}kept`)).kv);
      await assert.rejects(store.create(`${p}late`, enc('v'), lease), LeaseNotFoundError);
      await w.watch.cancel();
    });

    it('revokes a lease, deleting its keys', async () => {
      const lease = await store.grantLease(60);
      await store.create(`${p}a`, enc('a'), lease);
      const b = await store.create(`${p}b`, enc('b'));
      await store.update(`${p}b`, enc('b2'), b.revision, lease);
      const w = await collect(store, { prefix: p });
      await store.revokeLease(lease);
      assert.deepEqual((await store.range(p)).kvs, []);
      const events = await w.waitFor(2);
      assert.deepEqual(events.map((e) => [e.type, e.kv.key.slice(p.length)]).sort(), [['DELETE', 'a'], ['DELETE', 'b']]);
      // etcd deletes a lease's keys in one revision, SQLite in one each: either way a revision never spans two calls.
      const callOf = new Map<number, number>();
      w.calls.forEach((call, i) => {
        for (const e of call) {
          assert.equal(callOf.get(e.kv.modRevision) ?? i, i, `revision ${e.kv.modRevision} split across calls`);
          callOf.set(e.kv.modRevision, i);
        }
      });
      await w.watch.cancel();
      await assert.rejects(store.revokeLease(lease), LeaseNotFoundError);
      await assert.rejects(store.create(`${p}x`, enc('v'), lease), LeaseNotFoundError);
    });

    it('compacts: older reads and watches fail with CompactedError', async () => {
      const c = await store.create(`${p}k`, enc('1'));
      const u = await store.update(`${p}k`, enc('2'), c.revision);
      await store.update(`${p}k`, enc('3'), u.revision);
      const tomb = await store.create(`${p}gone`, enc('x'));
      await store.delete(`${p}gone`);
      const target = await store.currentRevision();
      await store.create(`${p}after`, enc('y'));
      await store.compact(target);
      assert.equal(await store.compactRevision(), target);

      await assert.rejects(store.range(p, { revision: target - 1 }), (err: unknown) => {
        assert.ok(err instanceof CompactedError);
        assert.equal(err.requestedRevision, target - 1);
        assert.equal(err.compactRevision, target);
        return true;
      });
      await assert.rejects(store.get(`${p}k`, c.revision), CompactedError);
      const atTarget = await store.range(p, { revision: target });
      assert.deepEqual(atTarget.kvs.map((kv) => [kv.key.slice(p.length), dec(kv.value)]), [['k', '3']]);
      assert.equal((await store.get(`${p}gone`, target)).kv, undefined);
      assert.ok(tomb.revision < target);

      const w = await collect(store, { prefix: p, startRevision: target - 1 });
      const err = await w.waitForError();
      assert.ok(err instanceof CompactedError, `expected CompactedError, got ${err}`);
      assert.equal(err.compactRevision, target);
      assert.equal(w.events.length, 0);

      // A watch from the compact revision itself still works.
      const ok = await collect(store, { prefix: p, startRevision: target + 1 });
      const [e] = await ok.waitFor(1);
      assert.equal(e.kv.key, `${p}after`);
      await ok.watch.cancel();

      await assert.rejects(store.compact(target), CompactedError);
    });

    it('replays prevKv after a compaction: the previous rows that events still need are kept', async () => {
      const a = await store.create(`${p}a`, enc('a1'));
      const a2 = await store.update(`${p}a`, enc('a2'), a.revision);
      const b = await store.create(`${p}b`, enc('b1'));
      const target = await store.currentRevision();
      await store.compact(target);
      const a3 = await store.update(`${p}a`, enc('a3'), a2.revision);
      const bGone = await store.delete(`${p}b`);
      const h = await collect(store, { prefix: p, startRevision: target + 1 });
      const replay = await h.waitFor(2);
      assert.deepEqual(
        replay.map((e) => [e.type, e.kv.modRevision, e.prevKv?.modRevision, e.prevKv && dec(e.prevKv.value), e.prevKv?.version]),
        [['PUT', a3.revision, a2.revision, 'a2', 2], ['DELETE', bGone.revision, b.revision, 'b1', 1]],
      );
      await h.watch.cancel();
    });

    it('refuses future revisions', async () => {
      const r = await store.currentRevision();
      await assert.rejects(store.range(p, { revision: r + 100 }), (err: unknown) => {
        assert.ok(err instanceof FutureRevisionError);
        assert.equal(err.requestedRevision, r + 100);
        assert.equal(err.currentRevision, r);
        return true;
      });
      await assert.rejects(store.get(`${p}k`, r + 1), FutureRevisionError);
      await assert.rejects(store.compact(r + 100), FutureRevisionError);
    });

    it('ranges and watches more than 4 MiB at once (no gRPC default receive limit)', async () => {
      // kube-apiserver lists a few thousand ~8 KB pods in one range and replays them in one
      // watch batch; etcd's own client sets no receive limit, so neither may we.
      const n = 48;
      const size = 96 * 1024; // under etcd's 1.5 MiB request limit; n * size = 4.5 MiB
      const valueOf = (i: number, gen: number) => new Uint8Array(size).fill(i * 2 + gen + 1);
      const key = (i: number) => `${p}big${String(i).padStart(3, '0')}`;
      const r0 = await store.currentRevision();
      const live = await collect(store, { prefix: p });
      const created = await Promise.all(Array.from({ length: n }, (_, i) => store.create(key(i), valueOf(i, 0))));
      assert.ok(created.every((c) => c.succeeded));
      const updated = await Promise.all(created.map((c, i) => store.update(key(i), valueOf(i, 1), c.revision)));
      assert.ok(updated.every((u) => u.succeeded));

      const all = await store.range(p);
      assert.equal(all.kvs.length, n);
      all.kvs.forEach((kv, i) => {
        assert.equal(kv.key, key(i));
        assert.equal(kv.value.length, size);
        assert.equal(kv.value[size - 1], i * 2 + 2);
      });
      const past = await store.range(p, { revision: r0 + n });
      assert.equal(past.kvs.length, n);
      assert.ok(past.kvs.every((kv, i) => kv.value[0] === i * 2 + 1));

      // A replay from the first create: every event (value and prevKv) in as few batches as the backend likes.
      const replay = await collect(store, { prefix: p, startRevision: r0 + 1 });
      for (const w of [replay, live]) {
        const events = await w.waitFor(2 * n, 30_000);
        assert.equal(events.length, 2 * n);
        assert.deepEqual(
          events.map((e) => e.kv.modRevision),
          Array.from({ length: 2 * n }, (_, i) => r0 + 1 + i),
        );
        const bytes = events.reduce((sum, e) => sum + e.kv.value.length + (e.prevKv?.value.length ?? 0), 0);
        assert.equal(bytes, 3 * n * size);
        assert.deepEqual(w.errors, []);
        await w.watch.cancel();
      }
    });

    it('reports its size on disk', async () => {
      await store.create(`${p}k`, new Uint8Array(10_000));
      assert.ok((await store.dbSize()) > 10_000);
    });
  });
}
