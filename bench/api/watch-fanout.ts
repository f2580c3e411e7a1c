/**
 * Watch fan-out: W watchers on one namespace's ConfigMaps (each on its own connection,
 * as W informers would be), then updates to those ConfigMaps. For every (update, watcher)
 * pair it records when the event arrived, relative to when the write was sent and when
 * its response (the acknowledgement) arrived. Two phases: paced (one write at a time,
 * each waits until every watcher has it: pure delivery latency) and burst (several
 * writers flat out: delivered events/s and latency under load).
 */
import type { BenchClient, WatchStream } from '../lib/kube-client.js';
import { round, runConcurrent, summarize, type LatencySummary } from '../lib/stats.js';
import { configMap } from './fixtures.js';
import { createNamespace } from './latency.js';

export interface WatchPhaseResult {
  updates: number;
  /** Event received by a watcher, measured from the write's acknowledgement; an event that beats the acknowledgement counts as 0. */
  afterAck: LatencySummary;
  /** The same, measured from when the write was sent (includes the write's own latency). */
  fromSend: LatencySummary;
  /** Share of deliveries that arrived before the write's response did. */
  beforeAckShare: number;
  /** Events delivered to all watchers together, per second, from the first write to the last delivery. */
  eventsPerSec: number;
}

export interface WatchFanoutResult {
  watchers: number;
  paced: WatchPhaseResult;
  burst: WatchPhaseResult & { writers: number };
}

export interface WatchFanoutConfig {
  watchers: number;
  pacedUpdates: number;
  burstUpdates: number;
  burstWriters: number;
}

interface Write {
  sentAt: number;
  ackAt?: number;
  received: number[];
}

interface CM {
  metadata: { name: string; resourceVersion: string };
  data?: Record<string, string>;
}

class DeliveryTracker {
  readonly writes = new Map<string, Write>();
  delivered = 0;
  private wake: (() => void) | undefined;

  entry(rv: string): Write {
    let w = this.writes.get(rv);
    if (!w) this.writes.set(rv, (w = { sentAt: Number.NaN, received: [] }));
    return w;
  }

  onEvent(rv: string, at: number): void {
    this.entry(rv).received.push(at);
    this.delivered++;
    this.wake?.();
  }

  /** Waits until `done()` holds, re-checking on every delivery. */
  async until(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`watch fan-out: timed out waiting for ${what()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        this.wake = () => (clearTimeout(t), resolve());
      });
    }
  }
}

function phaseResult(writes: Write[], watchers: number, startedAt: number): WatchPhaseResult {
  const afterAck: number[] = [];
  const fromSend: number[] = [];
  let early = 0;
  let last = startedAt;
  for (const w of writes) {
    for (const r of w.received) {
      const ack = w.ackAt ?? Number.NaN;
      if (r < ack) early++;
      afterAck.push(Math.max(0, r - ack));
      fromSend.push(r - w.sentAt);
      last = Math.max(last, r);
    }
  }
  return {
    updates: writes.length,
    afterAck: summarize(afterAck),
    fromSend: summarize(fromSend),
    beforeAckShare: round(early / Math.max(1, afterAck.length), 3),
    eventsPerSec: round((writes.length * watchers) / ((last - startedAt) / 1000), 0),
  };
}

export async function measureWatchFanout(client: BenchClient, cfg: WatchFanoutConfig, progress: (line: string) => void): Promise<WatchFanoutResult> {
  const ns = 'bench-watch';
  await createNamespace(client, ns);
  const base = `/api/v1/namespaces/${ns}/configmaps`;
  // One object per burst writer, updated only by that writer, so updates never conflict.
  const objects: CM[] = [];
  for (let i = 0; i < cfg.burstWriters; i++) objects.push(await client.json<CM>('POST', base, configMap(ns, `watched-${i}`, i)));
  const listRV = (await client.json<{ metadata: { resourceVersion: string } }>('GET', base)).metadata.resourceVersion;

  const tracker = new DeliveryTracker();
  const streams: WatchStream[] = [];
  try {
    await runConcurrent(cfg.watchers, 10, async () => {
      streams.push(
        await client.watch(`${base}?watch=true&resourceVersion=${listRV}&timeoutSeconds=1800`, (e, at) => {
          const rv = e.object.metadata?.resourceVersion;
          if (e.type === 'MODIFIED' && rv) tracker.onEvent(rv, at);
        }),
      );
    });
    progress(`${cfg.watchers} watchers connected`);

    const update = async (i: number, k: number): Promise<Write> => {
      const next = structuredClone(objects[k]);
      next.data = { ...next.data, 'log-level': `level-${i}` };
      const sentAt = performance.now();
      const res = await client.request('PUT', `${base}/${next.metadata.name}`, next);
      const ackAt = performance.now();
      if (res.status !== 200) throw new Error(`PUT ${next.metadata.name}: HTTP ${res.status}: ${res.body.toString('utf8', 0, 300)}`);
      objects[k] = JSON.parse(res.body.toString('utf8')) as CM;
      const w = tracker.entry(objects[k].metadata.resourceVersion);
      w.sentAt = sentAt;
      w.ackAt = ackAt;
      return w;
    };

    const paced: Write[] = [];
    const pacedStart = performance.now();
    for (let i = 0; i < cfg.pacedUpdates; i++) {
      const w = await update(i, i % objects.length);
      paced.push(w);
      await tracker.until(() => w.received.length >= cfg.watchers, 30_000, () => `update ${i}: ${w.received.length} of ${cfg.watchers} watchers`);
    }
    const pacedResult = phaseResult(paced, cfg.watchers, pacedStart);
    progress(`paced: delivery after ack p50 ${pacedResult.afterAck.p50Ms} ms, p99 ${pacedResult.afterAck.p99Ms} ms`);

    const burst: Write[] = [];
    const target = tracker.delivered + cfg.burstUpdates * cfg.watchers;
    const burstStart = performance.now();
    await runConcurrent(cfg.burstUpdates, cfg.burstWriters, async (i, writer) => void burst.push(await update(cfg.pacedUpdates + i, writer)));
    await tracker.until(() => tracker.delivered >= target, 120_000, () => `burst: ${tracker.delivered} of ${target} deliveries`);
    const burstResult = { ...phaseResult(burst, cfg.watchers, burstStart), writers: cfg.burstWriters };
    progress(`burst: ${burstResult.eventsPerSec} events/s delivered, after-ack p50 ${burstResult.afterAck.p50Ms} ms, p99 ${burstResult.afterAck.p99Ms} ms`);
    return { watchers: cfg.watchers, paced: pacedResult, burst: burstResult };
  } finally {
    for (const s of streams) s.close();
  }
}
