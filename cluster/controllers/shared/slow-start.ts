/**
 * slowStartBatch (pkg/controller/replicaset): run `count` calls of `fn` in batches of
 * 1, 2, 4, ... (each batch in parallel), stopping after the first batch with a failure,
 * so a controller that cannot create pods (quota, admission) fails with one request
 * instead of hundreds. Returns how many succeeded and the first error, if any.
 */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
