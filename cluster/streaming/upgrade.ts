/**
 * HTTP upgrades to the streaming protocols: which one a request asks for, the
 * SPDY/3.1 handshake (apimachinery httpstream: `Upgrade: SPDY/3.1` and the
 * `X-Stream-Protocol-Version` negotiation), and WebSocket subprotocol choice.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SpdySession } from './spdy/session.js';

export const SPDY_UPGRADE = 'SPDY/3.1';
export const STREAM_PROTOCOL_HEADER = 'X-Stream-Protocol-Version';

export type UpgradeKind = 'websocket' | 'spdy' | undefined;

/** The kind of upgrade a request asks for (Connection: Upgrade plus Upgrade: websocket or SPDY/3.1). */
export function upgradeKind(req: IncomingMessage): UpgradeKind {
  const connection = String(req.headers.connection ?? '').toLowerCase();
  if (!connection.split(',').some((t) => t.trim() === 'upgrade')) return undefined;
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') return 'websocket';
  if (upgrade.startsWith('spdy/3.1')) return 'spdy';
  return undefined;
}

/** The values of a possibly repeated, comma-joined header, in order. */
export function headerValues(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name.toLowerCase()];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** The first of the client's protocols (in its order of preference) the server supports. */
export function negotiateProtocol(clientProtocols: string[], serverProtocols: readonly string[]): string | undefined {
  return clientProtocols.find((p) => serverProtocols.includes(p));
}

/**
 * Completes a SPDY/3.1 upgrade on a raw socket with the chosen protocol, and starts a
 * server-side SPDY session on it (`head`: bytes already read past the request).
 */
export function acceptSpdyUpgrade(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\n${STREAM_PROTOCOL_HEADER}: ${protocol}\r\n\r\n`);
  return new SpdySession(socket, 'server', head);
}

/** Writes a plain HTTP error (a Status JSON body) on a socket that was not upgraded, then closes it. */
export function rejectUpgrade(socket: Duplex, code: number, body: object): void {
  const text = JSON.stringify(body);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }[code] ?? 'Error';
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}
