/**
 * The server end of cluster/client/loopback.ts: a watch for a component in this process.
 * It passes the same steps as a watch over HTTPS — request info, RBAC for the component's
 * user, the resource's watch options and semantics (serveWatch) — and differs only in
 * delivery: the watch cache's event objects go into an in-memory queue the client iterates,
 * instead of being written as JSON to a socket.
 */
import { forbidden, type Status, type StatusError } from '../api/status.js';
import type { LoopbackEvent, LoopbackWatch } from '../client/loopback.js';
import type { UserInfo } from './auth/user.js';
import type { HandlerContext } from './handlers/context.js';
import { toServed } from './handlers/rest.js';
import type { VirtualHandler } from './handlers/router.js';
import { serveWatch, type WatchOutput } from './handlers/watch.js';
import { parseRequestInfo } from './http/request-info.js';
import { toStatusError } from './http/respond.js';
import type { ResourceRegistry, ServedResource } from './resources/registry.js';
import type { KubeObject } from './storage/object.js';
import type { WatchEventOut } from './storage/resource-store.js';
import type { RequestAuthorizer } from './server.js';

export interface LoopbackWatchDeps {
  context: HandlerContext;
  registry: ResourceRegistry;
  authorizer: RequestAuthorizer;
  virtual: ReadonlyMap<string, VirtualHandler>;
  /** Counts the watch while it is open (the server's watcher gauge). */
  track(open: boolean): void;
}

export function loopbackWatch(deps: LoopbackWatchDeps, user: UserInfo): LoopbackWatch {
  return async (pathAndQuery, signal) => {
    const url = new URL(pathAndQuery, 'https://localhost');
    const info = parseRequestInfo('GET', url);
    if (!info.isResourceRequest || info.verb !== 'watch' || info.subresource) return undefined;
    const served = deps.registry.get(info.group, info.version, info.resource);
    // Unusual watches (virtual resources) keep to the network path.
    if (!served?.store || served.info.virtual || deps.virtual.has(`${served.info.group}/${served.info.resource}`)) return undefined;
    const queue = new EventQueue(served, signal);
    try {
      const attrs = { verb: 'watch', apiGroup: info.group, resource: info.resource, subresource: '', namespace: info.namespace ?? '', name: info.name ?? '', resourceRequest: true };
      const decision = await deps.authorizer.authorize(user, attrs);
      if (!decision.allowed) throw forbidden(user.name, 'watch', info.group, info.resource, info.name, info.namespace, decision.reason ?? '');
      await serveWatch(deps.context, { url, info, served, negotiated: { representation: 'object', yaml: false } }, queue);
    } catch (err) {
      queue.end();
      const se: StatusError = toStatusError(err);
      return { status: se.code, body: JSON.stringify(se.toStatus()) };
    }
    deps.track(true);
    queue.onClose(() => deps.track(false));
    return { status: 200, events: queue };
  };
}

/** A watch's events waiting for its client: pushed by the watch, taken by the client's for-await. */
class EventQueue implements WatchOutput, AsyncIterable<LoopbackEvent> {
  private items: LoopbackEvent[] = [];
  private wake: (() => void) | undefined;
  private done = false;
  private readonly closers: Array<() => void> = [];

  constructor(
    private readonly served: ServedResource,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.close(), { once: true });
  }

  open(): void {}

  events(events: readonly WatchEventOut[]): void {
    // The client's version: stored objects as they are, unless this version converts.
    for (const e of events) this.items.push({ type: e.type, object: toServed(this.served, e.object) });
    this.poke();
  }

  bookmark(object: KubeObject): void {
    this.items.push({ type: 'BOOKMARK', object });
    this.poke();
  }

  error(status: Status): void {
    this.items.push({ type: 'ERROR', object: status });
    this.poke();
  }

  /** The server ended the watch: the client reads what is queued, then the end. */
  end(): void {
    this.done = true;
    this.poke();
  }

  onClose(f: () => void): void {
    if (this.signal.aborted) f();
    else this.closers.push(f);
  }

  /** The client went away. */
  private close(): void {
    this.done = true;
    this.items = [];
    for (const f of this.closers.splice(0)) f();
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LoopbackEvent> {
    try {
      for (;;) {
        if (this.items.length) {
          const batch = this.items;
          this.items = [];
          yield* batch;
          continue;
        }
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The client stopped reading (break, return, or the end): the watch is over for the server too.
      if (!this.signal.aborted) this.close();
    }
  }
}
