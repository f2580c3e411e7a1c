/**
 * Runs the in-process components (components.ts: scheduler, controller manager, hollow
 * nodes) in a worker thread, so they have an event loop — and on a multi-core machine a
 * core — of their own instead of sharing the API server's. They were API clients over
 * HTTPS already, so nothing they do changes; health, metrics and hollow-node status come
 * back as messages (hence async).
 *
 * Opt-in (KUBARIUM_COMPONENTS_THREAD=1) for now: on the 2-core benchmark machine the thread
 * moved ~15 % of the main thread's CPU off it, yet request latencies were no better (the
 * components then compete for the cores with the API server instead of running when its
 * loop is idle), and a second V8 heap costs ~50 MiB idle and ~80–100 MiB after load
 * (bench/README.md, issue #2). More cores, or busier components (hollow nodes), may change that.
 *
 * The worker file sits next to this module: components-worker.js in the Electron main
 * bundle (electron.vite.config.ts emits it as its own entry beside index.js), or
 * components-worker.ts when run from source under tsx. Loader hooks registered by
 * `--import tsx` in the main thread do not reach a worker in Node 20, so from source the
 * worker starts with a two-line bootstrap that registers tsx's hooks in it first.
 */
import { Worker } from 'node:worker_threads';
import type { HollowNodeStatus } from '../nodes/hollow/index.js';
import { startComponents, type ComponentsHealth, type ComponentsOptions } from './components.js';

/** What crosses to the worker: the options without the log function (lines come back as messages). */
export type WorkerOptions = Omit<ComponentsOptions, 'log' | 'loopback'>;

type RequestBody = { op: 'health' | 'metrics' | 'hollowNodeStatus' | 'stop' } | { op: 'addHollowNodes'; n: number };
export type ThreadRequest = { id: number } & RequestBody;

export type ThreadReply =
  | { kind: 'log'; line: string }
  | { kind: 'started' }
  | { kind: 'failed'; error: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

export interface ComponentsThread {
  health(): Promise<ComponentsHealth>;
  /** Prometheus text of scheduler, controllers and hollow-node worker. */
  metrics(): Promise<string>;
  hollowNodeStatus(): Promise<HollowNodeStatus[]>;
  /** Registers `n` more hollow nodes (starting the pool if none ran yet). */
  addHollowNodes(n: number): Promise<string[]>;
  /** Stops hollow nodes, controllers and scheduler, then the thread. */
  stop(): Promise<void>;
}

/** The same components on the caller's own event loop (the default), behind the same async interface. */
export async function startComponentsInProcess(o: ComponentsOptions): Promise<ComponentsThread> {
  const c = await startComponents(o);
  return {
    health: async () => c.health(),
    metrics: async () => c.metrics(),
    hollowNodeStatus: async () => c.hollowNodes?.status() ?? [],
    addHollowNodes: (n) => c.addHollowNodes(n),
    stop: () => c.stop(),
  };
}

/** How long stop() waits for the components to wind down before terminating the thread. */
const STOP_TIMEOUT_MS = 15_000;

function spawnWorker(data: WorkerOptions): Worker {
  // Same extension as this module: .ts when run from source, .js in the bundle.
  if (!new URL(import.meta.url).pathname.endsWith('.ts')) return new Worker(new URL('./components-worker.js', import.meta.url), { workerData: data });
  const entry = new URL('./components-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

export async function startComponentsThread(o: ComponentsOptions): Promise<ComponentsThread> {
  // Loopback watches hand over the API server's objects, which cannot cross to another thread.
  const { log, loopback: _inProcessOnly, ...data } = o;
  const worker = spawnWorker(data);
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const started = new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: ThreadReply) => {
      switch (msg.kind) {
        case 'log':
          log(msg.line);
          return;
        case 'started':
          resolve();
          return;
        case 'failed':
          reject(new Error(`components: ${msg.error}`));
          return;
        case 'reply': {
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          if (msg.ok) p.resolve(msg.value);
          else p.reject(new Error(msg.error));
        }
      }
    });
    worker.on('error', (err) => {
      log(`components thread failed: ${err.stack ?? err.message}`);
      reject(err);
    });
    worker.once('exit', (code) => {
      exited = true;
      const err = new Error(`components thread exited (code ${code})`);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      reject(err);
    });
  });

  const ask = <T>(req: RequestBody): Promise<T> => {
    if (exited) return Promise.reject(new Error('components thread is not running'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id } as ThreadRequest);
    });
  };

  try {
    await started;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    health: () => ask<ComponentsHealth>({ op: 'health' }),
    metrics: () => ask<string>({ op: 'metrics' }),
    hollowNodeStatus: () => ask<HollowNodeStatus[]>({ op: 'hollowNodeStatus' }),
    addHollowNodes: (n) => ask<string[]>({ op: 'addHollowNodes', n }),
    stop: () =>
      (stopping ??= (async () => {
        if (exited) return;
        const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
        try {
          await ask({ op: 'stop' });
        } catch (err) {
          log(`stopping components: ${(err as Error).message}`);
        }
        await Promise.race([exit, new Promise((r) => setTimeout(r, 1000))]);
        clearTimeout(timer);
        if (!exited) await worker.terminate();
      })()),
  };
}
