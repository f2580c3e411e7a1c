/** Latency summaries: nearest-rank percentiles over raw samples (no histogram buckets, so small runs stay exact). */

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of `samples` (ms); NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function summarize(samples: readonly number[]): LatencySummary {
  return {
    count: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(samples.length ? Math.max(...samples) : Number.NaN),
  };
}

/** Runs `total` calls of `op(i)` with `concurrency` callers in parallel; returns each call's latency (ms) and the wall time. */
export async function runConcurrent(total: number, concurrency: number, op: (i: number, worker: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < total; i = next++) {
        const s = performance.now();
        await op(i, worker);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - t0 };
}
