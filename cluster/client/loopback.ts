/**
 * An API server running in this very process (the control plane's own scheduler and
 * controllers beside it), reached without the network. Requests go through the server's
 * chain as any other — the component's identity, RBAC, admission, validation — but:
 * - a watch's events are the server's watch-cache objects handed over as they are, instead of
 *   JSON encoded, encrypted, sent over a socket, decrypted and parsed again for every watcher.
 *   Those objects are shared with the server: a client must never change them (client-go's
 *   rule for informer caches; tests freeze them to enforce it);
 * - other requests are HTTP over an in-memory connection: no TLS, no kernel.
 */
import type { Duplex } from 'node:stream';

export interface Loopback {
  watch: LoopbackWatch;
  /** A new in-memory connection to the server, authenticated as the component. */
  connect(): Duplex;
}

export type LoopbackEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface LoopbackEvent {
  type: LoopbackEventType;
  object: unknown;
}

export type LoopbackWatchAnswer =
  /** The watch is established; the iterable ends when the server ends it (timeout) and is ended early by the signal. */
  | { status: 200; events: AsyncIterable<LoopbackEvent> }
  /** Refused: the HTTP status and the Status body the server would have answered. */
  | { status: number; body: string };

/**
 * Opens a watch given as the path and query of its URL (`/api/v1/pods?watch=true&...`);
 * undefined when the server does not serve that watch in-process (the client then uses the network).
 */
export type LoopbackWatch = (pathAndQuery: string, signal: AbortSignal) => Promise<LoopbackWatchAnswer | undefined>;
