/**
 * A deliberately thin HTTPS client for load generation: node:https with keep-alive, the
 * admin client certificate from the kubeconfig, no retries, no client-side throttling
 * (client-go's default QPS limit would cap the load we are trying to apply). Watches use
 * their own connections, as client-go's do.
 */
import fs from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { parse } from 'yaml';
import { ndjson } from '../../cluster/client/ndjson.js';

export interface KubeCredentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

const unb64 = (s: string | undefined, what: string): string => {
  if (!s) throw new Error(`kubeconfig has no ${what}`);
  return Buffer.from(s, 'base64').toString('utf8');
};

/** The current context's server, CA and client certificate (embedded *-data fields, as our kubeconfig writes them). */
export function loadKubeconfig(path: string): KubeCredentials {
  const doc = parse(fs.readFileSync(path, 'utf8')) as KubeconfigDoc;
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!cluster || !user) throw new Error(`kubeconfig ${path}: current context has no cluster or user`);
  return {
    server: cluster.server,
    ca: unb64(cluster['certificate-authority-data'], 'certificate-authority-data'),
    cert: unb64(user['client-certificate-data'], 'client-certificate-data'),
    key: unb64(user['client-key-data'], 'client-key-data'),
  };
}

export interface RawResponse {
  status: number;
  /** The whole body, or with `discardBody` only its first bytes (enough for an error message). */
  body: Buffer;
}

/** With `discardBody`, the bytes of a body kept for error messages. */
const KEPT_PREFIX = 4096;

/** Accept header for server-side printing (`kubectl get`), see kubernetes-internals §3.3. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface WatchEvent {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string } };
}

export interface WatchStream {
  /** Ends the watch (closes its connection). */
  close(): void;
  /** Settles when the stream ends: resolves on close(), rejects on a transport error. */
  readonly done: Promise<void>;
}

export class BenchClient {
  private readonly url: URL;
  private readonly agent: Agent;
  private readonly tls: Pick<RequestOptions, 'ca' | 'cert' | 'key'>;

  /** `maxSockets` = the most requests in flight at once: one connection per simulated client. */
  constructor(creds: KubeCredentials, maxSockets: number) {
    this.url = new URL(creds.server);
    this.tls = { ca: creds.ca, cert: creds.cert, key: creds.key };
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, ...this.tls });
  }

  private options(method: string, path: string, headers: Record<string, string | number>, agent: Agent | false): RequestOptions {
    return { method, host: this.url.hostname, port: this.url.port, path, headers, agent, ...this.tls };
  }

  /**
   * Requests re-sent because a kept-alive connection was closed under them (Node's documented pattern for
   * ECONNRESET on a reused socket; Go's transport does the same). Reported, since a server that drops
   * connections it has answered on is worth knowing about.
   */
  retriedOnReusedSocket = 0;

  /**
   * One request; resolves once the whole body has arrived (the latency a client sees, excluding its own decoding).
   * `discardBody` keeps only the body's first bytes: a 39 MiB list joined per request is the load
   * generator's own copy and garbage (it ran a mark-compact every ~50 ms), not the server's time.
   */
  request(method: string, path: string, body?: unknown, accept = 'application/json', { discardBody = false } = {}): Promise<RawResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: accept };
    if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
    const attempt = (retry: boolean): Promise<RawResponse> =>
      new Promise((resolve, reject) => {
        let answered = false;
        const req = request(this.options(method, path, headers, this.agent), (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (c: Buffer) => {
            if (discardBody && kept >= KEPT_PREFIX) return;
            chunks.push(c);
            kept += c.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        req.on('socket', (s) => s.setNoDelay(true));
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (retry && !answered && req.reusedSocket && err.code === 'ECONNRESET') {
            this.retriedOnReusedSocket++;
            resolve(attempt(false));
          } else reject(err);
        });
        req.end(payload);
      });
    return attempt(true);
  }

  /** A request that must succeed (2xx); returns the decoded JSON body. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status < 200 || res.status >= 300) throw new HttpError(method, path, res.status, res.body.toString('utf8'));
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /** Opens a watch on its own connection; resolves once the server has answered 200, then calls onEvent per event. */
  watch(path: string, onEvent: (e: WatchEvent, receivedAt: number) => void): Promise<WatchStream> {
    return new Promise((resolveOpen, rejectOpen) => {
      const req = request(this.options('GET', path, { Accept: 'application/json' }, false), (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          rejectOpen(new HttpError('GET', path, res.statusCode ?? 0, 'watch refused'));
          return;
        }
        let closing = false;
        const done = (async () => {
          try {
            for await (const e of ndjson(res)) onEvent(e as WatchEvent, performance.now());
          } catch (err) {
            if (!closing) throw err;
          }
        })();
        done.catch(() => {});
        resolveOpen({
          close: () => {
            closing = true;
            req.destroy();
          },
          done,
        });
      });
      req.on('socket', (s) => s.setNoDelay(true));
      req.on('error', rejectOpen);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
