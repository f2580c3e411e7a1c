/** A TCP forwarder: every connection to `host:port` is piped to the target chosen for it. */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

const CONNECT_TIMEOUT_MS = 10_000;

export function forwardTcp(host: string, port: number, target: () => { host: string; port: number } | undefined): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const to = target();
    if (!to) return inbound.destroy();
    const outbound = createConnection(to);
    // A target that never answers the SYN (rules not programmed yet, a dropped packet) must not hold the client forever.
    const connectTimer = setTimeout(() => outbound.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
    outbound.once('connect', () => clearTimeout(connectTimer));
    outbound.once('close', () => clearTimeout(connectTimer));
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export const closeServer = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));
