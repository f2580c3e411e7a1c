/**
 * The kubelet's HTTPS server (pkg/kubelet/server/server.go), on 10250 in a node:
 * /healthz, /pods, /configz, /spec, /containerLogs, /exec, /attach, /portForward, plus
 * handlers the caller adds by path prefix (/stats, /metrics are another module's).
 * Every request — upgrades included — is authenticated (a client certificate from the
 * cluster CA, or a bearer token through a TokenReview) and authorized with a
 * SubjectAccessReview on nodes/<subresource>, both through the API server.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, hostname, totalmem } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import type { ContainerRuntime, StreamingRuntime } from '../runtime/types.js';
import { forbiddenText, subresourcesFor, verbOf, webhookAuth } from './auth.js';
import type { KubeletAuth, KubeletUser } from './auth.js';
import { KubeletHttpError } from './http-error.js';
import { serveContainerLogs } from './logs.js';
import { serveAttach, serveExec, servePortForwardRequest } from './streaming.js';
import type { Upgrade } from './streaming.js';

/** The kubelet's pods by namespace/name (its pod manager; the main loop's cache). */
export interface KubeletPodSource {
  get(namespace: string, name: string): Pod | undefined;
  list(): Pod[];
}

/** A request after authentication and authorization. */
export interface KubeletRequest {
  req: IncomingMessage;
  /** Undefined for upgrade requests (answer on `upgrade.socket`). */
  res: ServerResponse | undefined;
  url: URL;
  user: KubeletUser;
  upgrade: Upgrade | undefined;
}

export type KubeletRouteHandler = (r: KubeletRequest) => Promise<void> | void;

export interface KubeletServerOptions {
  /** Listen address; default 0.0.0.0. */
  host?: string;
  /** 10250 in nodes; 0 picks a free port. */
  port: number;
  nodeName: string;
  /** The kubelet's serving certificate and key (PEM). */
  tls: { cert: string; key: string };
  /** The cluster CA (PEM): client certificates must chain to it. */
  clientCA: string;
  runtime: ContainerRuntime & StreamingRuntime;
  pods: KubeletPodSource;
  /** API client for TokenReviews and SubjectAccessReviews (webhook auth). */
  client?: RestClient;
  /** Replaces the webhook auth (tests, or a caller with its own). One of `client` or `auth` is required. */
  auth?: KubeletAuth;
  /** The kubelet's configuration, served at /configz as `{"kubeletconfig": ...}`. */
  config?: () => Record<string, unknown>;
  /** More endpoints by path prefix (e.g. '/stats', '/metrics'); authorized like the rest. */
  handlers?: Record<string, KubeletRouteHandler>;
  log?: (line: string) => void;
}

export interface KubeletServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

function writeText(r: KubeletRequest, code: number, text: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (r.res) {
    if (r.res.headersSent) {
      r.res.end();
      return;
    }
    r.res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    r.res.end(body);
    return;
  }
  const socket = r.upgrade?.socket;
  if (!socket || socket.destroyed || !socket.writable) return;
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' }[code] ?? 'Error';
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function writeJSON(r: KubeletRequest, value: unknown): void {
  const body = JSON.stringify(value);
  r.res?.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  r.res?.end(body);
}

/** cadvisor's MachineInfo, the part clients read (/spec). */
function machineInfo(): Record<string, unknown> {
  return { num_cores: cpus().length, cpu_frequency_khz: (cpus()[0]?.speed ?? 0) * 1000, memory_capacity: totalmem(), machine_id: '', system_uuid: '', boot_id: '', hostname: hostname() };
}

const POD_PATH = /^\/(containerLogs|exec|attach)\/([^/]+)\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/;
const PORT_FORWARD_PATH = /^\/portForward\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/;

export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const auth = opts.auth ?? (opts.client ? webhookAuth(opts.client) : undefined);
  if (!auth) throw new Error('startKubeletServer: give `client` (webhook auth) or `auth`');
  const log = opts.log;
  const extra = Object.entries(opts.handlers ?? {}).sort((a, b) => b[0].length - a[0].length);

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.clientCA, requestCert: true, rejectUnauthorized: false });
  // Logs and streams live long.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const sockets = new Set<Duplex>();
  server.on('connection', (s: Duplex) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Duplex) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function podOf(ns: string, name: string, uid: string | undefined): Pod {
    const pod = opts.pods.get(decodeURIComponent(ns), decodeURIComponent(name));
    if (!pod || (uid && pod.metadata?.uid !== uid)) throw new KubeletHttpError(404, 'pod does not exist');
    return pod;
  }

  async function route(r: KubeletRequest): Promise<void> {
    const path = r.url.pathname;
    const method = r.req.method ?? 'GET';
    const pod = POD_PATH.exec(path);
    if (pod) {
      const [, kind, ns, name, uid, container] = pod;
      const target = podOf(ns, name, uid);
      const c = decodeURIComponent(container);
      if (kind === 'containerLogs') {
        if (!r.res) throw new KubeletHttpError(400, 'containerLogs is not an upgrade');
        return serveContainerLogs(opts.runtime, target, c, r.url.searchParams, r.res);
      }
      if (kind === 'exec') return serveExec(opts.runtime, target, c, r.req, r.url, r.upgrade, log);
      return serveAttach(opts.runtime, target, c, r.req, r.url, r.upgrade, log);
    }
    const pf = PORT_FORWARD_PATH.exec(path);
    if (pf) return servePortForwardRequest(opts.runtime, podOf(pf[1], pf[2], pf[3]), r.req, r.upgrade, log);
    for (const [prefix, handler] of extra) {
      if (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) return handler(r);
    }
    if (method !== 'GET' && method !== 'HEAD') throw new KubeletHttpError(405, `method ${method} not allowed`);
    switch (path) {
      case '/healthz':
        return writeText(r, 200, 'ok');
      case '/pods':
        return writeJSON(r, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: opts.pods.list() });
      case '/configz':
        return writeJSON(r, { kubeletconfig: opts.config?.() ?? {} });
      case '/spec':
      case '/spec/':
        return writeJSON(r, machineInfo());
    }
    throw new KubeletHttpError(404, '404 page not found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse | undefined, upgrade: Upgrade | undefined): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const pending: KubeletRequest = { req, res, url, upgrade, user: { name: '', groups: [] } };
    try {
      const user = await auth!.authenticate(req);
      if (!user) return writeText(pending, 401, 'Unauthorized');
      pending.user = user;
      const verb = verbOf(req.method);
      const subresources = subresourcesFor(url.pathname);
      const ok = await auth!.authorize(user, subresources.map((subresource) => ({ verb, subresource, nodeName: opts.nodeName })));
      if (!ok) return writeText(pending, 403, forbiddenText(user, verb, subresources));
      await route(pending);
    } catch (err) {
      const code = err instanceof KubeletHttpError ? err.code : 500;
      if (code >= 500 && !(err instanceof KubeletHttpError)) log?.(`kubelet server: ${req.method} ${url.pathname}: ${(err as Error).stack ?? err}`);
      writeText(pending, code, (err as Error).message);
    }
  }

  server.on('request', (req, res) => void handle(req, res, undefined));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void handle(req, undefined, { socket, head });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log?.(`kubelet server listening on ${opts.host ?? '0.0.0.0'}:${port}`);
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
