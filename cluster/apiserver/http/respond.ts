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

/** A JSON (or YAML) body that is already text. */
export function writeText(res: ServerResponse, code: number, text: string, contentType = 'application/json', headers: Record<string, string> = {}): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
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
