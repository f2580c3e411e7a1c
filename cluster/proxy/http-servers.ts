/**
 * kube-proxy's two plain-HTTP servers, as cmd/kube-proxy/app/server.go serves them on
 * the node: the health server (--healthz-bind-address, 0.0.0.0:10256: /healthz and
 * /livez, JSON with lastUpdated/currentTime/nodeEligible, 503 when a change waited
 * longer than the health timeout) and the metrics server (--metrics-bind-address,
 * 10249: /metrics, /proxyMode, /configz, /healthz), plus Kubarium's own read-only
 * /rules on the metrics server: the rules each Service port has on this node (see
 * programmed-rules.ts). The API server reaches both through nodes/<node>:<port>/proxy.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeProxy } from './kube-proxy.js';

export const DEFAULT_HEALTHZ_PORT = 10256;
export const DEFAULT_METRICS_PORT = 10249;

export interface ProxyServersOptions {
  proxy: KubeProxy;
  /** Where both servers listen; default 0.0.0.0 (the node network is private to the cluster). */
  host?: string;
  /** 0 picks a free port (tests). */
  healthzPort?: number;
  metricsPort?: number;
  log?: (line: string) => void;
}

export interface ProxyServers {
  readonly healthzPort: number;
  readonly metricsPort: number;
  close(): Promise<void>;
}

/** Go's time.Time String() form, as the healthz body carries it: `2024-06-21 11:08:45.074765635 +0000 UTC`. */
function goTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000 +0000 UTC`;
}

function send(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function healthz(proxy: KubeProxy, res: ServerResponse): void {
  const h = proxy.health();
  const body = { lastUpdated: h.lastUpdated ? goTime(h.lastUpdated) : '', currentTime: goTime(new Date()), nodeEligible: true };
  send(res, h.healthy ? 200 : 503, 'application/json', JSON.stringify(body));
}

async function metricsRoutes(opts: ProxyServersOptions, ports: () => { healthz: number; metrics: number }, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const { proxy } = opts;
  const host = opts.host ?? '0.0.0.0';
  switch (path) {
    case '/metrics':
      return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', proxy.metrics.render());
    case '/proxyMode':
      return send(res, 200, 'text/plain; charset=utf-8', proxy.mode);
    case '/healthz':
    case '/livez':
      return healthz(proxy, res);
    case '/configz': {
      const p = ports();
      const config = { ...proxy.configuration(), healthzBindAddress: `${host}:${p.healthz}`, metricsBindAddress: `${host}:${p.metrics}` };
      return send(res, 200, 'application/json', JSON.stringify({ 'kubeproxy.config.k8s.io': config }));
    }
    case '/rules':
      return send(res, 200, 'application/json', JSON.stringify(await proxy.rules()));
    default:
      return send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startProxyServers(opts: ProxyServersOptions): Promise<ProxyServers> {
  const host = opts.host ?? '0.0.0.0';
  const readOnly = (handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) =>
    createServer((req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      Promise.resolve(handler(req, res)).catch((err: Error) => {
        opts.log?.(`kube-proxy: ${req.url}: ${err.message}`);
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `${err.message}\n`);
        else res.destroy();
      });
    });
  const ports = { healthz: 0, metrics: 0 };
  const health = readOnly((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/healthz' || path === '/livez') return healthz(opts.proxy, res);
    send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  });
  const metrics = readOnly((req, res) => metricsRoutes(opts, () => ports, req, res));
  ports.healthz = await listen(health, host, opts.healthzPort ?? DEFAULT_HEALTHZ_PORT);
  try {
    ports.metrics = await listen(metrics, host, opts.metricsPort ?? DEFAULT_METRICS_PORT);
  } catch (err) {
    health.close();
    throw err;
  }
  const close = (s: Server) =>
    new Promise<void>((done) => {
      s.closeAllConnections();
      s.close(() => done());
    });
  return {
    healthzPort: ports.healthz,
    metricsPort: ports.metrics,
    close: async () => void (await Promise.all([close(health), close(metrics)])),
  };
}
