/**
 * The Kubernetes API server over HTTPS: the request chain the seeds describe —
 * authentication → authorization → admission → storage — plus discovery, OpenAPI,
 * health and metrics. Only this component touches the store.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { forbidden, notAcceptable, StatusError, unauthorized } from '../api/status.js';
import { impersonatedUser } from './auth/impersonation.js';
import type { UserInfo } from './auth/user.js';
import type { HandlerContext } from './handlers/context.js';
import { Discovery } from './handlers/discovery.js';
import { parseDryRun, parseFieldManager, parseFieldValidation, type ApiRequest } from './handlers/request.js';
import { routeResource, type VirtualHandler } from './handlers/router.js';
import { LoopbackSocket } from './http/loopback-socket.js';
import { parseRequestInfo, type RequestInfo } from './http/request-info.js';
import { negotiate, toStatusError, writeError, writeJSON } from './http/respond.js';
import { APIServerMetrics } from './metrics.js';
import { acceptUpgradeRequests } from './proxy/upgrade-requests.js';
import type { ResourceRegistry } from './resources/registry.js';

export interface AuthorizationAttributes {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** Non-resource requests: the URL path. */
  path?: string;
  resourceRequest: boolean;
}

export interface RequestAuthenticator {
  authenticate(req: IncomingMessage): Promise<{ ok: true; user: UserInfo } | { ok: false; reason: string }>;
}

export interface RequestAuthorizer {
  authorize(user: UserInfo, attrs: AuthorizationAttributes): { allowed: boolean; reason?: string } | Promise<{ allowed: boolean; reason?: string }>;
}

export interface OpenAPIEndpoints {
  v2(accept: string): { body: Buffer; contentType: string; etag: string };
  v3Index(): object;
  v3GroupVersion(path: string): { body: Buffer; etag: string } | undefined;
}

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface APIServerOptions {
  host: string;
  port: number;
  tls: { key: string; cert: string; ca: string };
  registry: ResourceRegistry;
  context: HandlerContext;
  authenticator: RequestAuthenticator;
  authorizer: RequestAuthorizer;
  openapi: OpenAPIEndpoints;
  /** Handlers for virtual resources (reviews, bindings, tokens), by `group/resource[/subresource]`. */
  virtual: ReadonlyMap<string, VirtualHandler>;
  /** readyz checks (store reachable, bootstrap done). */
  readyChecks: HealthCheck[];
  version: Record<string, string>;
  /** More Prometheus text for /metrics (the scheduler's and controllers' own, which run beside the API server). */
  extraMetrics?: () => string | Promise<string>;
  log?: (line: string) => void;
}

export interface APIServer {
  readonly server: Server;
  readonly port: number;
  readonly metrics: APIServerMetrics;
  /**
   * An in-memory connection to this server for a client in this process acting as `user`
   * (loopback-socket.ts): HTTP and the whole request chain, no TLS; the user is the socket's
   * identity, as a client certificate's would be.
   */
  connectLoopback(user: UserInfo): Duplex;
  close(): Promise<void>;
}

export async function startAPIServer(opts: APIServerOptions): Promise<APIServer> {
  const metrics = new APIServerMetrics();
  let port = opts.port;
  const discovery = new Discovery(opts.registry, () => `${opts.host}:${port}`);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    let info: RequestInfo | undefined;
    handle(req, res, (i) => (info = i))
      .catch((err) => {
        const se = toStatusError(err);
        if (se.code >= 500) opts.log?.(`${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        writeError(res, se);
      })
      .finally(() => {
        if (info?.isResourceRequest) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.observe(info.verb, info.group, info.version, info.resource, info.subresource ?? '', res.statusCode, seconds);
        }
      });
  };
  const server = createHttpsServer(
    { key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 },
    listener,
  );
  // The same handling for in-memory connections of components in this process (connectLoopback);
  // it never listens on a port.
  const local = createHttpServer({ keepAliveTimeout: 65_000 }, listener);
  local.requestTimeout = 0;
  /** The identity of each in-memory connection's server end. */
  const loopbackUsers = new WeakMap<object, UserInfo>();
  // exec/attach/portforward upgrades go through the same chain (authn, RBAC, routing).
  acceptUpgradeRequests(server);
  // Watches and streams live long; the server must not cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, setInfo: (i: RequestInfo) => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const info = parseRequestInfo(req.method ?? 'GET', url);
    setInfo(info);
    const loopbackUser = loopbackUsers.get(req.socket);
    const authn = loopbackUser ? { ok: true as const, user: loopbackUser } : await opts.authenticator.authenticate(req);
    if (!authn.ok) throw unauthorized();
    const user = await impersonatedUser(req, authn.user, (u, a) =>
      opts.authorizer.authorize(u, { verb: a.verb, apiGroup: a.apiGroup ?? '', resource: a.resource ?? '', subresource: a.subresource ?? '', namespace: a.namespace ?? '', name: a.name ?? '', resourceRequest: true }),
    );
    const attrs: AuthorizationAttributes = info.isResourceRequest
      ? { verb: info.verb, apiGroup: info.group, resource: info.resource, subresource: info.subresource ?? '', namespace: info.namespace ?? '', name: info.name ?? '', resourceRequest: true }
      : { verb: info.verb, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: info.path, resourceRequest: false };
    const decision = await opts.authorizer.authorize(user, attrs);
    if (!decision.allowed) {
      if (info.isResourceRequest) throw forbidden(user.name, info.verb, info.group, info.resource + (info.subresource ? `/${info.subresource}` : ''), info.name, info.namespace, decision.reason ?? '');
      throw new StatusError(403, 'Forbidden', `forbidden: User "${user.name}" cannot ${info.verb} path "${info.path}"`);
    }
    if (!info.isResourceRequest) return handleNonResource(req, res, info.path, url);
    const served = opts.registry.get(info.group, info.version, info.resource);
    if (!served) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const negotiated = negotiate(req.headers.accept);
    if (!negotiated) throw notAcceptable('only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io');
    const apiReq: ApiRequest = {
      req,
      res,
      url,
      info,
      served,
      user,
      negotiated,
      dryRun: parseDryRun(url),
      fieldManager: parseFieldManager(url),
      fieldValidation: parseFieldValidation(url),
      force: url.searchParams.get('force') === 'true',
    };
    if (info.verb === 'watch') {
      // A watch lives until its connection closes, long after the handler returned.
      metrics.watchers++;
      res.once('close', () => metrics.watchers--);
    }
    await routeResource(opts.context, apiReq, opts.virtual);
  }

  async function handleNonResource(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    const d = parseRequestInfo(req.method ?? 'GET', url);
    if (!d.isResourceRequest && d.discovery) {
      if (discovery.serve(req, res, d.discovery)) return;
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const health = /^\/(healthz|livez|readyz)(?:\/(.*))?$/.exec(path);
    if (health) return serveHealth(res, health[1], health[2], url.searchParams.has('verbose'));
    switch (path) {
      case '/version':
        return writeJSON(res, 200, opts.version);
      case '/openapi/v2': {
        const doc = opts.openapi.v2(req.headers.accept ?? '');
        return writeBody(req, res, doc.body, doc.contentType, doc.etag);
      }
      case '/openapi/v3':
        return writeJSON(res, 200, opts.openapi.v3Index());
      case '/metrics':
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(metrics.render(opts.extraMetrics ? [await opts.extraMetrics()] : []));
        return;
      case '/':
        return writeJSON(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v2', '/openapi/v3', '/readyz', '/version'] });
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = opts.openapi.v3GroupVersion(path.slice('/openapi/v3/'.length));
      if (doc) return writeBody(req, res, doc.body, 'application/json', doc.etag);
    }
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }

  function writeBody(req: IncomingMessage, res: ServerResponse, body: Buffer, contentType: string, etag: string): void {
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length, ETag: etag, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
    res.end(body);
  }

  /** /healthz, /livez, /readyz with per-check sub-paths and ?verbose, as upstream's healthz package. */
  async function serveHealth(res: ServerResponse, kind: string, sub: string | undefined, verbose: boolean): Promise<void> {
    const checks: HealthCheck[] = [{ name: 'ping', check: async () => {} }, ...(kind === 'livez' ? [] : opts.readyChecks)];
    const selected = sub ? checks.filter((c) => c.name === sub) : checks;
    if (sub && !selected.length) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const lines: string[] = [];
    let failed = false;
    for (const c of selected) {
      try {
        await c.check();
        lines.push(`[+]${c.name} ok`);
      } catch (err) {
        failed = true;
        lines.push(`[-]${c.name} failed: reason withheld`);
        opts.log?.(`${kind} check ${c.name} failed: ${(err as Error).message}`);
      }
    }
    const text = failed || verbose ? `${lines.join('\n')}\n${kind} check ${failed ? 'failed' : 'passed'}\n` : 'ok';
    res.writeHead(failed ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    metrics,
    connectLoopback: (user) => {
      const [client, end] = LoopbackSocket.pair();
      loopbackUsers.set(end, user);
      sockets.add(end);
      end.once('close', () => sockets.delete(end));
      local.emit('connection', end);
      return client;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
