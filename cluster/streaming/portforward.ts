/**
 * The server side of port-forward over a SPDY connection (portforward.k8s.io, the
 * kubelet's cri/streaming/portforward/httpstream.go): for each forwarded connection the
 * client opens two streams with the same `requestID` and `port` headers, an `error`
 * stream (we write a message there if the forward fails) and a `data` stream (the
 * bytes). Once both are there, the data stream is piped to a connection into the pod.
 */
import type { Duplex } from 'node:stream';
import { RstStatus } from './spdy/framer.js';
import type { SpdySession, SpdyStream } from './spdy/session.js';

/** The subprotocol of plain SPDY port-forward (X-Stream-Protocol-Version) and, prefixed, of the WebSocket tunnel. */
export const PORT_FORWARD_PROTOCOL_V1 = 'portforward.k8s.io';
/** kubectl ≥ 1.31 asks for SPDY tunnelled in WebSocket messages with this subprotocol. */
export const WEBSOCKET_SPDY_TUNNELING_PREFIX = 'SPDY/3.1+';
export const PORT_FORWARD_TUNNEL_PROTOCOL = WEBSOCKET_SPDY_TUNNELING_PREFIX + PORT_FORWARD_PROTOCOL_V1;

/** How long the second stream of a pair may keep us waiting (the kubelet's streamCreationTimeout is 30 s). */
const PAIR_TIMEOUT_MS = 30_000;

export interface PortForwardOptions {
  /** Opens a connection to `port` in the pod's network namespace. */
  dial(port: number): Promise<Duplex>;
  log?: (line: string) => void;
  /** Names the pod in error messages (`error forwarding port 80 to pod <name>`). */
  podName: string;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Serves port-forward requests on an accepted SPDY connection until it closes. */
export function servePortForward(session: SpdySession, opts: PortForwardOptions): void {
  const pairs = new Map<string, Pair>();

  session.on('stream', (stream) => {
    const type = stream.header('streamtype');
    const requestId = stream.header('requestid') ?? String(stream.id);
    const port = Number(stream.header('port'));
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port <= 0 || port > 65535) {
      stream.resetStream(RstStatus.REFUSED_STREAM);
      return;
    }
    void stream.reply();
    let pair = pairs.get(requestId);
    if (!pair) {
      pair = {
        timer: setTimeout(() => {
          pairs.delete(requestId);
          pair?.error?.resetStream();
          pair?.data?.resetStream();
        }, PAIR_TIMEOUT_MS),
      };
      pairs.set(requestId, pair);
    }
    if (pair[type]) {
      stream.resetStream(RstStatus.PROTOCOL_ERROR);
      return;
    }
    pair[type] = stream;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forward(pair.error, pair.data, port, opts);
    }
  });
  session.on('close', () => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
}

async function forward(errorStream: SpdyStream, dataStream: SpdyStream, port: number, opts: PortForwardOptions): Promise<void> {
  // The client never writes on the error stream; drain it so its FIN is seen.
  errorStream.resume();
  let conn: Duplex;
  try {
    conn = await opts.dial(port);
  } catch (err) {
    const message = `error forwarding port ${port} to pod ${opts.podName}: ${(err as Error).message}`;
    opts.log?.(message);
    errorStream.end(message);
    dataStream.end();
    return;
  }
  let failed = false;
  conn.on('error', (err) => {
    if (failed) return;
    failed = true;
    const message = `error forwarding port ${port} to pod ${opts.podName}: ${err.message}`;
    opts.log?.(message);
    if (!errorStream.writableEnded) errorStream.end(message);
    dataStream.end();
  });
  dataStream.on('error', () => conn.destroy());
  // Client → pod; the client's FIN half-closes the pod connection.
  dataStream.pipe(conn);
  // Pod → client; when the pod side ends, FIN the data stream, then the error stream (no error).
  conn.pipe(dataStream);
  conn.on('close', () => {
    if (!errorStream.writableEnded) errorStream.end();
    if (!dataStream.writableEnded) dataStream.end();
  });
  dataStream.on('close', () => conn.destroy());
}
