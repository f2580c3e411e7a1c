/**
 * Writing responses: JSON (or YAML when asked), Status errors with their HTTP code,
 * and the Accept negotiation kubectl relies on (`as=Table;g=meta.k8s.io;v=v1`).
 */
import type { ServerResponse } from 'node:http';
import { stringify as toYAML } from 'yaml';
import { internalError, isStatusError, type Status, StatusError } from '../../api/status.js';

export type Representation = 'object' | 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface Negotiated {
  representation: Representation;
  yaml: boolean;
}

/**
 * Picks the first acceptable media type from Accept, as upstream's negotiation does:
 * `application/json;as=Table;v=v1;g=meta.k8s.io, application/json` → Table.
 * Protobuf-only clients fall back to JSON only if they also accept it.
 */
export function negotiate(accept: string | undefined): Negotiated | undefined {
  if (!accept) return { representation: 'object', yaml: false };
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    const yaml = type === 'application/yaml';
    if (type !== 'application/json' && !yaml && type !== '*/*' && type !== 'application/*') continue;
    if (!p.as) return { representation: 'object', yaml };
    if (p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) {
      if (p.as === 'Table' || p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return { representation: p.as, yaml };
    }
  }
  return undefined;
}

export function writeJSON(res: ServerResponse, code: number, body: unknown, yaml = false, headers: Record<string, string> = {}): void {
  const text = yaml ? toYAML(body) : JSON.stringify(body);
  writeText(res, code, text, yaml ? 'application/yaml' : 'application/json', headers);
}

/** Bodies up to this size go out in one write with a Content-Length; larger ones stream in pieces of about this size. */
const STREAM_CHUNK = 1 << 20;
const COMMA = Buffer.from(',');

/**
 * A JSON list written item by item (KEP-5116's streaming encoding of lists): `head`, the
 * items' JSON joined by commas, `tail`. A small body goes out in one write; a large one as
 * a chunked stream of ~1 MiB writes that waits whenever the socket is full, so the whole
 * body (39 MiB for 5,000 pods) is never built in one piece.
 */
export async function writeJSONList(res: ServerResponse, code: number, head: string, items: readonly Buffer[], tail: string): Promise<void> {
  const parts: Buffer[] = [Buffer.from(head)];
  let size = parts[0].length;
  let i = 0;
  const take = () => {
    for (; i < items.length && size < STREAM_CHUNK; i++) {
      if (i) parts.push(COMMA);
      parts.push(items[i]);
      size += items[i].length + 1;
    }
  };
  take();
  if (i === items.length) {
    parts.push(Buffer.from(tail));
    const body = Buffer.concat(parts);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-cache, private' });
    res.end(body);
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // One piece buffer for the whole list, refilled once the socket has drained (it then holds no
  // reference to it): a fresh Buffer per ~1 MiB piece is memory only V8's GC frees, and lists
  // made tens of MiB of them between collections, which glibc kept as RSS afterwards.
  let scratch: Buffer | undefined;
  for (;;) {
    let n = 0;
    for (const p of parts) n += p.length;
    if (!scratch || scratch.length < n) scratch = Buffer.allocUnsafeSlow(Math.max(n, STREAM_CHUNK + 64 * 1024));
    let at = 0;
    for (const p of parts) at += p.copy(scratch, at);
    if (res.write(scratch.subarray(0, n))) scratch = undefined; // not drained yet: the socket may still read it
    else if (!(await drained(res))) return;
    if (i === items.length) break;
    parts.length = 0;
    size = 0;
    take();
  }
  res.end(tail);
}

/** Resolves true when the response can take more, false when the client went away. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** A JSON (or YAML) body that is already text. */
export function writeText(res: ServerResponse, code: number, text: string | Buffer, contentType = 'application/json', headers: Record<string, string> = {}): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': typeof text === 'string' ? Buffer.byteLength(text) : text.length,
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function toStatusError(err: unknown): StatusError {
  if (isStatusError(err)) return err;
  return internalError(err instanceof Error ? err.message : String(err));
}

export function writeError(res: ServerResponse, err: unknown): void {
  const se = toStatusError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeJSON(res, se.code, se.toStatus());
}

export function successStatus(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, ...(details ? { details } : {}) };
}

/** Adds a `Warning: 299 - "..."` header as upstream's warning recorder does. */
export function addWarning(res: ServerResponse, message: string): void {
  const prev = res.getHeader('Warning');
  const value = `299 - ${JSON.stringify(message)}`;
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  res.setHeader('Warning', [...list, value]);
}
