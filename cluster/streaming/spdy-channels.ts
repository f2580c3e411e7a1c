/**
 * The server side of remote command over plain SPDY (the pre-WebSocket protocol,
 * kubectl's fallback): the client opens one stream per standard stream, named by the
 * `streamType` header (error, stdin, stdout, stderr, resize); once every expected one
 * is open the command runs; the error stream gets the final Status.
 */
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { RemoteCommandConnection } from './connection.js';
import { endAndFlush } from './connection.js';
import type { StreamOptions, TerminalSize } from './remotecommand.js';
import { parseResizeMessages } from './remotecommand.js';
import type { SpdySession, SpdyStream } from './spdy/session.js';

/** How long the client may take to open its streams (the kubelet's streamCreationTimeout). */
const STREAMS_TIMEOUT_MS = 30_000;

/** Waits for the streams `opts` implies, then wraps them; rejects if they do not all come. */
export function spdyChannels(session: SpdySession, protocol: string, opts: Pick<StreamOptions, 'stdin' | 'stdout' | 'stderr' | 'tty'>): Promise<RemoteCommandConnection> {
  const expected = new Set<string>(['error']);
  if (opts.stdin) expected.add('stdin');
  if (opts.stdout) expected.add('stdout');
  if (opts.stderr) expected.add('stderr');
  if (opts.tty) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.close();
      reject(new Error(`timed out waiting for client streams (got ${[...streams.keys()].join(', ') || 'none'})`));
    }, STREAMS_TIMEOUT_MS);
    const onStream = (s: SpdyStream) => {
      const type = s.header('streamtype') ?? '';
      void s.reply();
      if (!expected.has(type) || streams.has(type)) {
        // Streams we did not ask for (e.g. resize without a TTY) are accepted and drained.
        s.resume();
        return;
      }
      streams.set(type, s);
      if (streams.size === expected.size) {
        clearTimeout(timer);
        session.off('stream', onStream);
        resolve(wrap(session, protocol, streams));
      }
    };
    session.on('stream', onStream);
    session.once('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed before the streams were open'));
    });
  });
}

function wrap(session: SpdySession, protocol: string, streams: Map<string, SpdyStream>): RemoteCommandConnection {
  const resizeListeners: Array<(s: TerminalSize) => void> = [];
  const resize = streams.get('resize');
  if (resize) {
    let text = '';
    resize.on('data', (chunk: Buffer) => {
      const { sizes, rest } = parseResizeMessages(text + chunk.toString('utf8'));
      text = rest;
      for (const s of sizes) for (const l of resizeListeners) l(s);
    });
  }
  const error = streams.get('error')!;
  error.resume();
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  // We never read what arrives on the output streams.
  stdout?.resume();
  stderr?.resume();
  const closed = new Promise<void>((resolve) => (session.isClosed ? resolve() : session.once('close', () => resolve())));
  return {
    protocol,
    stdin: streams.get('stdin'),
    stdout,
    stderr,
    onResize: (l) => void resizeListeners.push(l),
    closed,
    async finish(status: Status) {
      await Promise.all([endAndFlush(stdout), endAndFlush(stderr)]);
      // v2+ write nothing on success; the Status only for failures (errorDecoderV4 treats empty as success).
      if (status.status !== 'Success') error.write(JSON.stringify(status));
      await endAndFlush(error);
      await session.shutdown();
    },
  };
}
