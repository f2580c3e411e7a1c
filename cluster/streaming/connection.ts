/**
 * What exec and attach see of a client's streaming connection, whatever carries it
 * (WebSocket channels or SPDY streams): the standard streams it asked for, terminal
 * resizes, and the final Status.
 */
import type { Readable, Writable } from 'node:stream';
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { TerminalSize } from './remotecommand.js';

export interface RemoteCommandConnection {
  /** The protocol negotiated (e.g. v5.channel.k8s.io). */
  readonly protocol: string;
  /** Data the client types; ends when the client half-closes stdin (v5 CLOSE, SPDY FIN) or goes away. */
  readonly stdin: Readable | undefined;
  readonly stdout: Writable | undefined;
  readonly stderr: Writable | undefined;
  onResize(listener: (size: TerminalSize) => void): void;
  /** Flushes stdout/stderr, writes `status` on the error stream and closes the connection. */
  finish(status: Status): Promise<void>;
  /** Resolves when the connection is gone (client left, or after finish). */
  readonly closed: Promise<void>;
}

/** Ends a writable and waits until everything written has been handed on. */
export function endAndFlush(w: Writable | undefined): Promise<void> {
  if (!w || w.writableFinished || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    w.once('finish', resolve);
    w.once('close', resolve);
    w.once('error', () => resolve());
    w.end();
  });
}
