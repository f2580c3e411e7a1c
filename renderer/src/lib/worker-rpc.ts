/**
 * One small RPC over a dedicated Web Worker, for the renderer's heavy pure computations (issue #5): the worker
 * serves an object of methods (`serveRpc`), the page calls them by name and gets promises (`createRpcClient`).
 * Requests run in order; a request whose AbortSignal fires is rejected at once and, if the worker has not started it
 * yet, skipped there. Without a Worker (Vitest/happy-dom), or when the worker script fails to load (before it answered
 * anything), the same methods run in this thread from `local()`: every pending request is replayed there in order, so
 * stateful method sets (a log's lines) end up in the same state.
 */

/** Methods a worker serves: structured-cloneable arguments and results (a typed array result is transferred). */
export type RpcMethods = { [name: string]: (...args: never[]) => unknown };

type Args<F> = F extends (...args: infer A) => unknown ? A : never;
type Result<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

export interface RpcCallOptions {
  /** Aborting rejects the call with an AbortError and skips it in the worker when it has not started. */
  signal?: AbortSignal;
}

export interface RpcClient<M extends RpcMethods> {
  call<K extends keyof M & string>(method: K, args: Args<M[K]>, options?: RpcCallOptions): Promise<Result<M[K]>>;
  /** Whether calls go to a worker (false: in this thread). */
  readonly inWorker: boolean;
  terminate(): void;
}

type Request = { id: number; method: string; args: unknown[] };
type Cancel = { cancel: number };
type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

/** The part of a worker's global scope (or a MessagePort) `serveRpc` needs. */
export interface RpcEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export const abortError = (): DOMException => new DOMException('superseded', 'AbortError');
export const isAbort = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'AbortError';

function transferables(value: unknown): Transferable[] {
  if (value instanceof ArrayBuffer) return [value];
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) return [value.buffer];
  return [];
}

/** Worker side: answers requests in arrival order; cancels that arrive before a request ran drop it. */
export function serveRpc(methods: RpcMethods, endpoint: RpcEndpoint = self as unknown as RpcEndpoint): void {
  const queue: Request[] = [];
  let scheduled = false;
  const run = async (req: Request) => {
    let response: Response;
    try {
      const fn = methods[req.method] as ((...args: unknown[]) => unknown) | undefined;
      if (!fn) throw new Error(`no such method: ${req.method}`);
      response = { id: req.id, ok: true, value: await fn(...req.args) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      response = { id: req.id, ok: false, error: { name: e.name, message: e.message } };
    }
    endpoint.postMessage(response, response.ok ? transferables(response.value) : []);
  };
  // Requests wait one task, so a cancel already queued behind them is seen first.
  const drain = async () => {
    scheduled = false;
    while (queue.length) await run(queue.shift()!);
  };
  const ticker = new MessageChannel();
  ticker.port1.onmessage = () => void drain();
  endpoint.addEventListener('message', (event: MessageEvent) => {
    const msg = event.data as Request | Cancel;
    if ('cancel' in msg) {
      const at = queue.findIndex((r) => r.id === msg.cancel);
      if (at >= 0) queue.splice(at, 1);
      return;
    }
    queue.push(msg);
    if (!scheduled) {
      scheduled = true;
      ticker.port2.postMessage(null);
    }
  });
}

interface Pending {
  method: string;
  args: unknown[];
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Page side. `local` makes the in-thread method set (called once, when first needed); `spawn` starts the worker
 * (`new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' })`, which Vite bundles).
 */
export function createRpcClient<M extends RpcMethods>(local: () => M, spawn?: () => Worker): RpcClient<M> {
  let worker: Worker | undefined;
  let methods: M | undefined;
  let answered = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const localMethods = () => (methods ??= local());

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (!p) return undefined;
    pending.delete(id);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    return p;
  };
  const runLocally = async (id: number) => {
    await Promise.resolve();
    const p = pending.get(id);
    if (!p) return; // aborted meanwhile
    try {
      const fn = localMethods()[p.method] as unknown as (...args: unknown[]) => unknown;
      const value = await fn(...p.args);
      settle(id)?.resolve(value as never);
    } catch (err) {
      settle(id)?.reject(err);
    }
  };
  const fallBack = () => {
    worker?.terminate();
    worker = undefined;
    for (const id of [...pending.keys()].sort((a, b) => a - b)) void runLocally(id);
  };

  if (spawn && typeof Worker !== 'undefined') {
    try {
      worker = spawn();
      worker.addEventListener('message', (event: MessageEvent<Response>) => {
        answered = true;
        const msg = event.data;
        const p = settle(msg.id);
        if (!p) return;
        if (msg.ok) p.resolve(msg.value as never);
        else p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
      });
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        if (!answered) return fallBack(); // the script did not load (an old runtime, a CSP): compute here
        const err = new Error(`worker failed: ${event.message}`);
        for (const id of [...pending.keys()]) settle(id)?.reject(err);
      });
    } catch {
      worker = undefined;
    }
  }

  return {
    get inWorker() {
      return worker !== undefined;
    },
    call(method, args, options = {}) {
      const { signal } = options;
      if (signal?.aborted) return Promise.reject(abortError());
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const p: Pending = { method, args: args as unknown[], resolve: resolve as (v: never) => void, reject, signal };
        if (signal) {
          p.onAbort = () => {
            if (!settle(id)) return;
            worker?.postMessage({ cancel: id } satisfies Cancel);
            reject(abortError());
          };
          signal.addEventListener('abort', p.onAbort, { once: true });
        }
        pending.set(id, p);
        if (!worker) return void runLocally(id);
        try {
          worker.postMessage({ id, method, args: p.args } satisfies Request);
        } catch (err) {
          settle(id); // not cloneable (a reactive proxy, a function): the caller's mistake
          reject(err);
        }
      });
    },
    terminate() {
      worker?.terminate();
      worker = undefined;
      for (const id of [...pending.keys()]) settle(id)?.reject(abortError());
    },
  };
}

/** Latest wins: each `next()` aborts the signal it handed out before (a search superseded by more typing). */
export function latestOnly(): { next(): AbortSignal; cancel(): void } {
  let current: AbortController | undefined;
  return {
    next() {
      current?.abort();
      current = new AbortController();
      return current.signal;
    },
    cancel() {
      current?.abort();
      current = undefined;
    },
  };
}
