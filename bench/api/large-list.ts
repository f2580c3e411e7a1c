/**
 * One namespace of 5,000 running pods (upstream's per-namespace threshold is 3,000; this
 * is a notch past it), then the full unpaginated list — what an informer's initial list
 * or `kubectl get pods -o json` asks for — as JSON and as the Table `kubectl get pods`
 * asks for. Timed from request to the last byte received; the client neither joins nor decodes the body.
 */
import { TABLE_ACCEPT, type BenchClient } from '../lib/kube-client.js';
import { round, runConcurrent, summarize, type LatencySummary } from '../lib/stats.js';
import { runningStatus } from './fixtures.js';
import { createNamespace, fill } from './latency.js';

/** A timed list, or why the server could not answer it (a finding to report, not a reason to stop the run). */
export type ListTiming = (LatencySummary & { bytes: number }) | { error: string };

export interface LargeListResult {
  pods: number;
  createPodsPerSec: number;
  statusUpdatesPerSec: number;
  json: ListTiming;
  table: ListTiming;
}

export interface LargeListConfig {
  pods: number;
  iterations: number;
  writers: number;
}

interface PodObj {
  metadata: { name: string };
  status?: object;
}

async function timeList(client: BenchClient, path: string, accept: string, iterations: number, expectItems: (body: Buffer) => number, want: number): Promise<ListTiming> {
  const first = await client.request('GET', path, undefined, accept);
  if (first.status !== 200) return { error: `HTTP ${first.status}: ${first.body.toString('utf8', 0, 300)}` };
  const items = expectItems(first.body);
  if (items !== want) throw new Error(`GET ${path} (${accept}) returned ${items} items, want ${want}`);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    const res = await client.request('GET', path, undefined, accept, { discardBody: true });
    samples.push(performance.now() - t);
    if (res.status !== 200) return { error: `HTTP ${res.status} on iteration ${i}: ${res.body.toString('utf8', 0, 300)}` };
  }
  return { ...summarize(samples), bytes: first.body.length };
}

export async function measureLargeList(client: BenchClient, cfg: LargeListConfig, progress: (line: string) => void): Promise<LargeListResult> {
  const ns = 'bench-list-5k';
  await createNamespace(client, ns);
  const created = await fill(client, 'pods', ns, 'web-7d9c8b6f5c', cfg.pods, cfg.writers);
  const createPodsPerSec = round(cfg.pods / (created.wallMs / 1000), 0);
  progress(`created ${cfg.pods} pods: ${createPodsPerSec} pods/s with ${cfg.writers} clients`);
  const pods = created.objects as PodObj[];
  const statuses = await runConcurrent(cfg.pods, cfg.writers, async (i) => {
    const p = pods[i];
    p.status = runningStatus(i);
    await client.json('PUT', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}/status`, p);
  });
  const statusUpdatesPerSec = round(cfg.pods / (statuses.wallMs / 1000), 0);
  progress(`set ${cfg.pods} pods Running: ${statusUpdatesPerSec} status updates/s`);

  const path = `/api/v1/namespaces/${ns}/pods`;
  const items = (b: Buffer) => (JSON.parse(b.toString('utf8')) as { items?: unknown[] }).items?.length ?? -1;
  const rows = (b: Buffer) => (JSON.parse(b.toString('utf8')) as { rows?: unknown[] }).rows?.length ?? -1;
  const describe = (t: ListTiming) => ('error' in t ? `failed: ${t.error}` : `${(t.bytes / 2 ** 20).toFixed(1)} MiB, p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms`);
  const json = await timeList(client, path, 'application/json', cfg.iterations, items, cfg.pods);
  progress(`list ${cfg.pods} pods as JSON: ${describe(json)}`);
  const table = await timeList(client, path, TABLE_ACCEPT, cfg.iterations, rows, cfg.pods);
  progress(`list ${cfg.pods} pods as Table: ${describe(table)}`);
  return { pods: cfg.pods, createPodsPerSec, statusUpdatesPerSec, json, table };
}
