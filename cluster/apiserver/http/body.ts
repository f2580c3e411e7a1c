/**
 * Request bodies: read with kube-apiserver's 3 MiB limit, decoded from JSON or YAML.
 * Bad input becomes a 4xx Status, never a crash.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYAML } from 'yaml';
import { badRequest, StatusError, unsupportedMediaType } from '../../api/status.js';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from '../protobuf/index.js';

/** kube-apiserver's --max-request-bytes default for non-etcd limits: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Decodes a JSON or YAML object body; anything else is 415, malformed input 400. */
export function decodeObjectBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const mt = mediaType(contentType) || 'application/json';
  let value: unknown;
  if (isKubernetesProtobuf(mt)) {
    try {
      value = decodeKubernetesProtobuf(body);
    } catch (err) {
      throw badRequest(`error decoding request body: ${(err as Error).message}`);
    }
  } else if (mt === 'application/json' || mt === '*/*') {
    value = parseJSON(body);
  } else if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') {
    value = parseYAMLBody(body);
  } else {
    throw unsupportedMediaType(OBJECT_TYPES);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest("Object 'Kind' is missing in '" + truncate(body.toString('utf8')) + "'");
  }
  return value as Record<string, unknown>;
}

export function parseJSON(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (!text.trim()) throw badRequest('the server could not find the requested resource: empty request body');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: json parse error: ${(err as Error).message}`);
  }
}

export function parseYAMLBody(body: Buffer): unknown {
  try {
    return parseYAML(body.toString('utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error decoding request body: yaml: ${(err as Error).message}`);
  }
}

function truncate(s: string): string {
  return s.length > 200 ? s.slice(0, 200) + '...' : s;
}
