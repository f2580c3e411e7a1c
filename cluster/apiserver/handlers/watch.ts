/**
 * Watch, as kube-apiserver serves it: resumable from a resourceVersion, bookmarks when
 * asked for, the streaming-list mode (`sendInitialEvents=true`) ending its initial events
 * with a bookmark annotated `k8s.io/initial-events-end`, and a 410 Expired ERROR event once
 * history is gone. Over HTTP the events are a chunked stream of newline-delimited JSON
 * `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}`; to a component in this
 * process (loopback.ts) they are the watch cache's objects themselves.
 */
import { badRequest, type Status, type StatusError } from '../../api/status.js';
import { toStatusError } from '../http/respond.js';
import { apiVersionOf } from '../resources/catalog.js';
import { sharedJSON, type KubeObject } from '../storage/object.js';
import type { WatchEventOut } from '../storage/resource-store.js';
import type { HandlerContext } from './context.js';
import { includeObject, listOptions, partialMetadata, scopeNamespace, storeOf, toServed } from './rest.js';
import { intParam, type ApiRequest } from './request.js';

/** Upstream's --min-request-timeout is 1800 s, randomised to [1800, 3600) per watch. */
const DEFAULT_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 60_000;

const EVENT_END = Buffer.from('}\n');

/** Where a watch's events go: an HTTP response, or a client in this process. */
export interface WatchOutput {
  /** The watch is established (HTTP: the 200 and its headers). */
  open(): void;
  /** Events of stored objects, which are shared: an output never changes them. */
  events(events: readonly WatchEventOut[]): void;
  bookmark(object: KubeObject): void;
  /** The stream's last event. */
  error(status: Status): void;
  end(): void;
  /** The client went away. */
  onClose(f: () => void): void;
}

type WatchRequest = Pick<ApiRequest, 'url' | 'info' | 'served' | 'negotiated'>;

export async function handleWatch(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  return serveWatch(ctx, r, httpWatchOutput(ctx, r));
}

/** Validates the watch's options (errors thrown before open() are the request's answer), then streams until timeout or close. */
export async function serveWatch(ctx: HandlerContext, r: WatchRequest, out: WatchOutput): Promise<void> {
  const ns = scopeNamespace(r);
  const q = r.url.searchParams;
  const opts = listOptions(r);
  // GET .../pods/web?watch=true watches one object: upstream turns the name into a field selector.
  const fieldSelector = r.info.name ? [...(opts.fieldSelector ?? []), { field: 'metadata.name', value: r.info.name, negate: false }] : opts.fieldSelector;
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const sendInitialEvents = q.get('sendInitialEvents');
  const rvMatch = q.get('resourceVersionMatch');
  const streamingList = sendInitialEvents === 'true';
  if (sendInitialEvents !== null) {
    // KEP-3157: sendInitialEvents needs bookmarks and resourceVersionMatch=NotOlderThan.
    if (rvMatch !== 'NotOlderThan') throw badRequest('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (streamingList && !bookmarks) throw badRequest('allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
  } else if (rvMatch) {
    throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  const timeoutS = intParam(r.url, 'timeoutSeconds') ?? DEFAULT_TIMEOUT_S + Math.floor(Math.random() * DEFAULT_TIMEOUT_S);
  const st = storeOf(r);
  let lastRV = opts.resourceVersion ?? '';

  // Upstream establishes the watch (rw.Watch) before serveWatch sends the 200, so a client that
  // has seen the headers never misses a later write: pin "from now" to the revision of this moment.
  const startRV = opts.resourceVersion || String(ctx.hub.revision);
  out.open();
  let closed = false;
  const bookmark = (rv: string, extra?: Record<string, string>) => {
    out.bookmark({ kind: r.served.info.kind, apiVersion: apiVersionOf(r.served.info), metadata: { resourceVersion: rv, ...(extra ? { annotations: extra } : {}) } });
  };
  const write = (events: WatchEventOut[]) => {
    if (closed) return;
    out.events(events);
    lastRV = events[events.length - 1]?.object.metadata?.resourceVersion ?? lastRV;
  };
  const fail = (err: Error) => {
    if (closed) return;
    const se: StatusError = toStatusError(err);
    out.error(se.toStatus());
    finish();
  };
  let sub: { cancel(): void } | undefined;
  const timers: { timeout?: NodeJS.Timeout; bookmark?: NodeJS.Timeout } = {};
  const finish = () => {
    if (closed) return;
    closed = true;
    sub?.cancel();
    clearTimeout(timers.timeout);
    clearInterval(timers.bookmark);
    out.end();
  };
  out.onClose(finish);

  try {
    if (streamingList) {
      // Streaming list: every current object as ADDED, a bookmark marking the end, then changes.
      const initial = await st.list(ns, { labelSelector: opts.labelSelector, fieldSelector });
      write(initial.items.map((o) => ({ type: 'ADDED' as const, object: o })));
      lastRV = initial.resourceVersion;
      bookmark(initial.resourceVersion, { 'k8s.io/initial-events-end': 'true' });
      sub = await st.watch(ns, { resourceVersion: initial.resourceVersion, labelSelector: opts.labelSelector, fieldSelector }, write, fail);
    } else {
      sub = await st.watch(ns, { resourceVersion: startRV, labelSelector: opts.labelSelector, fieldSelector }, write, fail);
      if (!lastRV || lastRV === '0') lastRV = String(ctx.hub.revision);
    }
  } catch (err) {
    fail(err as Error);
    return;
  }
  if (closed) {
    sub.cancel();
    return;
  }
  timers.timeout = setTimeout(() => {
    if (bookmarks && !closed) bookmark(lastRV || String(ctx.hub.revision));
    finish();
  }, timeoutS * 1000);
  if (bookmarks) {
    timers.bookmark = setInterval(() => {
      if (!closed) bookmark(lastRV || String(ctx.hub.revision));
    }, BOOKMARK_INTERVAL_MS);
  }
}

/** Newline-delimited JSON on the response, each object in the representation the client negotiated. */
function httpWatchOutput(ctx: HandlerContext, r: ApiRequest): WatchOutput {
  const res = r.res;
  const table = r.negotiated.representation === 'Table';
  const partial = r.negotiated.representation === 'PartialObjectMetadata' || r.negotiated.representation === 'PartialObjectMetadataList';
  const withObject = includeObject(r.url);
  let first = true;
  const encode = (type: string, obj: KubeObject, out: Buffer[]): void => {
    // The common case: the object as stored, its JSON shared by every watcher of this event.
    if (!table && !partial && !r.served.conversion) {
      out.push(Buffer.from(`{"type":"${type}","object":`), sharedJSON(obj), EVENT_END);
      return;
    }
    let object = toServed(r.served, obj);
    if (table) {
      object = ctx.printer.print(r.served, [object], { includeObject: withObject, withColumns: first, resourceVersion: object.metadata?.resourceVersion });
      first = false;
    } else if (partial) {
      object = partialMetadata(object);
    }
    out.push(Buffer.from(JSON.stringify({ type, object }) + '\n'));
  };
  return {
    open() {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
    },
    events(events) {
      const chunk: Buffer[] = [];
      for (const e of events) encode(e.type, e.object, chunk);
      res.write(Buffer.concat(chunk));
    },
    bookmark(object) {
      res.write(JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
    },
    error(status) {
      res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    },
    end() {
      res.end();
    },
    onClose(f) {
      r.req.on('close', f);
      res.on('close', f);
    },
  };
}
