/**
 * Kubernetes `Status` errors (k8s.io/apimachinery/pkg/api/errors): every failure the
 * API server returns is one of these, with the HTTP code, reason and field causes
 * kubectl and client libraries parse.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'TooManyRequests'
  | '';

export interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** "pods" in group "apps" → "pods.apps", as upstream qualifies resources in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(group: string, resource: string, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, { name, group: group || undefined, kind: resource });
}

export function alreadyExists(group: string, resource: string, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, { name, group: group || undefined, kind: resource });
}

export function conflict(group: string, resource: string, name: string, why: string): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`, { name, group: group || undefined, kind: resource });
}

/** 409 for a stale resourceVersion, with upstream's exact wording. */
export function optimisticLockConflict(group: string, resource: string, name: string): StatusError {
  return conflict(group, resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

/** 422 with field causes; message as upstream: `Kind.group "name" is invalid: [field: msg, ...]`. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? '')));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, { name, group: group || undefined, kind, causes });
}

export function badRequest(message: string, causes?: StatusCause[]): StatusError {
  return new StatusError(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

export function forbidden(user: string, verb: string, group: string, resource: string, name: string | undefined, namespace: string | undefined, reason = ''): StatusError {
  const what = name ? `${qualifiedResource(group, resource)} "${name}"` : qualifiedResource(group, resource);
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const res = resource ? `resource "${resource}" in API group "${group}" ${scope}` : '';
  const msg = resource
    ? `${what} is forbidden: User "${user}" cannot ${verb} ${res}${reason ? `: ${reason}` : ''}`
    : `forbidden: User "${user}" cannot ${verb} path "${name ?? ''}"${reason ? `: ${reason}` : ''}`;
  return new StatusError(403, 'Forbidden', msg, { name, group: group || undefined, kind: resource || undefined });
}

export function forbiddenMessage(group: string, resource: string, name: string, message: string): StatusError {
  return new StatusError(403, 'Forbidden', `${qualifiedResource(group, resource)} "${name}" is forbidden: ${message}`, { name, group: group || undefined, kind: resource });
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message);
}

export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

export function tooLarge(limitBytes: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `the server has received a request that is too large: limit is ${limitBytes} bytes`);
}

/** 410 Gone for an expired resourceVersion (NewResourceExpired). */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function timeout(message: string): StatusError {
  return new StatusError(504, 'Timeout', message);
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}
