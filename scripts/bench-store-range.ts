/**
 * Store range benchmark: what the API server's full list of 5,000 pods costs the store.
 * Fills 5,000 keys with ~8 KB JSON values, each written twice (create + status update),
 * then times range(prefix) at the current revision, at a past revision, and paged with
 * limit 500 + continuation; then adds history up to 20,000 rows and times again.
 *
 *   npx tsx scripts/bench-store-range.ts [--backend sqlite|etcd] [--store <dir with index.js>]
 *
 * `--store` points at another copy of cluster/store/sqlite (e.g. the previous code) to compare.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Store } from '../cluster/store/types.js';

const KEYS = 5000;
const VALUE_BYTES = 8 * 1024;
const REPEATS = 7;

const { values: args } = parseArgs({
  options: { backend: { type: 'string', default: 'sqlite' }, store: { type: 'string' }, keys: { type: 'string' } },
});
const keys = Number(args.keys ?? KEYS);

/** A pod-shaped JSON document of about VALUE_BYTES, distinct per key and per write. */
function podJson(i: number, gen: number): Buffer {
  const head = { kind: 'Pod', apiVersion: 'v1', metadata: { name: `pod-${i}`, namespace: 'bench', generation: gen } };
  const base = JSON.stringify({ ...head, spec: { pad: '' } });
  const pad = 'x'.repeat(Math.max(0, VALUE_BYTES - base.length));
  return Buffer.from(JSON.stringify({ ...head, spec: { pad } }));
}

const keyOf = (i: number) => `/registry/pods/bench/pod-${String(i).padStart(5, '0')}`;

async function writeAll(store: Store, gen: number, modRevs: number[]): Promise<void> {
  const CHUNK = 250;
  for (let from = 0; from < keys; from += CHUNK) {
    const batch = [];
    for (let i = from; i < Math.min(from + CHUNK, keys); i++) {
      batch.push(
        gen === 0
          ? store.create(keyOf(i), podJson(i, gen))
          : store.update(keyOf(i), podJson(i, gen), modRevs[i]),
      );
    }
    const results = await Promise.all(batch);
    results.forEach((r, j) => {
      if (!r.succeeded) throw new Error(`write ${from + j} gen ${gen} failed`);
      modRevs[from + j] = r.revision;
    });
  }
}

async function time(label: string, fn: () => Promise<number>): Promise<void> {
  const samples: number[] = [];
  let n = 0;
  await fn(); // warm-up
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    n = await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const med = samples[Math.floor(samples.length / 2)];
  console.log(`  ${label.padEnd(44)} median ${med.toFixed(1).padStart(7)} ms   min ${samples[0].toFixed(1).padStart(7)} ms   (${n} kvs)`);
}

async function measure(store: Store, pastRevision: number): Promise<void> {
  const prefix = '/registry/pods/';
  await time('range(prefix) current revision', async () => (await store.range(prefix)).kvs.length);
  await time(`range(prefix) past revision ${pastRevision}`, async () => (await store.range(prefix, { revision: pastRevision })).kvs.length);
  await time('range limit 500 + continuation (current)', async () => {
    let n = 0;
    let page = await store.range(prefix, { limit: 500 });
    const rev = page.revision;
    n += page.kvs.length;
    while (page.more) {
      page = await store.range(prefix, { limit: 500, revision: rev, startKey: page.kvs[page.kvs.length - 1].key + '\u0000' });
      n += page.kvs.length;
    }
    return n;
  });
  await time('range limit 500, first page only', async () => (await store.range(prefix, { limit: 500 })).kvs.length);
  await time('range countOnly', async () => (await store.range(prefix, { countOnly: true })).count);
}

async function openStore(dir: string): Promise<{ store: Store; stop: () => Promise<void> }> {
  if (args.backend === 'etcd') {
    const { startEtcd } = await import('../cluster/store/testing/etcd-harness.js');
    const { openEtcdStore } = await import('../cluster/store/etcd/index.js');
    const etcd = await startEtcd();
    const store = await openEtcdStore({ endpoints: etcd.endpoints });
    return { store, stop: async () => (await store.close(), await etcd.stop()) };
  }
  const mod = (await import(args.store ? path.resolve(args.store, 'index.js') : '../cluster/store/sqlite/index.js')) as typeof import('../cluster/store/sqlite/index.js');
  const store = await mod.openSqliteStore({ path: path.join(dir, 'bench.db'), compactIntervalMs: 0, synchronous: 'normal' });
  return { store, stop: () => store.close() };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubarium-bench-range-'));
  const { store, stop } = await openStore(dir);
  try {
    console.log(`backend ${args.backend}${args.store ? ` (${args.store})` : ''}: ${keys} keys x ${VALUE_BYTES} B`);
    const modRevs: number[] = [];
    const t0 = performance.now();
    await writeAll(store, 0, modRevs);
    const afterCreate = await store.currentRevision();
    await writeAll(store, 1, modRevs);
    console.log(`${keys} keys x 2 revisions (${keys * 2} rows), written in ${(performance.now() - t0).toFixed(0)} ms:`);
    await measure(store, afterCreate);
    for (let gen = 2; gen < 4; gen++) await writeAll(store, gen, modRevs);
    console.log(`${keys} keys x 4 revisions (${keys * 4} history rows):`);
    await measure(store, afterCreate);
  } finally {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
