/**
 * Store benchmark: the same code drives the embedded SQLite store (temp dir, fsync at
 * every commit) and a real single-member etcd on loopback (its default fsync). Measures
 * sequential put latency, concurrent put throughput, a 1000-key prefix range, and watch
 * delivery latency and throughput. Run alone with `npx tsx bench/store.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Store } from '../cluster/store/types.js';
import { openSqliteStore } from '../cluster/store/sqlite/index.js';
import { openEtcdStore } from '../cluster/store/etcd/index.js';
import { etcdUnavailableReason, startEtcd } from '../cluster/store/testing/etcd-harness.js';

export interface BackendNumbers {
  seqPutP50Ms: number;
  seqPutP99Ms: number;
  seqPutOpsPerSec: number;
  put16OpsPerSec: number;
  put16P99Ms: number;
  put64OpsPerSec: number;
  put64P99Ms: number;
  range1000P50Ms: number;
  watchLatencyP50Ms: number;
  watchLatencyP99Ms: number;
  watchEventsPerSec: number;
}

export interface StoreBenchResult {
  config: { valueBytes: number; seqPuts: number; concurrentPuts: number; watchEvents: number };
  sqlite: BackendNumbers;
  etcd: BackendNumbers | { skipped: string };
}

const VALUE_BYTES = 256;
const SEQ_PUTS = 300;
const CONCURRENT_PUTS = 3000;
const WATCH_LATENCY_PUTS = 200;
const WATCH_EVENTS = 2000;
const VALUE = new Uint8Array(VALUE_BYTES).fill(120);

const now = () => performance.now();
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function mustCreate(store: Store, key: string): Promise<void> {
  const res = await store.create(key, VALUE);
  if (!res.succeeded) throw new Error(`create ${key} failed`);
}

/** `total` creates with `inFlight` outstanding; returns ops/s and per-op latencies. */
async function concurrentPuts(store: Store, prefix: string, total: number, inFlight: number) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const i = next++;
        const s = now();
        await mustCreate(store, `${prefix}${String(i).padStart(6, '0')}`);
        latencies.push(now() - s);
      }
    }),
  );
  return { opsPerSec: total / ((now() - t0) / 1000), latencies };
}

async function measure(store: Store): Promise<BackendNumbers> {
  const run = `/bench/${Date.now()}`;
  // Warm-up: connections, statement caches, file growth.
  await concurrentPuts(store, `${run}/warm/`, 200, 16);

  const seq: number[] = [];
  const tSeq = now();
  for (let i = 0; i < SEQ_PUTS; i++) {
    const s = now();
    await mustCreate(store, `${run}/seq/${i}`);
    seq.push(now() - s);
  }
  const seqOps = SEQ_PUTS / ((now() - tSeq) / 1000);

  const c16 = await concurrentPuts(store, `${run}/c16/`, CONCURRENT_PUTS, 16);
  const c64 = await concurrentPuts(store, `${run}/c64/`, CONCURRENT_PUTS, 64);

  await concurrentPuts(store, `${run}/range/`, 1000, 64);
  const ranges: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = now();
    const res = await store.range(`${run}/range/`);
    ranges.push(now() - s);
    if (res.kvs.length !== 1000) throw new Error(`range returned ${res.kvs.length} keys`);
  }

  // Watch latency: from the write call to the event's arrival, one write at a time.
  const started = new Map<string, number>();
  const arrived: number[] = [];
  let wake: () => void = () => {};
  const w = await store.watch(
    { prefix: `${run}/watch/` },
    {
      onEvents: (events) => {
        const t = now();
        for (const e of events) {
          const s = started.get(e.kv.key);
          if (s !== undefined) arrived.push(t - s);
        }
        wake();
      },
      onError: (err) => console.error('bench watch failed:', err),
    },
  );
  const waitArrived = async (n: number) => {
    const deadline = Date.now() + 60_000;
    while (arrived.length < n) {
      if (Date.now() > deadline) throw new Error(`watch delivered ${arrived.length} of ${n} events`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        wake = () => (clearTimeout(t), r());
      });
    }
  };
  for (let i = 0; i < WATCH_LATENCY_PUTS; i++) {
    const key = `${run}/watch/lat/${i}`;
    started.set(key, now());
    await mustCreate(store, key);
    await waitArrived(i + 1);
  }
  const latency = [...arrived];
  // Watch throughput: 64 writers; from the first write to the last event delivered.
  arrived.length = 0;
  started.clear();
  const tw = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < WATCH_EVENTS) {
        const key = `${run}/watch/tp/${next++}`;
        started.set(key, now());
        await mustCreate(store, key);
      }
    }),
  );
  await waitArrived(WATCH_EVENTS);
  const watchEps = WATCH_EVENTS / ((now() - tw) / 1000);
  await w.cancel();

  return {
    seqPutP50Ms: round(pct(seq, 50)),
    seqPutP99Ms: round(pct(seq, 99)),
    seqPutOpsPerSec: round(seqOps, 0),
    put16OpsPerSec: round(c16.opsPerSec, 0),
    put16P99Ms: round(pct(c16.latencies, 99)),
    put64OpsPerSec: round(c64.opsPerSec, 0),
    put64P99Ms: round(pct(c64.latencies, 99)),
    range1000P50Ms: round(pct(ranges, 50)),
    watchLatencyP50Ms: round(pct(latency, 50)),
    watchLatencyP99Ms: round(pct(latency, 99)),
    watchEventsPerSec: round(watchEps, 0),
  };
}

const LABELS: Record<keyof BackendNumbers, string> = {
  seqPutP50Ms: 'sequential put p50 (ms)',
  seqPutP99Ms: 'sequential put p99 (ms)',
  seqPutOpsPerSec: 'sequential put (ops/s)',
  put16OpsPerSec: 'put, 16 in flight (ops/s)',
  put16P99Ms: 'put, 16 in flight p99 (ms)',
  put64OpsPerSec: 'put, 64 in flight (ops/s)',
  put64P99Ms: 'put, 64 in flight p99 (ms)',
  range1000P50Ms: 'range 1000 keys p50 (ms)',
  watchLatencyP50Ms: 'watch delivery p50 (ms)',
  watchLatencyP99Ms: 'watch delivery p99 (ms)',
  watchEventsPerSec: 'watch, 64 writers (events/s)',
};

function printTable(result: StoreBenchResult): void {
  const etcd = 'skipped' in result.etcd ? undefined : result.etcd;
  const rows = (Object.keys(LABELS) as Array<keyof BackendNumbers>).map((k) => [
    LABELS[k],
    String(result.sqlite[k]),
    etcd ? String(etcd[k]) : '-',
  ]);
  const header = ['metric', 'sqlite (fsync)', 'etcd (fsync)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\nStore benchmark (${VALUE_BYTES}-byte values, ${os.cpus().length} cores)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  if (!etcd) console.log(`etcd: ${(result.etcd as { skipped: string }).skipped}`);
}

export async function benchStore(): Promise<StoreBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubarium-bench-store-'));
  let sqlite: BackendNumbers;
  try {
    const store = await openSqliteStore({ path: path.join(dir, 'bench.db'), compactIntervalMs: 0, synchronous: 'full' });
    try {
      sqlite = await measure(store);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  let etcd: BackendNumbers | { skipped: string };
  const reason = etcdUnavailableReason();
  if (reason) {
    etcd = { skipped: reason };
  } else {
    const server = await startEtcd();
    try {
      const store = await openEtcdStore({ endpoints: server.endpoints });
      try {
        etcd = await measure(store);
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
    }
  }

  const result: StoreBenchResult = {
    config: { valueBytes: VALUE_BYTES, seqPuts: SEQ_PUTS, concurrentPuts: CONCURRENT_PUTS, watchEvents: WATCH_EVENTS },
    sqlite,
    etcd,
  };
  printTable(result);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await benchStore();
}
