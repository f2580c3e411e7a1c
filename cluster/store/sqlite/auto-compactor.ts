/**
 * kube-apiserver's compactor (storage/etcd3/compact.go, --etcd-compaction-interval=5m):
 * at every tick, compact to the revision seen at the previous tick, so about one interval
 * of history stays available to watches resuming from an older resourceVersion. We also
 * always keep the last `minRetainRevisions` revisions.
 */
export interface Compactable {
  currentRevision(): Promise<number>;
  compactRevision(): Promise<number>;
  compact(revision: number): Promise<void>;
}

export function startAutoCompactor(store: Compactable, intervalMs: number, minRetainRevisions: number): () => void {
  let previousTick = 0;
  let running = false;
  void store.currentRevision().then((r) => (previousTick = r));
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      const current = await store.currentRevision();
      const target = Math.min(previousTick, current - minRetainRevisions);
      previousTick = current;
      if (target > (await store.compactRevision())) await store.compact(target);
    })()
      .catch((err: unknown) => console.error('store: automatic compaction failed:', err))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
