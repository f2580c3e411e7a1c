/**
 * Worker-thread entry of the in-process components (scheduler, controller manager, hollow
 * nodes): they run here, on their own event loop, so their informers' decoding and their
 * reconcile loops do not queue behind — or hold up — the API server's requests. They reach
 * the cluster only over HTTPS, exactly as in the main thread. See components-thread.ts
 * for the other end of the messages.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { startComponents, type Components, type ComponentsOptions } from './components.js';
import type { ThreadReply, ThreadRequest, WorkerOptions } from './components-thread.js';

if (!parentPort) throw new Error('components-worker runs as a worker thread');
const port: MessagePort = parentPort;

const post = (msg: ThreadReply) => port.postMessage(msg);
const log = (line: string) => post({ kind: 'log', line });

let components: Components | undefined;

async function answer(req: ThreadRequest): Promise<unknown> {
  const c = components;
  if (!c) throw new Error('components are not running');
  switch (req.op) {
    case 'health':
      return c.health();
    case 'metrics':
      return c.metrics();
    case 'hollowNodeStatus':
      return c.hollowNodes?.status() ?? [];
    case 'addHollowNodes':
      return c.addHollowNodes(req.n);
    case 'stop':
      await c.stop();
      port.close();
      return undefined;
  }
}

port.on('message', (req: ThreadRequest) => {
  answer(req).then(
    (value) => post({ kind: 'reply', id: req.id, ok: true, value }),
    (err: unknown) => post({ kind: 'reply', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});

const opts: ComponentsOptions = { ...(workerData as WorkerOptions), log };
startComponents(opts).then(
  (c) => {
    components = c;
    post({ kind: 'started' });
  },
  (err: unknown) => post({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
