/**
 * The kubelet's streaming endpoints, which only make sense as upgrades: /exec and
 * /attach (remote command over WebSocket v5/v4.channel.k8s.io, or SPDY/3.1 as the
 * fallback) and /portForward (SPDY/3.1, plain or tunnelled in WebSocket messages as
 * kubectl ≥ 1.31 asks). Unlike upstream, the kubelet serves these itself rather than
 * redirecting to a CRI streaming server.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RemoteCommandConnection } from '../../streaming/connection.js';
import { PORT_FORWARD_PROTOCOL_V1, PORT_FORWARD_TUNNEL_PROTOCOL, servePortForward } from '../../streaming/portforward.js';
import { exitCodeStatus, internalErrorStatus, parseStreamOptions, successStatus, SUPPORTED_STREAM_PROTOCOLS } from '../../streaming/remotecommand.js';
import type { StreamOptions, TerminalSize } from '../../streaming/remotecommand.js';
import { spdyChannels } from '../../streaming/spdy-channels.js';
import { SpdySession } from '../../streaming/spdy/session.js';
import { acceptSpdyUpgrade, headerValues, negotiateProtocol, STREAM_PROTOCOL_HEADER, upgradeKind } from '../../streaming/upgrade.js';
import { webSocketChannels } from '../../streaming/ws-channels.js';
import { webSocketDuplex } from '../../streaming/ws-duplex.js';
import type { ContainerRuntime, StreamingRuntime, StreamingSession } from '../runtime/types.js';
import { runningContainer } from './containers.js';
import { KubeletHttpError } from './http-error.js';

export interface Upgrade {
  socket: Duplex;
  head: Buffer;
}

type Runtime = ContainerRuntime & StreamingRuntime;

/** One WebSocket server (no listener of its own) per set of subprotocols. */
function wsServer(protocols: readonly string[]): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    // Large enough for kubectl cp chunks; ws's default (100 MiB) is fine but explicit.
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (offered) => [...offered].find((p) => protocols.includes(p)) ?? false,
  });
}

const remoteCommandWss = wsServer(SUPPORTED_STREAM_PROTOCOLS);
const portForwardWss = wsServer([PORT_FORWARD_TUNNEL_PROTOCOL]);

function acceptWebSocket(wss: WebSocketServer, req: IncomingMessage, up: Upgrade): Promise<WebSocket> {
  return new Promise((resolve) => wss.handleUpgrade(req, up.socket, up.head, resolve));
}

function requireUpgrade(req: IncomingMessage, up: Upgrade | undefined): asserts up is Upgrade {
  if (!up || !upgradeKind(req)) throw new KubeletHttpError(400, 'Upgrade request required');
}

/** Opens the client's streams over whichever protocol it asked for; throws before upgrading if none fits. */
async function openRemoteCommand(req: IncomingMessage, up: Upgrade, opts: StreamOptions): Promise<RemoteCommandConnection> {
  if (upgradeKind(req) === 'websocket') {
    if (!negotiateProtocol(headerValues(req, 'sec-websocket-protocol'), SUPPORTED_STREAM_PROTOCOLS)) {
      throw new KubeletHttpError(400, `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(headerValues(req, 'sec-websocket-protocol'))}, server supports ${JSON.stringify(SUPPORTED_STREAM_PROTOCOLS)}`);
    }
    return webSocketChannels(await acceptWebSocket(remoteCommandWss, req, up), opts);
  }
  const protocol = negotiateProtocol(headerValues(req, STREAM_PROTOCOL_HEADER), SUPPORTED_STREAM_PROTOCOLS);
  if (!protocol) throw new KubeletHttpError(403, `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(headerValues(req, STREAM_PROTOCOL_HEADER))}, server supports ${JSON.stringify(SUPPORTED_STREAM_PROTOCOLS)}`);
  return spdyChannels(acceptSpdyUpgrade(up.socket, up.head, protocol), protocol, opts);
}

/** kubectl sends the terminal size right after connecting; a TTY command waits this long for it. */
const INITIAL_SIZE_WAIT_MS = 500;

/** Runs an exec/attach to its end: resizes forwarded, the final Status written. */
async function drive(conn: RemoteCommandConnection, tty: boolean, start: (initialSize: TerminalSize | undefined) => Promise<StreamingSession>, log?: (l: string) => void): Promise<void> {
  let session: StreamingSession | undefined;
  let pendingSize: TerminalSize | undefined;
  let gotSize: () => void = () => undefined;
  const sized = new Promise<void>((resolve) => (gotSize = resolve));
  conn.onResize((s) => {
    if (session) void session.resize(s.width, s.height);
    else pendingSize = s;
    gotSize();
  });
  if (tty) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sized, new Promise<void>((resolve) => (timer = setTimeout(resolve, INITIAL_SIZE_WAIT_MS)))]);
    clearTimeout(timer);
  }
  const initialSize = pendingSize;
  try {
    session = await start(initialSize);
  } catch (err) {
    log?.(`streaming: ${(err as Error).message}`);
    await conn.finish(internalErrorStatus((err as Error).message));
    return;
  }
  if (pendingSize && pendingSize !== initialSize) void session.resize(pendingSize.width, pendingSize.height);
  void conn.closed.then(() => session?.close());
  const exitCode = await session.done;
  await conn.finish(exitCode === undefined || exitCode === 0 ? successStatus() : exitCodeStatus(exitCode));
}

export async function serveExec(runtime: Runtime, pod: Pod, container: string, req: IncomingMessage, url: URL, up: Upgrade | undefined, log?: (l: string) => void): Promise<void> {
  requireUpgrade(req, up);
  const opts = parseStreamOptions(url.searchParams);
  if (opts.command.length === 0) throw new KubeletHttpError(400, 'you must specify at least 1 command');
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw new KubeletHttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  const target = await runningContainer(runtime, pod, container);
  const conn = await openRemoteCommand(req, up, opts);
  await drive(conn, opts.tty, (initialSize) => runtime.exec(target.id, opts.command, { stdin: conn.stdin, stdout: conn.stdout, stderr: conn.stderr, tty: opts.tty, initialSize }), log);
}

export async function serveAttach(runtime: Runtime, pod: Pod, container: string, req: IncomingMessage, url: URL, up: Upgrade | undefined, log?: (l: string) => void): Promise<void> {
  requireUpgrade(req, up);
  const opts = parseStreamOptions(url.searchParams);
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw new KubeletHttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  const target = await runningContainer(runtime, pod, container);
  const conn = await openRemoteCommand(req, up, opts);
  await drive(conn, opts.tty, async (initialSize) => {
    const session = await runtime.attach(target.id, { stdin: conn.stdin, stdout: conn.stdout, stderr: conn.stderr, tty: opts.tty });
    if (initialSize) await session.resize(initialSize.width, initialSize.height);
    return session;
  }, log);
}

export async function servePortForwardRequest(runtime: Runtime, pod: Pod, req: IncomingMessage, up: Upgrade | undefined, log?: (l: string) => void): Promise<void> {
  requireUpgrade(req, up);
  const sandbox = await runtime.podSandbox(pod.metadata?.uid ?? '');
  if (!sandbox || sandbox.state !== 'ready') throw new KubeletHttpError(500, `pod sandbox of "${pod.metadata?.name}" is not running`);
  const podName = `${pod.metadata?.name}_${pod.metadata?.namespace}`;
  const dial = (port: number) => runtime.portForward(sandbox.id, port);
  let session: SpdySession;
  if (upgradeKind(req) === 'websocket') {
    if (!headerValues(req, 'sec-websocket-protocol').includes(PORT_FORWARD_TUNNEL_PROTOCOL)) {
      throw new KubeletHttpError(400, `unable to upgrade: port-forward over WebSocket needs the ${PORT_FORWARD_TUNNEL_PROTOCOL} subprotocol`);
    }
    const ws = await acceptWebSocket(portForwardWss, req, up);
    session = new SpdySession(webSocketDuplex(ws), 'server');
  } else {
    const offered = headerValues(req, STREAM_PROTOCOL_HEADER);
    if (!negotiateProtocol(offered, [PORT_FORWARD_PROTOCOL_V1])) {
      throw new KubeletHttpError(403, `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server supports ["${PORT_FORWARD_PROTOCOL_V1}"]`);
    }
    session = acceptSpdyUpgrade(up.socket, up.head, PORT_FORWARD_PROTOCOL_V1);
  }
  session.on('error', (err) => log?.(`port-forward ${podName}: ${err.message}`));
  servePortForward(session, { dial, podName, log });
  await new Promise<void>((resolve) => (session.isClosed ? resolve() : session.once('close', () => resolve())));
}
