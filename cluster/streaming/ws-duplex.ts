/**
 * A WebSocket as a plain byte duplex, the way client-go's TunnelingConnection wraps one
 * for port-forward (`SPDY/3.1+portforward.k8s.io`): every write is one binary message,
 * and reads run across message boundaries, which carry no meaning.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export function webSocketDuplex(ws: WebSocket): Duplex {
  const duplex = new Duplex({
    allowHalfOpen: false,
    read() {
      // Messages are pushed as they arrive.
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb(new Error('websocket closed'));
      ws.send(chunk, { binary: true }, (err) => cb(err ?? null));
    },
    final(cb) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      cb(err);
    },
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) return;
    duplex.push(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on('close', () => {
    duplex.push(null);
    duplex.destroy();
  });
  ws.on('error', (err) => duplex.destroy(err));
  return duplex;
}
