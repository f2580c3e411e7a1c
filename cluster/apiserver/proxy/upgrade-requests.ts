/**
 * Upgrade requests (WebSocket, SPDY/3.1) through the API server's ordinary request chain.
 * Node hands upgrades to an 'upgrade' listener with the raw socket; this re-emits them as
 * requests (with a ServerResponse writing to that socket) so authentication, RBAC and
 * routing stay one path, and remembers the socket so a handler can take it over — the
 * way Go's http.Hijacker serves upstream's UpgradeAwareHandler.
 */
import type { Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeConnection {
  socket: Duplex;
  /** Bytes the client sent past the request head. */
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, UpgradeConnection>();

/** The raw connection of an upgrade request, to take over; undefined for plain requests. */
export function upgradeOf(req: IncomingMessage): UpgradeConnection | undefined {
  return upgrades.get(req);
}

/** Routes `server`'s upgrade requests through its 'request' listeners. Idempotent. */
export function acceptUpgradeRequests(server: Server): void {
  if (server.listenerCount('upgrade') > 0) return;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrades.set(req, { socket, head });
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    // An answer other than a takeover (an error Status) ends the connection.
    res.on('finish', () => {
      res.detachSocket(socket as never);
      socket.end();
    });
    server.emit('request', req, res);
  });
}
