import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogSearch } from './log-search';
import { createRpcClient, isAbort, latestOnly, serveRpc, type RpcEndpoint } from './worker-rpc';

/** A Worker stand-in: the page's end of a MessageChannel whose other end `serveRpc` answers (as in a worker). */
function channelWorker(methods: Parameters<typeof serveRpc>[0]): Worker {
  const { port1, port2 } = new MessageChannel();
  serveRpc(methods, port2 as unknown as RpcEndpoint);
  port2.start();
  port1.start();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port1.postMessage(message, transfer ?? []),
    addEventListener: (type: string, listener: EventListener) => (type === 'message' ? port1.addEventListener('message', listener) : undefined),
    terminate: () => {
      port1.close();
      port2.close();
    },
  } as unknown as Worker;
}

/** A Worker whose script fails to load: an error event, never an answer. */
function brokenWorker(): Worker {
  let onError: ((e: ErrorEvent) => void) | undefined;
  setTimeout(() => onError?.({ message: 'failed to fetch', preventDefault() {} } as ErrorEvent), 0);
  return {
    postMessage() {},
    addEventListener: (type: string, listener: (e: ErrorEvent) => void) => {
      if (type === 'error') onError = listener;
    },
    terminate() {},
  } as unknown as Worker;
}

const math = () => ({
  add: (a: number, b: number) => a + b,
  squares: (n: number) => Float64Array.from({ length: n }, (_, i) => i * i),
  fail: (): number => {
    throw new RangeError('out of range');
  },
});

afterEach(() => vi.unstubAllGlobals());

describe('worker RPC', () => {
  it('calls methods in the worker by name and returns their results (typed arrays transferred)', async () => {
    vi.stubGlobal('Worker', class {});
    const client = createRpcClient(math, () => channelWorker(math()));
    expect(client.inWorker).toBe(true);
    await expect(client.call('add', [2, 3])).resolves.toBe(5);
    const squares = await client.call('squares', [4]);
    expect(Array.from(squares)).toEqual([0, 1, 4, 9]);
    client.terminate();
  });

  it("rejects with the worker's error, name and message kept", async () => {
    vi.stubGlobal('Worker', class {});
    const client = createRpcClient(math, () => channelWorker(math()));
    await expect(client.call('fail', [])).rejects.toMatchObject({ name: 'RangeError', message: 'out of range' });
    client.terminate();
  });

  it('rejects an aborted call at once, and the worker skips it when it had not started', async () => {
    vi.stubGlobal('Worker', class {});
    const slow = vi.fn((x: number) => x);
    const client = createRpcClient(() => ({ slow }), () => channelWorker({ slow }));
    const controller = new AbortController();
    const stale = client.call('slow', [1], { signal: controller.signal });
    controller.abort();
    await expect(stale).rejects.toSatisfy(isAbort);
    await expect(client.call('slow', [2])).resolves.toBe(2);
    expect(slow.mock.calls).toEqual([[2]]);
    await expect(client.call('slow', [3], { signal: AbortSignal.abort() })).rejects.toSatisfy(isAbort);
    client.terminate();
  });

  it('runs the methods in this thread without a Worker (Vitest, happy-dom)', async () => {
    expect(typeof Worker).toBe('undefined');
    const spawn = vi.fn(() => channelWorker(math()));
    const client = createRpcClient(math, spawn);
    expect(client.inWorker).toBe(false);
    await expect(client.call('add', [1, 1])).resolves.toBe(2);
    expect(spawn).not.toHaveBeenCalled();
  });

  it('replays pending calls in this thread, in order, when the worker script fails to load', async () => {
    vi.stubGlobal('Worker', class {});
    const client = createRpcClient(createLogSearch, brokenWorker);
    void client.call('append', [['a', 'b error', 'c error'], 10]);
    const found = client.call('search', ['ERROR']);
    await expect(found).resolves.toEqual(Int32Array.from([1, 2]));
    expect(client.inWorker).toBe(false);
    await expect(client.call('search', ['c'])).resolves.toEqual(Int32Array.from([2]));
  });

  it('rejects a call whose arguments cannot be cloned, and keeps working', async () => {
    vi.stubGlobal('Worker', class {});
    const client = createRpcClient(math, () => channelWorker(math()));
    await expect(client.call('add', [(() => 1) as unknown as number, 1])).rejects.toThrow();
    await expect(client.call('add', [1, 2])).resolves.toBe(3);
    client.terminate();
  });

  it('latestOnly aborts the signal it handed out before', () => {
    const latest = latestOnly();
    const a = latest.next();
    const b = latest.next();
    expect([a.aborted, b.aborted]).toEqual([true, false]);
    latest.cancel();
    expect(b.aborted).toBe(true);
  });
});
