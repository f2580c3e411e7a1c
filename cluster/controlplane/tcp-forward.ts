/** A TCP forwarder: every connection to `host:port` is piped to the target chosen for it. */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export function forwardTcp(host: string, port: number, target: () => { host: string; port: number } | undefined): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const to = target();
    if (!to) return inbound.destroy();
    const outbound = createConnection(to);
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
