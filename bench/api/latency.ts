/**
 * Request latency of the four everyday verbs — create, get, list (a namespace of 100
 * objects) and update — at 1, 10 and 50 concurrent clients, for ConfigMaps and Pods.
 * Each client has its own keep-alive connection and sends its next request as soon as
 * the previous one is answered (a closed loop, like kine's loadmap test).
 */
import type { BenchClient } from '../lib/kube-client.js';
import { runConcurrent, summarize, type LatencySummary } from '../lib/stats.js';
import { configMap, namespace, pod } from './fixtures.js';

export type Verb = 'create' | 'get' | 'list' | 'update';
export type Kind = 'configmaps' | 'pods';

export interface LatencyRow extends LatencySummary {
  resource: Kind;
  verb: Verb;
  clients: number;
  /** Requests answered per second over the whole step. */
  requestsPerSec: number;
  errors: number;
}

export interface LatencyConfig {
  clientCounts: number[];
  /** Requests per (resource, verb, clients) step; at least this many objects are created per step. */
  requestsPerStep: (clients: number) => number;
  listSize: number;
}

interface Obj {
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

const build = (kind: Kind, ns: string, name: string, i: number) => (kind === 'pods' ? pod(ns, name, i) : configMap(ns, name, i));

export async function createNamespace(client: BenchClient, name: string): Promise<void> {
  await client.json('POST', '/api/v1/namespaces', namespace(name));
}

/** Creates `count` objects in `ns` with `clients` in parallel; returns them as the server stored them. */
export async function fill(client: BenchClient, kind: Kind, ns: string, prefix: string, count: number, clients: number): Promise<{ objects: Obj[]; latencies: number[]; wallMs: number }> {
  const objects: Obj[] = new Array(count);
  const run = await runConcurrent(count, clients, async (i) => {
    const name = `${prefix}-${String(i).padStart(5, '0')}`;
    objects[i] = await client.json<Obj>('POST', `/api/v1/namespaces/${ns}/${kind}`, build(kind, ns, name, i));
  });
  return { objects, ...run };
}

/**
 * Opens `clients` keep-alive connections before a step is timed: a TLS handshake (with the
 * client certificate) costs both sides a few milliseconds of CPU, and 40 of them at the start
 * of a 50-client step were its p99. Upstream's SLI (apiserver_request_duration_seconds) leaves
 * connection set-up out too.
 */
async function warmConnections(client: BenchClient, clients: number): Promise<void> {
  await runConcurrent(clients, clients, async () => {
    await client.request('GET', '/version');
  });
}

/** Runs `n` requests with `clients` in parallel, counting non-2xx answers instead of stopping. */
async function step(clients: number, n: number, op: (i: number, worker: number) => Promise<number>): Promise<{ latencies: number[]; wallMs: number; errors: number }> {
  let errors = 0;
  const run = await runConcurrent(n, clients, async (i, worker) => {
    const status = await op(i, worker);
    if (status < 200 || status >= 300) errors++;
  });
  return { ...run, errors };
}

export async function measureLatency(client: BenchClient, cfg: LatencyConfig, progress: (line: string) => void): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const kind of ['configmaps', 'pods'] as const) {
    const listNs = `bench-lat-${kind}-list`;
    await createNamespace(client, listNs);
    await fill(client, kind, listNs, 'item', cfg.listSize, 10);
    for (const clients of cfg.clientCounts) {
      const n = cfg.requestsPerStep(clients);
      const ns = `bench-lat-${kind}-c${clients}`;
      await createNamespace(client, ns);
      await warmConnections(client, clients);
      const base = `/api/v1/namespaces/${ns}/${kind}`;
      const add = (verb: Verb, r: { latencies: number[]; wallMs: number; errors: number }) => {
        const row: LatencyRow = { resource: kind, verb, clients, ...summarize(r.latencies), requestsPerSec: Math.round(r.latencies.length / (r.wallMs / 1000)), errors: r.errors };
        rows.push(row);
        progress(`${kind} ${verb} x${clients}: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ${row.requestsPerSec} req/s${row.errors ? `, ${row.errors} errors` : ''}`);
      };

      const created = await fill(client, kind, ns, 'obj', n, clients);
      add('create', { ...created, errors: 0 });
      const latest = created.objects;

      // Reads are timed to their last byte; the body is not kept (see BenchClient.request).
      const read = async (path: string) => (await client.request('GET', path, undefined, 'application/json', { discardBody: true })).status;
      add('get', await step(clients, n, (i) => read(`${base}/${latest[i % n].metadata.name}`)));
      add('list', await step(clients, n, () => read(`/api/v1/namespaces/${listNs}/${kind}`)));
      // Worker w only updates the objects it owns (index ≡ w mod clients), so no two updates of one object are ever
      // in flight together and the optimistic-concurrency PUT never conflicts.
      const owned = Math.floor(n / clients);
      const turns = new Array<number>(clients).fill(0);
      // An answer is decoded only if its object comes up again (a worker that ran ahead wrapped around its
      // objects): mostly each is updated once per step, and decoding what is never used only loads the shared CPU.
      const answers = new Map<number, Buffer>();
      add(
        'update',
        await step(clients, n, async (i, worker) => {
          const k = worker + clients * (turns[worker]++ % owned);
          const answer = answers.get(k);
          if (answer) latest[k] = JSON.parse(answer.toString('utf8')) as Obj;
          answers.delete(k);
          const obj = latest[k];
          // The same body a deep copy would give, without spending the shared CPU on copying what does not change.
          const next: Obj =
            kind === 'configmaps'
              ? { ...obj, data: { ...obj.data, 'log-level': `debug-${i}` } }
              : { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, 'bench/update': String(i) } } };
          const res = await client.request('PUT', `${base}/${obj.metadata.name}`, next);
          if (res.status === 200) answers.set(k, res.body);
          return res.status;
        }),
      );
    }
  }
  return rows;
}
