/**
 * The control plane's progress feed: long work (node image builds, node starts, image loads) as typed tasks the
 * hosts publish with their ClusterStatus (Electron main, `kubarium up --ui`). Running tasks and the latest finished
 * ones are kept; listeners hear every change (hosts coalesce them, see `coalesce`).
 */
import type { ProgressTask } from '../ui/explorer-api.js';

export type { ProgressTask } from '../ui/explorer-api.js';

/** One running task: its phase moves on, then it finishes or fails once (later calls are ignored). */
export interface ProgressHandle {
  readonly id: string;
  /** Moves to `phase`; `done` (steps done) when given, else one more than before when the task counts steps. */
  phase(phase: string, done?: number): void;
  /** The latest log line of the work (shown in the details). */
  detail(line: string): void;
  finish(phase?: string): void;
  fail(err: unknown): void;
}

/** What work reports to: a feed, or nothing (`noProgress`). */
export interface ProgressSink {
  start(title: string, opts?: { total?: number; phase?: string }): ProgressHandle;
}

/** Docker's and Node's error texts without their transport noise: `(HTTP code 404) no such image - ` and the like. */
export function readableError(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string' && json.message.trim()) return json.message.trim();
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim() || 'failed';
}

export class ProgressFeed implements ProgressSink {
  private readonly running = new Map<string, ProgressTask>();
  private finished: ProgressTask[] = [];
  private readonly listeners = new Set<() => void>();
  private next = 1;

  /** `keepFinished`: how many finished tasks stay listed (default 20); `now`: the clock (tests). */
  constructor(private readonly opts: { keepFinished?: number; now?: () => Date } = {}) {}

  /** Running tasks, then the latest finished ones, each oldest first (copies). */
  tasks(): ProgressTask[] {
    return [...this.finished, ...this.running.values()].map((t) => ({ ...t }));
  }

  /** Calls `listener` after every change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  start(title: string, opts: { total?: number; phase?: string } = {}): ProgressHandle {
    const id = `t${this.next++}`;
    const task: ProgressTask = { id, title, phase: opts.phase ?? 'starting', done: 0, total: opts.total ?? null, started: this.now(), finished: null, error: null, detail: null };
    this.running.set(id, task);
    this.changed();
    const update = (patch: Partial<ProgressTask>) => {
      if (!this.running.has(id)) return;
      Object.assign(task, patch);
      this.changed();
    };
    const end = (patch: Partial<ProgressTask>) => {
      if (!this.running.delete(id)) return;
      Object.assign(task, patch, { finished: this.now() });
      this.finished = [...this.finished, task].slice(-(this.opts.keepFinished ?? 20));
      this.changed();
    };
    return {
      id,
      phase: (phase, done) => update({ phase, done: done ?? (task.total === null ? task.done : Math.min(task.total, task.done + 1)) }),
      detail: (line) => update({ detail: line }),
      finish: (phase) => end({ phase: phase ?? task.phase, done: task.total ?? task.done }),
      fail: (err) => end({ error: readableError(err) }),
    };
  }

  /** Runs `work` as a task: finished when it resolves, failed (and rethrown) when it rejects. */
  async track<T>(title: string, work: (task: ProgressHandle) => Promise<T>, opts: { total?: number; phase?: string } = {}): Promise<T> {
    const task = this.start(title, opts);
    try {
      const result = await work(task);
      task.finish();
      return result;
    } catch (err) {
      task.fail(err);
      throw err;
    }
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A sink that records nothing (work run without a host watching). */
export const noProgress: ProgressSink = {
  start: (): ProgressHandle => ({ id: '', phase: () => {}, detail: () => {}, finish: () => {}, fail: () => {} }),
};

/**
 * `listener` at most once per `ms`: the first call runs at once, calls inside the window collapse into one at its
 * end (status frames cross IPC and WebSockets; a build's log lines should not each cost a frame).
 */
export function coalesce(listener: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  const fire = () => {
    timer = undefined;
    if (!pending) return;
    pending = false;
    listener();
    timer = setTimeout(fire, ms);
  };
  const call = () => {
    pending = true;
    if (!timer) fire();
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = false;
  };
  return call;
}
