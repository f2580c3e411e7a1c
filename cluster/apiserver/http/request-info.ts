/**
 * Parses a request path into what it addresses, as k8s.io/apiserver's
 * RequestInfoFactory does: resource requests (`/api/v1/namespaces/default/pods/web/log`)
 * with their verb, or non-resource paths (`/healthz`, `/version`, `/openapi/v2`).
 */

export type RequestVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'proxy'
  | 'connect';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  /** 'api' or 'apis'. */
  apiPrefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
  /** Extra path after the subresource (e.g. proxy paths). */
  rest: string[];
  verb: RequestVerb;
  path: string;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  path: string;
  /** HTTP verb lower-cased as RBAC non-resource rules use it: get, post, put, ... */
  verb: string;
  /** For discovery paths: the segments after /api or /apis. */
  discovery?: { apiPrefix: 'api' | 'apis'; group?: string; version?: string };
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const WATCH_TRUE = new Set(['true', '1']);

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  const lowerMethod = method.toLowerCase();
  const nonResource = (discovery?: NonResourceRequestInfo['discovery']): NonResourceRequestInfo => ({
    isResourceRequest: false,
    path,
    verb: lowerMethod,
    discovery,
  });
  if (parts[0] !== 'api' && parts[0] !== 'apis') return nonResource();
  const apiPrefix = parts[0];
  let i = 1;
  let group = '';
  if (apiPrefix === 'apis') {
    if (parts.length < 3) return nonResource({ apiPrefix, group: parts[1] });
    group = parts[1];
    i = 2;
  } else if (parts.length < 3) {
    return nonResource({ apiPrefix, version: parts[1] });
  }
  const version = parts[i++];
  let rest = parts.slice(i);
  if (rest.length === 0) return nonResource({ apiPrefix, group, version });

  let isWatchPath = false;
  if (rest[0] === 'watch') {
    // Deprecated /watch/ paths: GET /api/v1/watch/namespaces/default/pods
    isWatchPath = true;
    rest = rest.slice(1);
  }
  // As upstream: /namespaces/{ns}/{resource}... is namespaced; /namespaces/{name}[/status|/finalize]
  // addresses the namespace object itself (and its namespace is its own name).
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  const resource = rest[0];
  const name = rest[1];
  const subresource = rest[2];
  const tail = rest.slice(3);
  const watchParam = WATCH_TRUE.has(url.searchParams.get('watch') ?? '');

  let verb: RequestVerb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name === undefined ? (isWatchPath || watchParam ? 'watch' : 'list') : isWatchPath || watchParam ? 'watch' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      verb = lowerMethod as RequestVerb;
  }
  return {
    isResourceRequest: true,
    apiPrefix,
    group,
    version,
    namespace,
    resource,
    name,
    subresource,
    rest: tail,
    verb,
    path,
  };
}
