/**
 * The remote-command protocol shared by exec and attach (k8s.io/apimachinery
 * pkg/util/remotecommand): stream ids, subprotocol names, the resize message and the
 * Status the error stream carries when the command ends.
 */
import type { Status } from 'kubernetes-types/meta/v1.js';

/** WebSocket subprotocols, newest first. v5 adds the CLOSE signal (half-closing stdin). */
export const STREAM_PROTOCOL_V5 = 'v5.channel.k8s.io';
export const STREAM_PROTOCOL_V4 = 'v4.channel.k8s.io';
/** The channel protocols this server speaks over WebSocket and SPDY, newest first. */
export const SUPPORTED_STREAM_PROTOCOLS = [STREAM_PROTOCOL_V5, STREAM_PROTOCOL_V4] as const;

/** Stream ids = the first byte of each WebSocket message (constants.go). */
export const STREAM_STDIN = 0;
export const STREAM_STDOUT = 1;
export const STREAM_STDERR = 2;
export const STREAM_ERROR = 3;
export const STREAM_RESIZE = 4;
/** v5: `[255, streamId]` half-closes a stream. */
export const STREAM_CLOSE = 255;

/** SPDY stream types (the `streamType` header), by stream id. */
export const STREAM_TYPES = ['stdin', 'stdout', 'stderr', 'error', 'resize'] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The resize stream carries `{"Width":W,"Height":H}` JSON objects, one per WebSocket
 * message, or back to back on a SPDY stream (a json.Decoder reads them): returns each
 * complete object and the unconsumed rest.
 */
export function parseResizeMessages(text: string): { sizes: TerminalSize[]; rest: string } {
  const sizes: TerminalSize[] = [];
  let depth = 0;
  let start = -1;
  let consumed = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0 && start >= 0) {
        try {
          const v = JSON.parse(text.slice(start, i + 1)) as { Width?: unknown; Height?: unknown };
          const width = Number(v.Width);
          const height = Number(v.Height);
          if (width > 0 && height > 0) sizes.push({ width, height });
        } catch {
          // Not JSON: drop it, as the kubelet ignores undecodable resize events.
        }
        consumed = i + 1;
        start = -1;
      }
    }
  }
  return { sizes, rest: depth > 0 ? text.slice(consumed) : '' };
}

/** The error stream's final Status when the command succeeded. */
export function successStatus(): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
}

/**
 * The error stream's Status for a command that exited non-zero, as the kubelet writes it
 * (reason NonZeroExitCode, cause ExitCode): kubectl exits with that code.
 */
export function exitCodeStatus(exitCode: number): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command terminated with exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    // Go's StatusCause.Type is serialised as "reason".
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
    code: 500,
  };
}

/** The error stream's Status for a failure of the stream itself (the command could not run). */
export function internalErrorStatus(message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

/** Exec/attach options as the kubelet's URL carries them (upstream: input/output/error/tty = "1"; API: stdin/stdout/stderr = "true"). */
export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  command: string[];
}

function flag(q: URLSearchParams, ...names: string[]): boolean {
  return names.some((n) => {
    const v = q.get(n);
    return v === '1' || v === 'true';
  });
}

/** Parses exec/attach query options, accepting both the API's names and the kubelet's. */
export function parseStreamOptions(q: URLSearchParams): StreamOptions {
  const tty = flag(q, 'tty');
  return {
    stdin: flag(q, 'stdin', 'input'),
    stdout: flag(q, 'stdout', 'output'),
    // With a TTY, stderr is merged into stdout (the kubelet forces it off).
    stderr: !tty && flag(q, 'stderr', 'error'),
    tty,
    command: q.getAll('command'),
  };
}

/** The kubelet's query for streaming options (upstream's streamParams: "1" flags). */
export function kubeletStreamQuery(opts: StreamOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.stdin) q.set('input', '1');
  if (opts.stdout) q.set('output', '1');
  if (opts.stderr) q.set('error', '1');
  if (opts.tty) q.set('tty', '1');
  for (const c of opts.command) q.append('command', c);
  return q;
}
