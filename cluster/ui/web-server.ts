/**
 * Web mode: the built renderer over HTTP on loopback, and the same typed bridge the Electron
 * preload exposes, over a WebSocket at /bridge. A per-launch token (in the page URL's query,
 * sent back by the page when it connects) keeps other local pages and users out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { toApiError } from './api-error.js';
import { StatusError } from '../api/status.js';
import type { BridgeReply, BridgeRequest, ClusterActionsApi, ClusterStatus, ContextsApi, ExecSession, ExplorerApi } from './explorer-api.js';
import { serveStatic } from './static-files.js';

export interface WebUiOptions {
  /** The explorer's API, or a function giving the one to call now (it changes with the context and after a reset). */
  bridge: ExplorerApi | (() => ExplorerApi);
  status: () => ClusterStatus;
  /** Status changes to push to every page (reset progress); returns an unsubscribe function. */
  onStatus?: (listener: (status: ClusterStatus) => void) => () => void;
  /** Context switching, kubeconfig merge and reset, when the host offers them. */
  hostActions?: ContextsApi & ClusterActionsApi;
  /** The built renderer, normally out/renderer. */
  rendererDir: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface WebUi {
  /** Opens the UI: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  /** ws://…/bridge?token=… for non-browser clients (tests). */
  readonly bridgeUrl: string;
  close(): Promise<void>;
}

function tokenMatches(expected: Buffer, given: string | null): boolean {
  const got = Buffer.from(given ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startWebUi(opts: WebUiOptions): Promise<WebUi> {
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const rendererDir = resolve(opts.rendererDir);
  const server = createServer((req, res) => serveStatic(rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/bridge' || !tokenMatches(expected, url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts));
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ready());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    bridgeUrl: `ws://${host}:${port}/bridge?token=${token}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * One page's connection: answers requests, forwards the events of its watches, store watches, log streams and
 * exec sessions, and ends them all when it closes.
 */
function serveSocket(ws: WebSocket, opts: WebUiOptions): void {
  const watches = new Map<number, () => void>();
  const sessions = new Map<number, ExecSession>();
  const send = (reply: BridgeReply) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  };
  const unsubscribeStatus = opts.onStatus?.((status) => send({ status }));
  const hostActions = (): ContextsApi & ClusterActionsApi => {
    if (!opts.hostActions) throw new StatusError(503, 'ServiceUnavailable', 'this host cannot switch contexts, merge kubeconfigs or reset the cluster');
    return opts.hostActions;
  };
  const call = async (req: BridgeRequest): Promise<unknown> => {
    switch (req.method) {
      case 'listContexts':
        return hostActions().listContexts();
      case 'useContext':
        return hostActions().useContext(...req.args);
      case 'mergeKubeconfig':
        return hostActions().mergeKubeconfig(...req.args);
      case 'resetCluster':
        return hostActions().resetCluster();
      case 'status':
        return opts.status();
    }
    const bridge = typeof opts.bridge === 'function' ? opts.bridge() : opts.bridge;
    switch (req.method) {
      case 'listResources':
        return bridge.listResources();
      case 'list':
        return bridge.list(...req.args);
      case 'get':
        return bridge.get(...req.args);
      case 'delete':
        return bridge.delete(...req.args);
      case 'apply':
        return bridge.apply(...req.args);
      case 'storeInfo':
        return bridge.storeInfo();
      case 'storeKeys':
        return bridge.storeKeys(...req.args);
      case 'storeValue':
        return bridge.storeValue(...req.args);
      case 'storeHistory':
        return bridge.storeHistory(...req.args);
      case 'watchStore': {
        const [prefix] = req.args;
        watches.set(req.id, bridge.watchStore(prefix, (data) => send({ storeEvent: req.id, data })));
        return null;
      }
      case 'watch': {
        const [ref, namespace] = req.args;
        watches.set(req.id, bridge.watch(ref, namespace, (data) => send({ event: req.id, data })));
        return null;
      }
      case 'streamLogs': {
        const [namespace, pod, options] = req.args;
        watches.set(req.id, bridge.streamLogs(namespace, pod, options, (data) => send({ log: req.id, data })));
        return null;
      }
      case 'exec': {
        const [namespace, pod, options] = req.args;
        const session = bridge.exec(namespace, pod, options, (data) => {
          if (data.type === 'exit' || data.type === 'error') sessions.delete(req.id);
          send({ exec: req.id, data });
        });
        sessions.set(req.id, session);
        watches.set(req.id, () => {
          sessions.delete(req.id);
          session.close();
        });
        return null;
      }
      case 'execInput': {
        const [id, data] = req.args;
        sessions.get(id)?.send(data);
        return null;
      }
      case 'execResize': {
        const [id, cols, rows] = req.args;
        sessions.get(id)?.resize(cols, rows);
        return null;
      }
      case 'nodeControls':
        return bridge.nodeControls();
      case 'cordonNode':
        return bridge.cordonNode(...req.args);
      case 'drainNode':
        return bridge.drainNode(...req.args);
      case 'stopNode':
        return bridge.stopNode(...req.args);
      case 'startNode':
        return bridge.startNode(...req.args);
      case 'removeNode':
        return bridge.removeNode(...req.args);
      case 'addNode':
        return bridge.addNode();
      case 'addHollowNodes':
        return bridge.addHollowNodes(...req.args);
      case 'nodeProxyGet':
        return bridge.nodeProxyGet(...req.args);
      case 'unwatch': {
        const [id] = req.args;
        watches.get(id)?.();
        watches.delete(id);
        return null;
      }
      default:
        throw new Error(`unknown method ${(req as { method: string }).method}`);
    }
  };
  ws.on('message', (raw) => {
    let req: BridgeRequest;
    try {
      req = JSON.parse(String(raw)) as BridgeRequest;
    } catch {
      return;
    }
    call(req).then(
      (value) => send({ id: req.id, ok: true, value: value ?? null }),
      (err: unknown) => send({ id: req.id, ok: false, error: toApiError(err) }),
    );
  });
  ws.on('close', () => {
    unsubscribeStatus?.();
    for (const stop of watches.values()) stop();
    watches.clear();
  });
}
