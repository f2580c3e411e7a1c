/**
 * The typed REST client every component uses to reach the API server (client-go's
 * rest.Interface + dynamic client in one): JSON over HTTPS with a keep-alive agent,
 * optional client-side QPS/burst throttling, Status bodies turned into StatusError, and
 * watches read as newline-delimited JSON events.
 */
import http from 'node:http';
import https from 'node:https';
import type { Binding } from 'kubernetes-types/core/v1.js';
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import type { Eviction } from 'kubernetes-types/policy/v1.js';
import type { ListMeta, ObjectMeta, Preconditions } from 'kubernetes-types/meta/v1.js';
import { StatusError } from '../api/status.js';
import type { Status, StatusReason } from '../api/status.js';
import { loadKubeconfig } from './kubeconfig.js';
import type { ConnectionConfig } from './kubeconfig.js';
import { apiVersionOf, PODS, resourcePath } from './gvr.js';
import type { GVR } from './gvr.js';
import type { Loopback, LoopbackEvent } from './loopback.js';
import { ndjson } from './ndjson.js';
import { TokenBucket } from './token-bucket.js';

/** Any API object: TypeMeta + ObjectMeta and whatever else. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export interface RestClientOptions extends ConnectionConfig {
  /** Client-side throttle (client-go rest.Config QPS). Unset or 0: no throttling, the right default in-process. */
  qps?: number;
  /** Bucket size for `qps` (client-go Burst); default 2×qps. */
  burst?: number;
  /**
   * Sockets per host in the keep-alive pool; watches hold one each. Default 1024. Requests
   * past it wait for a socket; every socket stays in the pool once opened (Node's default
   * keeps only 256 idle, so each burst past that paid new TLS handshakes).
   */
  maxSockets?: number;
  /** Sent as User-Agent, e.g. `kube-scheduler`. */
  userAgent?: string;
  /** Deadline for non-watch requests, ms. Default 60 000. */
  requestTimeoutMs?: number;
  /** Asked before each request for the bearer token (exec credential plugins, rotated token files); wins over `token`. */
  tokenSource?: () => Promise<string | undefined>;
  /** The API server in this process (loopback.ts): watches get its objects, other requests an in-memory connection. */
  loopback?: Loopback;
}

export interface SelectorOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListOptions extends SelectorOptions {
  /** Omit for all namespaces. */
  namespace?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends SelectorOptions {
  namespace?: string;
  /** Start after this version ('' / omitted: current state as synthetic ADDED events, then changes). */
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  signal?: AbortSignal;
}

export interface ObjectOptions {
  /** For namespaced resources; defaults to the object's namespace, then the client's. */
  namespace?: string;
  /** `status`, `scale`, ... */
  subresource?: string;
  signal?: AbortSignal;
}

export interface WriteOptions extends ObjectOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

/** merge = RFC 7386, strategic = Kubernetes strategic merge, json = RFC 6902, apply = server-side apply. */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  type?: PatchType;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions extends ObjectOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: Preconditions;
  dryRun?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
export type WatchEvent<T> = { type: WatchEventType; object: T } | { type: 'ERROR'; object: Status };

/** An open watch: iterate its events; the iteration ends when the server closes the stream or `stop()` is called. */
export interface WatchStream<T> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
  /** The events' objects are the in-process API server's own (loopback.ts): read them, never change them. */
  readonly shared?: boolean;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Reason for a non-Status error body, as client-go's newUnstructuredResponseError picks it. */
function reasonForCode(code: number): StatusReason {
  const m: Record<number, StatusReason> = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
    406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
    422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
  };
  return m[code] ?? 'InternalError';
}

/** Builds the StatusError for a failed response (or an ERROR watch event's Status). */
export function statusErrorFrom(code: number, body: string, retryAfter?: string): StatusError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && (parsed as Status).kind === 'Status') {
    const s = parsed as Status;
    return new StatusError(s.code || code, s.reason ?? reasonForCode(code), s.message ?? `the server responded with status ${code}`, s.details);
  }
  const details = retryAfter && Number(retryAfter) > 0 ? { retryAfterSeconds: Number(retryAfter) } : undefined;
  const text = body.trim().slice(0, 512);
  return new StatusError(code, reasonForCode(code), text ? `the server responded with status ${code}: ${text}` : `the server responded with status ${code}`, details);
}

/** The Status of an ERROR watch event as a StatusError. */
export function statusToError(s: Status): StatusError {
  return new StatusError(s.code || 500, s.reason ?? '', s.message ?? 'watch error', s.details);
}

function queryString(q: RequestOptions['query']): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q ?? {})) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export class RestClient {
  /** The context's namespace (kubeconfig), used when a namespaced call names none. */
  readonly namespace: string;
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly limiter?: TokenBucket;
  private readonly headers: Record<string, string>;
  private readonly requestTimeoutMs: number;
  private readonly tokenSource?: () => Promise<string | undefined>;
  private readonly loopback?: Loopback;

  /** A client for the current context of a kubeconfig file. */
  static fromKubeconfig(path: string, opts: Omit<RestClientOptions, keyof ConnectionConfig> & { context?: string } = {}): RestClient {
    const { context, ...rest } = opts;
    return new RestClient({ ...loadKubeconfig(path, context), ...rest });
  }

  constructor(opts: RestClientOptions) {
    this.server = new URL(opts.server);
    this.namespace = opts.namespace ?? 'default';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    const maxSockets = opts.maxSockets ?? 1024;
    const loopback = opts.loopback;
    if (this.server.protocol === 'https:' && !loopback) {
      this.transport = https;
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets,
        maxFreeSockets: maxSockets,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: !opts.insecureSkipTLSVerify,
        servername: opts.tlsServerName,
      });
    } else {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
      // In-process: the server URL stays (Host header, error texts); connections are in-memory, plain HTTP.
      if (loopback) this.agent.createConnection = () => loopback.connect();
    }
    if (opts.qps && opts.qps > 0) this.limiter = new TokenBucket({ qps: opts.qps, burst: opts.burst ?? Math.max(1, Math.ceil(opts.qps * 2)) });
    this.headers = { Accept: 'application/json', 'User-Agent': opts.userAgent ?? 'kubarium-client' };
    if (opts.token) this.headers.Authorization = `Bearer ${opts.token}`;
    this.tokenSource = opts.tokenSource;
    this.loopback = opts.loopback;
  }

  /** Closes pooled connections; open watches are not affected. */
  close(): void {
    this.agent.destroy();
  }

  private async send(method: string, path: string, o: RequestOptions, watch: boolean): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = { ...this.headers };
    const token = this.tokenSource ? await this.tokenSource() : undefined;
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: Buffer | undefined;
    if (o.body !== undefined) {
      payload = Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
      headers['Content-Type'] = o.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const signals = [o.signal, watch ? undefined : AbortSignal.timeout(this.requestTimeoutMs)].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        {
          protocol: this.transport === http ? 'http:' : 'https:',
          hostname: this.server.hostname.replace(/^\[|\]$/g, ''),
          port: this.server.port,
          path: this.server.pathname.replace(/\/$/, '') + path + queryString(o.query),
          method,
          headers,
          agent: this.agent,
          signal,
        },
        resolve,
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async readBody(res: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Any request: returns the parsed JSON body, throws StatusError for non-2xx. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    if (this.limiter) await this.limiter.acquire(o.signal);
    const res = await this.send(method, path, o, false);
    const body = await this.readBody(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) throw statusErrorFrom(code, body, res.headers['retry-after'] as string | undefined);
    return (body ? JSON.parse(body) : undefined) as T;
  }

  /**
   * A GET whose body is read as it arrives (pods/log?follow=true and other streams): resolves with the response
   * once the server answered 2xx; a non-2xx rejects with StatusError. No request timeout: end it with `signal`
   * (or by destroying the response).
   */
  async stream(path: string, o: Pick<RequestOptions, 'query' | 'signal'> = {}): Promise<http.IncomingMessage> {
    if (this.limiter) await this.limiter.acquire(o.signal);
    const res = await this.send('GET', path, o, true);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) {
      const body = await this.readBody(res).catch(() => '');
      throw statusErrorFrom(code, body, res.headers['retry-after'] as string | undefined);
    }
    return res;
  }

  private ns(r: GVR, explicit: string | undefined, obj?: KubeObject): string | undefined {
    if (!r.namespaced) return undefined;
    return explicit ?? obj?.metadata?.namespace ?? this.namespace;
  }

  get<T extends KubeObject>(r: GVR, name: string, o: ObjectOptions = {}): Promise<T> {
    return this.request<T>('GET', resourcePath(r, this.ns(r, o.namespace), name, o.subresource), { signal: o.signal });
  }

  /** One page (or everything, without `limit`). Items get apiVersion/kind filled in, which servers omit in lists. */
  async list<T extends KubeObject>(r: GVR, o: ListOptions & { signal?: AbortSignal } = {}): Promise<ObjectList<T>> {
    const list = await this.request<ObjectList<T>>('GET', resourcePath(r, o.namespace), {
      query: {
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        limit: o.limit,
        continue: o.continue,
        resourceVersion: o.resourceVersion,
        resourceVersionMatch: o.resourceVersionMatch,
      },
      signal: o.signal,
    });
    list.items ??= [];
    list.metadata ??= {};
    const apiVersion = apiVersionOf(r);
    for (const item of list.items) {
      item.apiVersion ??= apiVersion;
      item.kind ??= r.kind;
    }
    return list;
  }

  /**
   * All pages of a list (client-go's ListPager): follows `continue`; if a continue token
   * expires (410) mid-way, falls back to one unpaged list as the pager does.
   */
  async listAll<T extends KubeObject>(r: GVR, o: Omit<ListOptions, 'continue'> & { signal?: AbortSignal } = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    for (;;) {
      let page: ObjectList<T>;
      try {
        page = await this.list<T>(r, { ...o, continue: cont });
      } catch (err) {
        if (cont && err instanceof StatusError && err.code === 410) {
          const full = await this.list<T>(r, { ...o, limit: undefined, continue: undefined });
          return { items: full.items, resourceVersion: full.metadata.resourceVersion ?? '' };
        }
        throw err;
      }
      items.push(...page.items);
      cont = page.metadata.continue;
      if (!cont) return { items, resourceVersion: page.metadata.resourceVersion ?? '' };
    }
  }

  private writeQuery(o: WriteOptions): RequestOptions['query'] {
    return { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager };
  }

  create<T extends KubeObject>(r: GVR, obj: T, o: WriteOptions = {}): Promise<T> {
    const ns = this.ns(r, o.namespace, obj);
    const path = o.subresource ? resourcePath(r, ns, obj.metadata?.name, o.subresource) : resourcePath(r, ns);
    return this.request<T>('POST', path, { body: obj, query: this.writeQuery(o), signal: o.signal });
  }

  /** PUT; optimistic concurrency comes from `metadata.resourceVersion` in `obj` (409 Conflict when stale). */
  update<T extends KubeObject>(r: GVR, obj: T, o: WriteOptions = {}): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`update ${r.resource}: object has no metadata.name`);
    return this.request<T>('PUT', resourcePath(r, this.ns(r, o.namespace, obj), name, o.subresource), { body: obj, query: this.writeQuery(o), signal: o.signal });
  }

  updateStatus<T extends KubeObject>(r: GVR, obj: T, o: Omit<WriteOptions, 'subresource'> = {}): Promise<T> {
    return this.update(r, obj, { ...o, subresource: 'status' });
  }

  patch<T extends KubeObject>(r: GVR, name: string, patch: unknown, o: PatchOptions = {}): Promise<T> {
    const type = o.type ?? 'merge';
    if (type === 'apply' && !o.fieldManager) throw new Error('server-side apply needs a fieldManager');
    return this.request<T>('PATCH', resourcePath(r, this.ns(r, o.namespace), name, o.subresource), {
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      query: { ...this.writeQuery(o), force: o.force ? true : undefined },
      signal: o.signal,
    });
  }

  /** DELETE; resolves to the deleted object (or the object with deletionTimestamp set, or a Success Status). */
  delete<T extends KubeObject = KubeObject>(r: GVR, name: string, o: DeleteOptions = {}): Promise<T | Status> {
    return this.request<T | Status>('DELETE', resourcePath(r, this.ns(r, o.namespace), name, o.subresource), {
      body: this.deleteBody(o),
      signal: o.signal,
    });
  }

  deleteCollection<T extends KubeObject = KubeObject>(r: GVR, o: DeleteOptions & SelectorOptions = {}): Promise<ObjectList<T> | Status> {
    return this.request<ObjectList<T> | Status>('DELETE', resourcePath(r, r.namespaced ? (o.namespace ?? this.namespace) : undefined), {
      body: this.deleteBody(o),
      query: { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector },
      signal: o.signal,
    });
  }

  private deleteBody(o: DeleteOptions): object | undefined {
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: o.gracePeriodSeconds,
      propagationPolicy: o.propagationPolicy,
      preconditions: o.preconditions,
      dryRun: o.dryRun ? ['All'] : undefined,
    };
    const set = Object.values(body).filter((v) => v !== undefined).length > 2;
    return set ? body : undefined;
  }

  getScale(r: GVR, name: string, o: Omit<ObjectOptions, 'subresource'> = {}): Promise<Scale> {
    return this.request<Scale>('GET', resourcePath(r, this.ns(r, o.namespace), name, 'scale'), { signal: o.signal });
  }

  updateScale(r: GVR, scale: Scale, o: Omit<WriteOptions, 'subresource'> = {}): Promise<Scale> {
    return this.update(r, scale, { ...o, subresource: 'scale' });
  }

  /** POST pods/{name}/binding, as the scheduler binds a pod to a node. */
  bind(binding: Binding, o: Omit<WriteOptions, 'subresource'> = {}): Promise<Status> {
    return this.postPodSubresource(binding, 'binding', o);
  }

  /** POST pods/{name}/eviction (policy/v1 Eviction); 429 when a PodDisruptionBudget forbids it. */
  evict(eviction: Eviction, o: Omit<WriteOptions, 'subresource'> = {}): Promise<Status> {
    return this.postPodSubresource({ apiVersion: 'policy/v1', kind: 'Eviction', ...eviction }, 'eviction', o);
  }

  private postPodSubresource(body: KubeObject, subresource: string, o: Omit<WriteOptions, 'subresource'>): Promise<Status> {
    const name = body.metadata?.name;
    if (!name) throw new Error(`${subresource}: metadata.name (the pod's name) is required`);
    const path = resourcePath(PODS, this.ns(PODS, o.namespace, body), name, subresource);
    return this.request<Status>('POST', path, { body, query: this.writeQuery(o), signal: o.signal });
  }

  /**
   * Opens a watch. Resolves once the server accepted it (so a 410 for a too-old
   * resourceVersion rejects here as StatusError); in-stream failures arrive as ERROR events.
   */
  async watch<T extends KubeObject>(r: GVR, o: WatchOptions = {}): Promise<WatchStream<T>> {
    if (this.limiter) await this.limiter.acquire(o.signal);
    const abort = new AbortController();
    const signal = o.signal ? AbortSignal.any([o.signal, abort.signal]) : abort.signal;
    const path = resourcePath(r, o.namespace);
    const query = {
      watch: 'true',
      resourceVersion: o.resourceVersion,
      timeoutSeconds: o.timeoutSeconds,
      allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
    };
    const local = await this.loopback?.watch(path + queryString(query), signal);
    if (local) {
      if ('body' in local) throw statusErrorFrom(local.status, local.body);
      return loopbackStream<T>(local.events, abort);
    }
    const res = await this.send('GET', path, { query, signal }, true);
    const code = res.statusCode ?? 0;
    if (code !== 200) {
      const body = await this.readBody(res).catch(() => '');
      throw statusErrorFrom(code, body, res.headers['retry-after'] as string | undefined);
    }
    // Errors surface through the iterator; without a listener an early reset (before anyone iterates) would be uncaught.
    res.on('error', () => {});
    // Guard against a server that never honours timeoutSeconds (client-go relies on the server, plus TCP keep-alive).
    const guard = o.timeoutSeconds ? setTimeout(() => abort.abort(), (o.timeoutSeconds + 30) * 1000) : undefined;
    guard?.unref();
    const apiVersion = apiVersionOf(r);
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(guard);
      abort.abort();
      res.destroy();
    };
    async function* events(): AsyncGenerator<WatchEvent<T>> {
      try {
        for await (const raw of ndjson(res)) {
          const ev = raw as WatchEvent<T>;
          if (ev.type !== 'ERROR' && ev.type !== 'BOOKMARK' && ev.object) {
            ev.object.apiVersion ??= apiVersion;
            ev.object.kind ??= r.kind;
          }
          yield ev;
        }
      } catch (err) {
        if (!stopped && !signal.aborted) throw err;
      } finally {
        clearTimeout(guard);
        res.destroy();
      }
    }
    const it = events();
    return { stop, [Symbol.asyncIterator]: () => it };
  }
}

/** A watch answered in-process: its events as the server handed them over (loopback.ts). */
function loopbackStream<T>(events: AsyncIterable<LoopbackEvent>, abort: AbortController): WatchStream<T> {
  async function* each(): AsyncGenerator<WatchEvent<T>> {
    try {
      yield* events as AsyncIterable<WatchEvent<T>>;
    } finally {
      abort.abort();
    }
  }
  const it = each();
  return { stop: () => abort.abort(), shared: true, [Symbol.asyncIterator]: () => it };
}
