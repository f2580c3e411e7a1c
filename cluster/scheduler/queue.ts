/**
 * The scheduling queue (pkg/scheduler/backend/queue PriorityQueue): activeQ ordered by
 * priority then arrival; backoffQ holding pods that failed until their backoff (1 s
 * doubling to 10 s per attempt) expires; unschedulable pods parked until a cluster
 * event that one of the plugins which rejected them cares about (or 5 minutes pass).
 * A move request during a pod's cycle sends it to backoff rather than parking it, so
 * events that happen while it is being scheduled are not lost.
 */
import { KeyedHeap } from './heap.js';
import type { PodInfo } from './pod-info.js';
import type { ClusterEvent } from './types.js';

export interface QueuedPod {
  info: PodInfo;
  /** When it entered the queue (ordering within a priority). */
  timestamp: number;
  /** When it first entered (for the end-to-end latency). */
  initialTimestamp: number;
  attempts: number;
  /** Plugins that rejected it in its last attempt. */
  unschedulablePlugins: Set<string>;
  backoffExpiry: number;
  unschedulableSince?: number;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration: 5 minutes. */
  maxUnschedulableMs?: number;
  /** Which events can help a pod that a given plugin rejected. */
  pluginEvents?: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
  now?: () => number;
}

export interface QueueLengths {
  active: number;
  backoff: number;
  unschedulable: number;
}

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPod>((a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && a.timestamp < b.timestamp), (q) => q.info.key);
  private readonly backoff = new KeyedHeap<QueuedPod>((a, b) => a.backoffExpiry < b.backoffExpiry, (q) => q.info.key);
  private readonly unschedulable = new Map<string, QueuedPod>();
  /** Pods popped and not yet done, with the cycle they were popped in. */
  private readonly inFlight = new Map<string, QueuedPod>();
  private waiters: Array<(q: QueuedPod | undefined) => void> = [];
  private closed = false;
  private timer?: NodeJS.Timeout;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly now: () => number;
  /** Incremented at every pop (schedulingCycle). */
  schedulingCycle = 0;
  private moveRequestCycle = -1;

  constructor(private readonly opts: QueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.flushTimer = setInterval(() => this.flushUnschedulableLeftover(), 30_000);
    this.flushTimer.unref();
  }

  lengths(): QueueLengths {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** A new pending pod. */
  add(info: PodInfo): void {
    if (this.closed) return;
    const t = this.now();
    const existing = this.find(info.key);
    if (existing) return this.update(info);
    this.pushActive({ info, timestamp: t, initialTimestamp: t, attempts: 0, unschedulablePlugins: new Set(), backoffExpiry: 0 });
  }

  /** The pending pod changed: refresh it, and give a parked one another try. */
  update(info: PodInfo): void {
    if (this.inFlight.has(info.key)) {
      this.inFlight.get(info.key)!.info = info;
      return;
    }
    const a = this.active.get(info.key);
    if (a) return this.active.push({ ...a, info });
    const b = this.backoff.get(info.key);
    if (b) return this.backoff.push({ ...b, info });
    const u = this.unschedulable.get(info.key);
    if (u) {
      this.unschedulable.delete(info.key);
      return this.requeue({ ...u, info });
    }
    this.add(info);
  }

  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  has(key: string): boolean {
    return !!this.find(key);
  }

  private find(key: string): QueuedPod | undefined {
    return this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key) ?? this.inFlight.get(key);
  }

  /** The next pod to schedule; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const q = this.active.pop();
    if (q) return Promise.resolve(this.take(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private take(q: QueuedPod): QueuedPod {
    this.schedulingCycle++;
    q.attempts++;
    this.inFlight.set(q.info.key, q);
    return q;
  }

  /** The scheduling attempt found no node: park it, or back off if the cluster changed meanwhile. */
  addUnschedulable(q: QueuedPod, podCycle: number, plugins: Iterable<string>): void {
    if (!this.inFlight.delete(q.info.key) || this.closed) return;
    q.unschedulablePlugins = new Set(plugins);
    q.timestamp = this.now();
    q.backoffExpiry = q.timestamp + this.backoffDuration(q);
    if (this.moveRequestCycle >= podCycle) this.backoff.push(q);
    else {
      q.unschedulableSince = q.timestamp;
      this.unschedulable.set(q.info.key, q);
    }
    this.armTimer();
  }

  /** An error (API failure, bind conflict): retry after the backoff. */
  addBackoff(q: QueuedPod): void {
    if (!this.inFlight.delete(q.info.key) || this.closed) return;
    q.timestamp = this.now();
    q.backoffExpiry = q.timestamp + this.backoffDuration(q);
    this.backoff.push(q);
    this.armTimer();
  }

  /** The pod was scheduled (or dropped). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** 1 s · 2^(attempts-1), at most 10 s (calculateBackoffDuration). */
  backoffDuration(q: QueuedPod): number {
    const initial = this.opts.initialBackoffMs ?? 1000;
    const max = this.opts.maxBackoffMs ?? 10_000;
    return Math.min(max, initial * 2 ** Math.max(0, q.attempts - 1));
  }

  /** A cluster event: move parked pods that a plugin interested in it rejected (MoveAllToActiveOrBackoffQueue). */
  moveAll(event: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    const pe = this.opts.pluginEvents;
    for (const [key, q] of this.unschedulable) {
      const relevant = !pe || q.unschedulablePlugins.size === 0 || [...q.unschedulablePlugins].some((p) => pe.get(p)?.has(event));
      if (!relevant) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  private requeue(q: QueuedPod): void {
    q.unschedulableSince = undefined;
    if (q.backoffExpiry > this.now()) {
      this.backoff.push(q);
      this.armTimer();
    } else this.pushActive(q);
  }

  private pushActive(q: QueuedPod): void {
    const w = this.waiters.shift();
    if (w) w(this.take(q));
    else this.active.push(q);
  }

  private armTimer(): void {
    const next = this.backoff.peek();
    if (!next || this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flushBackoff(), Math.max(0, next.backoffExpiry - this.now()));
    this.timer.unref();
  }

  private flushBackoff(): void {
    const t = this.now();
    for (let q = this.backoff.peek(); q && q.backoffExpiry <= t; q = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(q);
    }
    this.armTimer();
  }

  private flushUnschedulableLeftover(): void {
    const t = this.now();
    const max = this.opts.maxUnschedulableMs ?? 300_000;
    for (const [key, q] of this.unschedulable)
      if (t - (q.unschedulableSince ?? t) > max) {
        this.unschedulable.delete(key);
        this.requeue(q);
      }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.flushTimer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
