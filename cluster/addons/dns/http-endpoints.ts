/**
 * CoreDNS's HTTP side, for probes and scraping:
 *   :8080/health   200 "OK" while the process serves (the health plugin; the liveness probe)
 *   :8181/ready    200 "OK" once the API caches synced, else 503 naming what is not
 *                  ready (the ready plugin; the readiness probe)
 *   :9153/metrics  Prometheus text with CoreDNS's request and response counters
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handled, Transport } from './message.js';

export class DnsMetrics {
  private readonly requests = new Map<string, number>();
  private readonly responses = new Map<string, number>();

  record(q: Handled, transport: Transport): void {
    const rk = `proto="${transport}",type="${q.qtype ?? 'other'}"`;
    this.requests.set(rk, (this.requests.get(rk) ?? 0) + 1);
    const sk = `rcode="${q.rcode}"`;
    this.responses.set(sk, (this.responses.get(sk) ?? 0) + 1);
  }

  text(): string {
    const lines = ['# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.', '# TYPE coredns_dns_requests_total counter'];
    for (const [k, v] of this.requests) lines.push(`coredns_dns_requests_total{server="dns://:53",zone=".",${k}} ${v}`);
    lines.push('# HELP coredns_dns_responses_total Counter of response status codes.', '# TYPE coredns_dns_responses_total counter');
    for (const [k, v] of this.responses) lines.push(`coredns_dns_responses_total{server="dns://:53",zone=".",${k}} ${v}`);
    return `${lines.join('\n')}\n`;
  }
}

export interface HttpEndpointsOptions {
  host?: string;
  /** 0 picks a free port. Defaults 8080, 8181, 9153. */
  healthPort?: number;
  readyPort?: number;
  metricsPort?: number;
  /** Names of what is not ready yet; empty when ready. */
  notReady: () => string[];
  metrics: DnsMetrics;
}

export interface HttpEndpoints {
  readonly healthPort: number;
  readonly readyPort: number;
  readonly metricsPort: number;
  close(): Promise<void>;
}

function serve(port: number, host: string, routes: Record<string, () => { code: number; body: string; type?: string }>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[path];
    const out = route ? route() : { code: 404, body: '404 page not found\n' };
    res.writeHead(out.code, { 'Content-Type': out.type ?? 'text/plain; charset=utf-8' });
    res.end(out.body);
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export async function startHttpEndpoints(opts: HttpEndpointsOptions): Promise<HttpEndpoints> {
  const host = opts.host ?? '0.0.0.0';
  const servers: http.Server[] = [];
  try {
    servers.push(await serve(opts.healthPort ?? 8080, host, { '/health': () => ({ code: 200, body: 'OK' }) }));
    servers.push(
      await serve(opts.readyPort ?? 8181, host, {
        '/ready': () => {
          const waiting = opts.notReady();
          return waiting.length ? { code: 503, body: waiting.join(', ') } : { code: 200, body: 'OK' };
        },
      }),
    );
    servers.push(await serve(opts.metricsPort ?? 9153, host, { '/metrics': () => ({ code: 200, body: opts.metrics.text(), type: 'text/plain; version=0.0.4; charset=utf-8' }) }));
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  const port = (i: number) => (servers[i].address() as AddressInfo).port;
  return {
    healthPort: port(0),
    readyPort: port(1),
    metricsPort: port(2),
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((r) => {
              s.closeAllConnections();
              s.close(() => r());
            }),
        ),
      );
    },
  };
}
