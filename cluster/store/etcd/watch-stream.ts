/**
 * One etcd watch on its own gRPC Watch stream. etcd3's WatchBuilder resumes from the
 * *header* revision after a reconnect, which can skip events still being replayed, and
 * hides the compact revision of a cancelled watch; so we drive the raw stream: resume
 * from the last delivered event's revision + 1 (clientv3's behaviour), on any member.
 */
import etcd3 from 'etcd3';
import type { IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import { CompactedError, type Watch, type WatchEvent, type WatchHandlers } from '../types.js';
import { prefixRangeEnd } from '../keys.js';
import { toKv } from './convert.js';

type WatchClient = InstanceType<typeof etcd3.WatchClient>;

/**
 * gRPC status codes after which a new stream can make progress (clientv3's isHaltErr:
 * Unavailable means the cluster will be right back, Internal a broken frame). Cancelled and
 * DeadlineExceeded come from a member going away under us. Anything else (RESOURCE_EXHAUSTED
 * for a response over the receive limit, INVALID_ARGUMENT, PERMISSION_DENIED, ...) would fail
 * the same way on every retry, so the watch ends and reports it. Numbers from the gRPC spec
 * (doc/statuscodes.md): @grpc/grpc-js is etcd3's dependency, not ours.
 */
const RETRYABLE_CODES = new Set([
  1, // CANCELLED
  4, // DEADLINE_EXCEEDED
  13, // INTERNAL
  14, // UNAVAILABLE
]);

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;
const ESTABLISH_TIMEOUT_MS = 15_000;

export class EtcdWatch implements Watch {
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  /** Revision to (re)start from: 0 until known when the caller asked for "from now". */
  private nextRevision: number;
  private cancelled = false;
  private backoff = MIN_BACKOFF_MS;
  private established: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly client: WatchClient,
    private readonly prefix: string,
    startRevision: number,
    private readonly handlers: WatchHandlers,
  ) {
    this.nextRevision = startRevision;
  }

  /** Resolves when etcd has created the watch (changes after this point are delivered). */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.established = undefined;
        void this.cancel();
        reject(new Error(`etcd watch on ${this.prefix} not established within ${ESTABLISH_TIMEOUT_MS} ms`));
      }, ESTABLISH_TIMEOUT_MS);
      this.established = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      void this.connect();
    });
  }

  async cancel(): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.on('error', () => {}); // the CANCELLED status that follows is expected
      s.cancel();
    }
  }

  private async connect(): Promise<void> {
    if (this.cancelled) return;
    let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
    try {
      stream = await this.client.watch();
    } catch {
      this.reconnectLater();
      return;
    }
    if (this.cancelled) {
      stream.on('error', () => {});
      stream.cancel();
      return;
    }
    this.stream = stream;
    const key = Buffer.from(this.prefix);
    // A replaced or cancelled stream's late responses are ignored (this.stream moved on).
    stream.on('data', (res: IWatchResponse) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on('error', (err: Error & { code?: number }) => this.onBroken(stream, err));
    stream.on('end', () => this.onBroken(stream, undefined));
    stream.write({
      create_request: {
        key,
        range_end: prefixRangeEnd(key),
        start_revision: this.nextRevision,
        prev_kv: true,
      },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.cancelled) return;
    if (res.created && !res.canceled) {
      this.backoff = MIN_BACKOFF_MS;
      // "From now": pin the revision so a reconnect neither skips nor repeats.
      if (this.nextRevision === 0) this.nextRevision = Number(res.header.revision) + 1;
      this.established?.resolve();
      this.established = undefined;
    }
    if (res.events.length > 0) {
      // etcd sends all events of one revision in one response (no fragmentation asked).
      const events: WatchEvent[] = res.events.map((e) => ({
        type: e.type === 'Delete' ? 'DELETE' : 'PUT',
        kv: toKv(e.kv),
        prevKv: e.prev_kv ? toKv(e.prev_kv) : undefined,
      }));
      this.nextRevision = events[events.length - 1].kv.modRevision + 1;
      this.handlers.onEvents(events);
    }
    if (res.canceled) {
      const compactRevision = Number(res.compact_revision);
      const err =
        compactRevision > 0
          ? new CompactedError(this.nextRevision, compactRevision)
          : new Error(`etcd cancelled the watch on ${this.prefix}: ${res.cancel_reason || 'no reason given'}`);
      // Compaction is reported after creation; either way the caller learns it through onError.
      this.fail(err);
    }
  }

  /** The stream ended or failed: resume on a new one, or end the watch when that cannot help. */
  private onBroken(stream: IDuplexStream<IWatchRequest, IWatchResponse>, err: (Error & { code?: number }) | undefined): void {
    if (this.cancelled || this.stream !== stream) return;
    this.stream = undefined;
    stream.on('error', () => {});
    stream.cancel();
    if (err && err.code !== undefined && !RETRYABLE_CODES.has(err.code)) {
      this.fail(new Error(`etcd watch on ${this.prefix} failed: ${err.message}`, { cause: err }));
      return;
    }
    this.reconnectLater();
  }

  /** Ends the watch: no more events, the error goes to onError (after start() resolved). */
  private fail(err: Error): void {
    void this.cancel();
    if (this.established) {
      this.established.resolve();
      this.established = undefined;
    }
    this.handlers.onError(err);
  }

  private reconnectLater(): void {
    if (this.cancelled) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    setTimeout(() => void this.connect(), delay).unref();
  }
}
