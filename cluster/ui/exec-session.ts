/**
 * A terminal into a container for the explorer: the client side of v5.channel.k8s.io over a WebSocket to the
 * API server's pods/{name}/exec (as kubectl exec -it speaks it since 1.30): each binary message starts with its
 * channel — 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize `{"Width","Height"}`, 255 close.
 * With no command given, `bash` is tried first and `sh` when the container has no bash (as Lens and Headlamp do).
 */
import { StringDecoder } from 'node:string_decoder';
import type { Status } from 'kubernetes-types/meta/v1.js';
import { WebSocket, type ClientOptions } from 'ws';
import { StatusError } from '../api/status.js';
import type { StatusReason } from '../api/status.js';
import { PODS, resourcePath } from '../client/gvr.js';
import type { ConnectionConfig } from '../client/kubeconfig.js';
import { statusErrorFrom } from '../client/rest-client.js';
import { STREAM_CLOSE, STREAM_ERROR, STREAM_PROTOCOL_V5, STREAM_RESIZE, STREAM_STDERR, STREAM_STDIN, STREAM_STDOUT } from '../streaming/remotecommand.js';
import { toApiError } from './api-error.js';
import type { ExecEvent, ExecOptions, ExecSession } from './explorer-api.js';

/** What a container without the command prints (runc via Docker, containerd) before exiting 126/127. */
const NO_SUCH_COMMAND = /executable file not found|exec failed|no such file or directory|not found/i;
/** How long the first shell's output is held back when it looks like the command is missing. */
const FALLBACK_WINDOW_MS = 2000;

/** The exit code a remote-command Status carries: 0 for Success, the ExitCode cause for NonZeroExitCode, else undefined. */
export function exitCodeOf(status: Status): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason !== 'NonZeroExitCode') return undefined;
  // Go's StatusCause.Type is serialised as "reason".
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : undefined;
}

/** The exec URL (wss://…/api/v1/namespaces/NS/pods/POD/exec?command=…&stdin=true&stdout=true&tty=true). */
export function execUrl(server: string, namespace: string, pod: string, command: string[], container?: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/$/, '') + resourcePath(PODS, namespace, pod, 'exec');
  for (const c of command) url.searchParams.append('command', c);
  if (container) url.searchParams.set('container', container);
  url.searchParams.set('stdin', 'true');
  url.searchParams.set('stdout', 'true');
  url.searchParams.set('tty', 'true');
  return url.toString();
}

/** One exec connection with a TTY (stderr is merged into stdout, as the kubelet does for TTYs). */
export function execOnce(conn: ConnectionConfig, namespace: string, pod: string, command: string[], options: ExecOptions, onEvent: (event: ExecEvent) => void): ExecSession {
  const headers: Record<string, string> = { 'User-Agent': 'kubarium-ui' };
  if (conn.token) headers.Authorization = `Bearer ${conn.token}`;
  // TLS options pass through to tls.connect (servername included).
  const tls: ClientOptions & { servername?: string } = { ca: conn.ca, cert: conn.cert, key: conn.key, rejectUnauthorized: !conn.insecureSkipTLSVerify, headers };
  if (conn.tlsServerName) tls.servername = conn.tlsServerName;
  const ws = new WebSocket(execUrl(conn.server, namespace, pod, command, options.container), [STREAM_PROTOCOL_V5], tls);
  const decoders = new Map<number, StringDecoder>();
  let size = options.cols && options.rows ? { Width: options.cols, Height: options.rows } : undefined;
  let done = false;
  const finish = (event: ExecEvent) => {
    if (done) return;
    done = true;
    onEvent(event);
  };
  const sendFrame = (channel: number, payload: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.of(channel), payload]));
  };
  const sendSize = () => {
    if (size) sendFrame(STREAM_RESIZE, Buffer.from(JSON.stringify(size)));
  };

  ws.on('open', () => {
    sendSize();
    onEvent({ type: 'open', command });
  });
  ws.on('unexpected-response', (_req, res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => finish({ type: 'error', error: toApiError(statusErrorFrom(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))) }));
    res.on('error', (err) => finish({ type: 'error', error: toApiError(err) }));
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STREAM_STDOUT || channel === STREAM_STDERR) {
      let decoder = decoders.get(channel);
      if (!decoder) decoders.set(channel, (decoder = new StringDecoder('utf8')));
      const text = decoder.write(payload);
      if (text && !done) onEvent({ type: 'data', data: text });
    } else if (channel === STREAM_ERROR) {
      let status: Status;
      try {
        status = JSON.parse(payload.toString('utf8')) as Status;
      } catch {
        status = { status: 'Failure', message: payload.toString('utf8'), code: 500 };
      }
      const code = exitCodeOf(status);
      if (code !== undefined) finish({ type: 'exit', code, message: status.message ?? (code === 0 ? 'exited' : `exit code ${code}`) });
      else finish({ type: 'error', error: toApiError(new StatusError(status.code ?? 500, (status.reason ?? 'InternalError') as StatusReason, status.message ?? 'exec failed')) });
    }
  });
  ws.on('error', (err) => finish({ type: 'error', error: toApiError(err) }));
  ws.on('close', () => finish({ type: 'exit', code: 0, message: 'the connection closed' }));

  return {
    send(text) {
      sendFrame(STREAM_STDIN, Buffer.from(text, 'utf8'));
    },
    resize(cols, rows) {
      size = { Width: cols, Height: rows };
      sendSize();
    },
    close() {
      done = true;
      if (ws.readyState === WebSocket.OPEN) {
        sendFrame(STREAM_CLOSE, Buffer.of(STREAM_STDIN));
        ws.close(1000);
      } else if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      }
    },
  };
}

/**
 * An exec session; with no command, `bash` and then `sh`: the bash attempt's output is held back while it
 * looks like "no such command", and when that attempt fails before the user typed anything, `sh` starts instead.
 */
export function openExec(conn: ConnectionConfig, namespace: string, pod: string, options: ExecOptions, onEvent: (event: ExecEvent) => void): ExecSession {
  if (options.command?.length) return execOnce(conn, namespace, pod, options.command, options, onEvent);
  let state: 'trying-bash' | 'bash' | 'sh' = 'trying-bash';
  let closed = false;
  let bashOpen = false;
  let size = { cols: options.cols, rows: options.rows };
  const held: string[] = [];
  const emit = (event: ExecEvent) => {
    if (!closed) onEvent(event);
  };
  const confirmBash = () => {
    if (state !== 'trying-bash') return;
    state = 'bash';
    clearTimeout(timer);
    if (bashOpen) emit({ type: 'open', command: ['bash'] });
    if (held.length > 0) emit({ type: 'data', data: held.join('') });
  };
  const timer = setTimeout(confirmBash, FALLBACK_WINDOW_MS);
  let current = execOnce(conn, namespace, pod, ['bash'], options, (event) => {
    if (state === 'sh') return;
    if (event.type === 'open') {
      bashOpen = true;
      if (state === 'bash') emit(event);
      return;
    }
    if (state === 'trying-bash') {
      if (event.type === 'data') {
        held.push(event.data);
        if (!NO_SUCH_COMMAND.test(held.join(''))) confirmBash();
        return;
      }
      if (event.type === 'error' || event.code !== 0) {
        state = 'sh';
        clearTimeout(timer);
        current = execOnce(conn, namespace, pod, ['sh'], { ...options, ...size }, emit);
        return;
      }
      confirmBash();
    }
    emit(event);
  });
  return {
    send(text) {
      confirmBash();
      current.send(text);
    },
    resize(cols, rows) {
      size = { cols, rows };
      current.resize(cols, rows);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      current.close();
    },
  };
}
