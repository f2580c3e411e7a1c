/**
 * EventRecorder, as client-go's tools/record: components report what they did as
 * core/v1 Events about an object (`kubectl describe` shows them). Writes happen in the
 * background, one at a time, so recording never blocks a reconcile. Repeats of the same
 * (object, type, reason, message) within 10 minutes PATCH the existing Event's count and
 * lastTimestamp instead of creating another (the EventCorrelator's dedup); new Events
 * are named `<object-name>.<unix-nanos in hex>` as upstream names them.
 */
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../api/status.js';
import { EVENTS } from './gvr.js';
import type { KubeObject, RestClient } from './rest-client.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: RestClient;
  /** source.component / reportingComponent, e.g. `default-scheduler`, `kubelet`. */
  component: string;
  /** source.host (kubelets set their node name). */
  host?: string;
  /** reportingInstance; defaults to host, then component. */
  reportingInstance?: string;
  /** Dedup window, ms; default 10 minutes. */
  dedupWindowMs?: number;
  /** Pending writes beyond this are dropped (upstream's buffered channel, 1000). */
  maxPending?: number;
  /** Remembered event series (upstream's LRU of 4096). */
  cacheSize?: number;
  now?: () => number;
  log?: (line: string) => void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
}

/** metav1.Time: RFC 3339, whole seconds. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// Wall clock in nanoseconds: Date.now() for the epoch, hrtime for the digits below a millisecond.
const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** The reference to `obj` an Event's involvedObject holds (reference.GetReference). */
export function objectReference(obj: KubeObject): ObjectReference {
  const m = obj.metadata ?? {};
  if (!obj.kind || !m.name) throw new Error('cannot reference an object without kind and metadata.name');
  const ref: ObjectReference = { kind: obj.kind, name: m.name };
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (m.namespace) ref.namespace = m.namespace;
  if (m.uid) ref.uid = m.uid;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  return ref;
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  /** Events dropped because too many writes were pending. */
  dropped = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Records an event about `obj` (which needs kind and metadata.name); never throws, never blocks. */
  event(obj: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    let ref: ObjectReference;
    try {
      ref = 'metadata' in obj ? objectReference(obj as KubeObject) : { ...(obj as ObjectReference) };
      if (!ref.kind || !ref.name) throw new Error('reference without kind or name');
    } catch (err) {
      this.log(`events: not recording ${reason}: ${(err as Error).message}`);
      return;
    }
    if (this.pending >= (this.opts.maxPending ?? 1000)) {
      this.dropped++;
      return;
    }
    this.pending++;
    const at = this.now();
    this.tail = this.tail
      .then(() => this.write(ref, type, reason, message, at))
      .catch((err: Error) => this.log(`events: failed to write ${ref.kind} ${ref.name} ${reason}: ${err.message}`))
      .finally(() => this.pending--);
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.tail;
  }

  private async write(ref: ObjectReference, type: EventType, reason: string, message: string, at: number): Promise<void> {
    const { client, component, host } = this.opts;
    const key = [component, host ?? '', ref.kind, ref.namespace ?? '', ref.name, ref.uid ?? '', ref.apiVersion ?? '', type, reason, message].join('\u0000');
    const timestamp = rfc3339(at);
    const prev = this.seen.get(key);
    if (prev && at - prev.lastSeen < (this.opts.dedupWindowMs ?? 600_000)) {
      prev.count++;
      prev.lastSeen = at;
      this.touch(key, prev);
      try {
        await client.patch<Event>(EVENTS, prev.name, { count: prev.count, lastTimestamp: timestamp, message }, { namespace: prev.namespace, type: 'merge' });
        return;
      } catch (err) {
        // The Event may have been garbage-collected (TTL): create it again, as upstream does.
        if (!(err instanceof StatusError && err.code === 404)) throw err;
        await this.create(ref, type, reason, message, prev);
        return;
      }
    }
    const namespace = ref.namespace || 'default';
    const name = `${ref.name}.${(epochOffsetNs + process.hrtime.bigint()).toString(16)}`;
    const entry: Seen = { name, namespace, count: 1, firstTimestamp: timestamp, lastSeen: at };
    this.touch(key, entry);
    await this.create(ref, type, reason, message, entry, timestamp);
  }

  private create(ref: ObjectReference, type: EventType, reason: string, message: string, s: Seen, last = rfc3339(s.lastSeen)): Promise<Event> {
    const { client, component, host } = this.opts;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: s.name, namespace: s.namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      count: s.count,
      firstTimestamp: s.firstTimestamp,
      lastTimestamp: last,
      source: host ? { component, host } : { component },
      reportingComponent: component,
      reportingInstance: this.opts.reportingInstance ?? host ?? component,
    };
    return client.create<Event>(EVENTS, event, { namespace: s.namespace });
  }

  /** LRU bookkeeping: most recent last; evict the oldest beyond cacheSize. */
  private touch(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    if (this.seen.size > (this.opts.cacheSize ?? 4096)) this.seen.delete(this.seen.keys().next().value!);
  }
}
