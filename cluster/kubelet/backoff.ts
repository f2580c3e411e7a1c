/**
 * Per-key exponential back-off, as client-go's flowcontrol.Backoff that the kubelet uses
 * for CrashLoopBackOff and ImagePullBackOff: 10 s initial, doubling, capped at 5 min
 * (pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff); an entry quiet for twice
 * the cap starts over.
 */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdateMs: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly initialMs = INITIAL_BACKOFF_MS,
    readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  private expired(eventMs: number, e: Entry): boolean {
    return eventMs - e.lastUpdateMs > 2 * this.maxMs;
  }

  /** The current back-off of `key` (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records one more failure at `eventMs`: the first sets the initial back-off, later ones double it. */
  next(key: string, eventMs: number = this.now()): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdateMs: eventMs });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdateMs = eventMs;
  }

  /** flowcontrol IsInBackOffSince: less than the back-off has passed since `eventMs` (a container's finish). */
  isInBackOffSince(key: string, eventMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) return false;
    return this.now() - eventMs < e.backoffMs;
  }

  /** flowcontrol IsInBackOffSinceUpdate: less than the back-off has passed since the last failure (image pulls). */
  isInBackOffSinceUpdate(key: string, eventMs: number = this.now()): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) return false;
    return eventMs - e.lastUpdateMs < e.backoffMs;
  }

  /** Milliseconds until `key` may be retried, measured from `sinceMs`. */
  remaining(key: string, sinceMs: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, sinceMs + e.backoffMs - this.now()) : 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (a deleted pod's). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** A duration as Go's time.Duration.String prints it (whole seconds, or milliseconds below one): 500ms, 10s, 1m20s, 5m0s, 1h0m0s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
