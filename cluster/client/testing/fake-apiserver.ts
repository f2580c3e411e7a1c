/**
 * A small in-memory API server for the client's unit tests: CRUD, paged lists, merge
 * patches, optimistic concurrency on resourceVersion, and chunked NDJSON watches with
 * bookmarks — plus knobs to force the failures clients must survive (410 Gone on an
 * old resourceVersion, in-stream ERROR Expired, closed watches, injected Status errors).
 * Test support only; the real server lives in cluster/apiserver.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { parseSelector } from '../../api/labels.js';
import { matchesFields, parseFieldSelector } from '../../api/fields.js';
import { StatusError } from '../../api/status.js';
import type { Status } from '../../api/status.js';

type Obj = { apiVersion?: string; kind?: string; metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

interface Target {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface Watcher {
  resource: string;
  namespace?: string;
  match: (o: Obj) => boolean;
  response: http.ServerResponse;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: unknown;
  /** CN of the TLS client certificate, if one was presented. */
  clientCN?: string;
  authorization?: string;
}

export interface FakeApiServerOptions {
  /** Serve HTTPS with these PEMs instead of plain HTTP. */
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean };
  /** Write every watch event as two separate chunks, split mid-JSON. */
  splitWatchChunks?: boolean;
}

function parsePath(pathname: string): Target | undefined {
  const seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 2) [version, rest] = [seg[1], seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length >= 3) [group, version, rest] = [seg[1], seg[2], seg.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  if (!rest[0]) return undefined;
  return { group, version, resource: rest[0], namespace, name: rest[1], subresource: rest[2] };
}

function status(code: number, reason: Status['reason'], message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private rv = 100;
  /** Watches from a resourceVersion below this get 410 Gone (history compacted). */
  private oldestRV = 0;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history: Array<{ rv: number; res: string; type: string; obj: Obj }> = [];
  private readonly watchers = new Set<Watcher>();
  private readonly injected: Array<{ method: string; match: RegExp; status: Status; times: number }> = [];
  private uid = 0;
  url = '';

  constructor(private readonly opts: FakeApiServerOptions = {}) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      void this.handle(req, res).catch((err: Error) => this.send(res, 500, status(500, 'InternalError', err.message)));
    };
    this.server = opts.tls ? https.createServer({ ...opts.tls, rejectUnauthorized: false }, handler) : http.createServer(handler);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.response.destroy();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Next `times` requests with this method whose path matches fail with `st`. */
  failNext(method: string, match: RegExp, st: Status, times = 1): void {
    this.injected.push({ method, match, status: st, times });
  }

  /** Forget history: every resourceVersion up to now becomes too old to watch from. */
  compact(): void {
    this.oldestRV = this.rv;
    this.history.length = 0;
  }

  /** End every open watch normally, as a server-side timeout does. */
  closeWatches(): void {
    for (const w of this.watchers) w.response.end();
    this.watchers.clear();
  }

  /** Send `ERROR` with a 410 Expired Status into every open watch and close it. */
  expireWatches(): void {
    for (const w of this.watchers) {
      w.response.end(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (2)') }) + '\n');
    }
    this.watchers.clear();
  }

  /** Send a BOOKMARK at the current revision to every open watch. */
  bookmark(): void {
    for (const w of this.watchers) this.write(w.response, { type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } });
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Direct store access for tests (no request made). */
  put(resource: string, obj: Obj): Obj {
    return this.write_(resource, obj, this.objectsOf(resource).has(key(obj)) ? 'MODIFIED' : 'ADDED');
  }

  remove(resource: string, namespace: string | undefined, name: string): void {
    const k = namespace ? `${namespace}/${name}` : name;
    const obj = this.objectsOf(resource).get(k);
    if (!obj) return;
    this.objectsOf(resource).delete(k);
    this.rv++;
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    this.emit(resource, 'DELETED', gone);
  }

  getObject(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.objectsOf(resource).get(namespace ? `${namespace}/${name}` : name);
  }

  private objectsOf(resource: string): Map<string, Obj> {
    let m = this.objects.get(resource);
    if (!m) this.objects.set(resource, (m = new Map()));
    return m;
  }

  private write_(resource: string, obj: Obj, type: 'ADDED' | 'MODIFIED'): Obj {
    this.rv++;
    const stored: Obj = structuredClone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    stored.metadata.uid ??= `uid-${++this.uid}`;
    this.objectsOf(resource).set(key(stored), stored);
    this.emit(resource, type, stored);
    return stored;
  }

  private emit(resource: string, type: string, obj: Obj): void {
    this.history.push({ rv: this.rv, res: resource, type, obj });
    for (const w of this.watchers) {
      if (w.resource === resource && (!w.namespace || w.namespace === obj.metadata.namespace) && w.match(obj)) this.write(w.response, { type, object: obj });
    }
  }

  private write(res: http.ServerResponse, ev: unknown): void {
    const line = JSON.stringify(ev) + '\n';
    if (this.opts.splitWatchChunks) {
      const mid = Math.floor(line.length / 2);
      res.write(line.slice(0, mid));
      setImmediate(() => res.write(line.slice(mid)));
    } else res.write(line);
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const method = req.method ?? 'GET';
    const peer = this.opts.tls ? (req.socket as TLSSocket).getPeerCertificate() : undefined;
    const cn = peer?.subject?.CN;
    const clientCN = Array.isArray(cn) ? cn[0] : cn;
    this.requests.push({ method, path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], body, clientCN, authorization: req.headers.authorization });

    const inj = this.injected.find((i) => i.method === method && i.match.test(url.pathname + url.search));
    if (inj) {
      if (--inj.times <= 0) this.injected.splice(this.injected.indexOf(inj), 1);
      return this.send(res, inj.status.code, inj.status);
    }
    const t = parsePath(url.pathname);
    if (!t) return this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const resource = t.group ? `${t.resource}.${t.group}` : t.resource;
    try {
      if (method === 'GET' && !t.name) return url.searchParams.get('watch') === 'true' ? this.watch(t, resource, url, res) : this.list(t, resource, url, res);
      const existing = t.name ? this.objectsOf(resource).get(t.namespace ? `${t.namespace}/${t.name}` : t.name) : undefined;
      const nf = () => new StatusError(404, 'NotFound', `${resource} "${t.name}" not found`, { name: t.name, kind: t.resource });
      switch (method) {
        case 'GET':
          if (!existing) throw nf();
          return this.send(res, 200, existing);
        case 'POST': {
          if (t.subresource) return this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
          const obj = body as Obj;
          if (t.namespace) obj.metadata.namespace = t.namespace;
          if (this.objectsOf(resource).has(key(obj))) throw new StatusError(409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
          return this.send(res, 201, this.write_(resource, obj, 'ADDED'));
        }
        case 'PUT': {
          if (!existing) throw nf();
          const obj = body as Obj;
          if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== existing.metadata.resourceVersion) {
            throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`);
          }
          obj.metadata.uid = existing.metadata.uid;
          return this.send(res, 200, this.write_(resource, obj, 'MODIFIED'));
        }
        case 'PATCH': {
          if (!existing) throw nf();
          return this.send(res, 200, this.write_(resource, mergePatch(existing, body) as Obj, 'MODIFIED'));
        }
        case 'DELETE': {
          if (!existing) throw nf();
          this.remove(resource, t.namespace, t.name!);
          return this.send(res, 200, existing);
        }
      }
      return this.send(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
    } catch (err) {
      if (err instanceof StatusError) return this.send(res, err.code, err.toStatus());
      throw err;
    }
  }

  private matcher(url: URL): (o: Obj) => boolean {
    const ls = parseSelector(url.searchParams.get('labelSelector'));
    const fs = parseFieldSelector(url.searchParams.get('fieldSelector'));
    return (o) => ls.matches(o.metadata.labels) && matchesFields(o, fs);
  }

  private list(t: Target, resource: string, url: URL, res: http.ServerResponse): void {
    const match = this.matcher(url);
    const all = [...this.objectsOf(resource).values()].filter((o) => (!t.namespace || o.metadata.namespace === t.namespace) && match(o)).sort((a, b) => key(a).localeCompare(key(b)));
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const cont = url.searchParams.get('continue');
    let start = 0;
    let listRV = this.rv;
    if (cont) {
      const c = JSON.parse(Buffer.from(cont, 'base64').toString()) as { start: number; rv: number };
      if (c.rv < this.oldestRV) return this.send(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
      [start, listRV] = [c.start, c.rv];
    }
    const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const more = limit > 0 && start + limit < all.length;
    const metadata: Record<string, string> = { resourceVersion: String(listRV) };
    if (more) metadata.continue = Buffer.from(JSON.stringify({ start: start + limit, rv: listRV })).toString('base64');
    // Like the real server, list items carry no apiVersion/kind.
    const stripped = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    this.send(res, 200, { kind: `${kindOf(t.resource)}List`, apiVersion: t.group ? `${t.group}/${t.version}` : t.version, metadata, items: stripped });
  }

  private watch(t: Target, resource: string, url: URL, res: http.ServerResponse): void {
    const rvParam = url.searchParams.get('resourceVersion');
    const from = rvParam ? Number(rvParam) : undefined;
    if (from !== undefined && from !== 0 && from < this.oldestRV) {
      return this.send(res, 410, status(410, 'Expired', `too old resource version: ${from} (${this.oldestRV})`));
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const match = this.matcher(url);
    const w: Watcher = { resource, namespace: t.namespace, match, response: res };
    const inScope = (o: Obj) => (!t.namespace || o.metadata.namespace === t.namespace) && match(o);
    if (from === undefined || from === 0) {
      for (const o of this.objectsOf(resource).values()) if (inScope(o)) this.write(res, { type: 'ADDED', object: o });
    } else {
      for (const h of this.history) if (h.rv > from && h.res === resource && inScope(h.obj)) this.write(res, { type: h.type, object: h.obj });
    }
    this.watchers.add(w);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => {
      this.watchers.delete(w);
      res.end();
    }, timeout * 1000) : undefined;
    res.on('close', () => {
      clearTimeout(timer);
      this.watchers.delete(w);
    });
  }
}

function key(o: Obj): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function kindOf(resource: string): string {
  const singular = resource.endsWith('es') && resource !== 'leases' ? resource.slice(0, -2) : resource.replace(/s$/, '');
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
