/**
 * Proxying one request to a kubelet over HTTPS with the API server's kubelet client
 * certificate, as upstream's UpgradeAwareHandler does: a plain request streams the
 * response back as it comes (logs -f); an upgrade request is passed through — the
 * kubelet answers the handshake (choosing the WebSocket subprotocol or SPDY version)
 * and after its 101 the two connections are spliced. A non-101 answer (an error) is
 * relayed as is.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { StatusError } from '../../api/status.js';
import type { UpgradeConnection } from './upgrade-requests.js';

export interface KubeletTLS {
  /** The API server's client certificate and key for kubelets (PEM). */
  cert: string;
  key: string;
  /** Verifies kubelets' serving certificates; without it they are not verified (upstream's default without --kubelet-certificate-authority). */
  ca?: string;
}

export interface KubeletTarget {
  host: string;
  port: number;
  /** Path and query on the kubelet. */
  path: string;
  /** Default https (the kubelet); `http` for nodes/<name>:<port>/proxy to another port of the node. */
  scheme?: 'http' | 'https';
}

/** Hop-by-hop headers (RFC 7230 §6.1) and the client's credentials, which are not the kubelet's business. */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host', 'content-length']);
const WEBSOCKET_TOKEN_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export function forwardedHeaders(req: IncomingMessage, upgrade: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || DROPPED.has(name) || name.startsWith('impersonate-')) continue;
    if (name === 'sec-websocket-protocol') {
      // Drop the bearer-token pseudo-protocol; the kubelet must not see the client's token.
      const kept = String(value).split(',').map((p) => p.trim()).filter((p) => p && !p.startsWith(WEBSOCKET_TOKEN_PREFIX));
      if (kept.length) out[name] = kept.join(', ');
      continue;
    }
    out[name] = value;
  }
  if (upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = req.headers.upgrade;
  }
  if (req.headers['content-length'] !== undefined && !upgrade) out['content-length'] = req.headers['content-length'];
  return out;
}

export function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !DROPPED.has(name)) out[name] = value;
  return out;
}

function dialError(target: KubeletTarget, err: Error): StatusError {
  return new StatusError(502, 'InternalError', `error dialing backend: ${err.message.includes(String(target.port)) ? err.message : `dial tcp ${target.host}:${target.port}: ${err.message}`}`);
}

/**
 * A kubelet's error answer as the API server reports it (GenericHttpResponseChecker):
 * its text becomes the Status message — 400 BadRequest, 500 InternalError, else the code.
 */
export function statusFromKubelet(code: number, body: string): StatusError {
  const text = body.trim();
  if (code === 400) return new StatusError(400, 'BadRequest', text);
  if (code === 500) return new StatusError(500, 'InternalError', `Internal error occurred: ${text}`);
  if (code === 404) return new StatusError(404, 'NotFound', text || 'the server could not find the requested resource');
  if (code === 401 || code === 403) return new StatusError(code, code === 401 ? 'Unauthorized' : 'Forbidden', text);
  return new StatusError(code, 'InternalError', text || `the kubelet answered ${code}`);
}

/**
 * Forwards a plain request and streams the answer back. Rejects (before anything is
 * written) when the kubelet cannot be reached, or — `errorsAsStatus`, for pods/log —
 * when it answers an error, which then reaches the client as a Status.
 */
export function proxyHttp(req: IncomingMessage, res: ServerResponse, target: KubeletTarget, tls: KubeletTLS, opts: { errorsAsStatus?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // A plain-HTTP node port (kube-proxy's 10249…) gets no client certificate.
    const request = target.scheme === 'http' ? httpRequest : httpsRequest;
    const kreq = request(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: req.method,
        headers: forwardedHeaders(req, false),
        cert: tls.cert,
        key: tls.key,
        ca: tls.ca,
        rejectUnauthorized: tls.ca !== undefined,
        agent: false,
      },
      (kres) => {
        answered = true;
        const code = kres.statusCode ?? 502;
        if (opts.errorsAsStatus && (code < 200 || code > 299)) {
          const chunks: Buffer[] = [];
          kres.on('data', (c: Buffer) => chunks.push(c));
          kres.on('end', () => reject(statusFromKubelet(code, Buffer.concat(chunks).toString('utf8').slice(0, 64 * 1024))));
          kres.on('error', (err) => reject(dialError(target, err)));
          return;
        }
        res.writeHead(kres.statusCode ?? 502, responseHeaders(kres.headers));
        res.flushHeaders();
        // Each chunk goes out as it comes: `logs -f` must not wait for a buffer to fill.
        kres.on('data', (chunk: Buffer) => res.write(chunk));
        kres.on('end', () => {
          res.end();
          resolve();
        });
        kres.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    kreq.on('error', (err) => {
      if (answered) {
        res.destroy();
        resolve();
      } else reject(dialError(target, err));
    });
    // The client leaving ends the kubelet request (and its follow).
    res.on('close', () => kreq.destroy());
    req.pipe(kreq);
  });
}

export function writeHead101(socket: Duplex, kres: IncomingMessage): void {
  let head = 'HTTP/1.1 101 Switching Protocols\r\n';
  for (let i = 0; i < kres.rawHeaders.length; i += 2) head += `${kres.rawHeaders[i]}: ${kres.rawHeaders[i + 1]}\r\n`;
  socket.write(`${head}\r\n`);
}

/**
 * Passes an upgrade through to the kubelet. Resolves once the connection is spliced or
 * the kubelet's refusal relayed; rejects when the kubelet cannot be reached.
 */
export function proxyUpgrade(req: IncomingMessage, res: ServerResponse, up: UpgradeConnection, target: KubeletTarget, tls: KubeletTLS): Promise<void> {
  return new Promise((resolve, reject) => {
    const kreq = httpsRequest({
      host: target.host,
      port: target.port,
      path: target.path,
      method: req.method,
      headers: forwardedHeaders(req, true),
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      rejectUnauthorized: tls.ca !== undefined,
      agent: false,
    });
    kreq.on('upgrade', (kres, ksocket: Duplex, khead: Buffer) => {
      const client = up.socket;
      writeHead101(client, kres);
      if (khead.length) client.write(khead);
      if (up.head.length) ksocket.write(up.head);
      ksocket.pipe(client);
      client.pipe(ksocket);
      const teardown = () => {
        ksocket.destroy();
        client.destroy();
      };
      ksocket.on('error', teardown);
      client.on('error', teardown);
      ksocket.on('close', teardown);
      client.on('close', teardown);
      resolve();
    });
    kreq.on('response', (kres) => {
      // The kubelet refused the upgrade: relay its status and body (kubectl shows them).
      res.writeHead(kres.statusCode ?? 502, responseHeaders(kres.headers));
      kres.pipe(res);
      kres.on('end', () => resolve());
      kres.on('error', () => resolve());
    });
    kreq.on('error', (err) => reject(dialError(target, err)));
    up.socket.on('close', () => kreq.destroy());
    kreq.end();
  });
}
