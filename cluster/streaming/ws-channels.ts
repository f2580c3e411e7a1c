/**
 * The server side of the WebSocket channel protocols (v4/v5.channel.k8s.io,
 * apimachinery wsstream): each binary message starts with its stream id; stdin (0) and
 * resize (4) come in, stdout (1), stderr (2) and the error Status (3) go out; in v5 the
 * client half-closes stdin with `[255, 0]`. The connection ends with the Status on the
 * error channel, then a normal close, which is what ends kubectl's readers.
 */
import { PassThrough, Writable } from 'node:stream';
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { WebSocket } from 'ws';
import type { RemoteCommandConnection } from './connection.js';
import { endAndFlush } from './connection.js';
import type { StreamOptions, TerminalSize } from './remotecommand.js';
import { STREAM_CLOSE, STREAM_ERROR, STREAM_PROTOCOL_V5, STREAM_RESIZE, STREAM_STDERR, STREAM_STDIN, STREAM_STDOUT, parseResizeMessages } from './remotecommand.js';

function channelWriter(ws: WebSocket, id: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.of(id), chunk]), { binary: true }, () => cb());
    },
  });
}

/** Wraps an accepted WebSocket (subprotocol already chosen) as a remote-command connection. */
export function webSocketChannels(ws: WebSocket, opts: Pick<StreamOptions, 'stdin' | 'stdout' | 'stderr' | 'tty'>): RemoteCommandConnection {
  const protocol = ws.protocol;
  const stdin = opts.stdin ? new PassThrough() : undefined;
  const stdout = opts.stdout ? channelWriter(ws, STREAM_STDOUT) : undefined;
  const stderr = opts.stderr ? channelWriter(ws, STREAM_STDERR) : undefined;
  const resizeListeners: Array<(s: TerminalSize) => void> = [];
  let resizeText = '';
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!isBinary || buf.length === 0) return;
    const id = buf[0];
    const payload = buf.subarray(1);
    if (id === STREAM_CLOSE && protocol === STREAM_PROTOCOL_V5) {
      if (payload[0] === STREAM_STDIN) stdin?.end();
      return;
    }
    if (id === STREAM_STDIN) {
      if (stdin && !stdin.writableEnded) stdin.write(payload);
    } else if (id === STREAM_RESIZE) {
      const { sizes, rest } = parseResizeMessages(resizeText + payload.toString('utf8'));
      resizeText = rest;
      for (const s of sizes) for (const l of resizeListeners) l(s);
    }
  });
  ws.once('close', () => {
    if (stdin && !stdin.writableEnded) stdin.end();
    stdout?.destroy();
    stderr?.destroy();
  });

  return {
    protocol,
    stdin,
    stdout,
    stderr,
    onResize: (l) => void resizeListeners.push(l),
    closed,
    async finish(status: Status) {
      await Promise.all([endAndFlush(stdout), endAndFlush(stderr)]);
      if (ws.readyState !== ws.OPEN) return;
      await new Promise<void>((resolve) => ws.send(Buffer.concat([Buffer.of(STREAM_ERROR), Buffer.from(JSON.stringify(status))]), { binary: true }, () => resolve()));
      ws.close(1000);
    },
  };
}
