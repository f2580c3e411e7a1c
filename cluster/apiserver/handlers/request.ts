/**
 * One API request as the handlers see it: what it addresses, who sent it, its query
 * options parsed and checked once (dryRun, fieldManager, fieldValidation, selectors).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../../api/status.js';
import type { UserInfo } from '../admission/types.js';
import type { ResourceRequestInfo } from '../http/request-info.js';
import type { Negotiated } from '../http/respond.js';
import type { ServedResource } from '../resources/registry.js';
import type { FieldValidationMode } from './context.js';

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceRequestInfo;
  served: ServedResource;
  user: UserInfo;
  negotiated: Negotiated;
  dryRun: boolean;
  fieldManager: string | undefined;
  fieldValidation: FieldValidationMode;
  force: boolean;
}

export function parseDryRun(url: URL): boolean {
  const values = url.searchParams.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

export function parseFieldValidation(url: URL): FieldValidationMode {
  const v = url.searchParams.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

/** Upstream derives a default manager from the User-Agent's program name (`kubectl/v1.34.0 ...` → `kubectl`). */
export function defaultFieldManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0].slice(0, 128) || 'unknown';
}

export function parseFieldManager(url: URL): string | undefined {
  const m = url.searchParams.get('fieldManager');
  if (m === null) return undefined;
  if (m.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  if (!/^[\x20-\x7e]*$/.test(m)) throw badRequest(`fieldManager: Invalid value: "${m}": must only contain printable characters`);
  return m;
}

export function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}
