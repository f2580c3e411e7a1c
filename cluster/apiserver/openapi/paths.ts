/**
 * The REST operations kube-apiserver's endpoint installer publishes for a resource, in a neutral form the v2 and
 * v3 document builders both render: paths, operation ids (`listCoreV1NamespacedPod`), `x-kubernetes-action`,
 * `x-kubernetes-group-version-kind`, query parameters and body/response definitions.
 */
import type { GroupVersionKind } from './definitions.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type Action = 'get' | 'list' | 'put' | 'post' | 'patch' | 'delete' | 'deletecollection' | 'connect';

/** What paths need to know about a served resource (catalog entries and CRDs alike). */
export interface PathResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  subresources: readonly string[];
  /** Definition name of the kind (`io.k8s.api.core.v1.Pod`). */
  definition: string;
  /** Definition name of the list kind; omitted when none exists. */
  listDefinition?: string;
}

export interface OperationSpec {
  method: HttpMethod;
  operationId: string;
  description: string;
  action: Action;
  gvk: GroupVersionKind;
  query: readonly string[];
  /** Body parameter definition (`Patch` bodies use the special name PATCH_BODY). */
  body?: { definition: string; required: boolean };
  /** Response definition, or 'string' for text responses (logs, connect). */
  response: string;
  consumes?: readonly string[];
  produces?: readonly string[];
  tag: string;
}

export interface PathSpec {
  path: string;
  pathParams: readonly ('namespace' | 'name' | 'path')[];
  operations: OperationSpec[];
}

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const PATCH_BODY = `${META}.Patch`;
const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const WATCH_EVENT = `${META}.WatchEvent`;

export interface ParameterSpec {
  in: 'query' | 'path';
  type: 'string' | 'boolean' | 'integer';
  description: string;
  uniqueItems: true;
  required?: boolean;
}

/** Parameters as upstream names them; descriptions abbreviated from the API reference. */
export const PARAMETERS: Record<string, ParameterSpec> = {
  allowWatchBookmarks: { in: 'query', type: 'boolean', uniqueItems: true, description: 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion.' },
  continue: { in: 'query', type: 'string', uniqueItems: true, description: 'The continue option should be set when retrieving more results from the server.' },
  dryRun: { in: 'query', type: 'string', uniqueItems: true, description: 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed' },
  fieldManager: { in: 'query', type: 'string', uniqueItems: true, description: 'fieldManager is a name associated with the actor or entity that is making these changes.' },
  fieldSelector: { in: 'query', type: 'string', uniqueItems: true, description: 'A selector to restrict the list of returned objects by their fields. Defaults to everything.' },
  fieldValidation: { in: 'query', type: 'string', uniqueItems: true, description: 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict' },
  force: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.' },
  gracePeriodSeconds: { in: 'query', type: 'integer', uniqueItems: true, description: 'The duration in seconds before the object should be deleted. Value must be non-negative integer.' },
  ignoreStoreReadErrorWithClusterBreakingPotential: { in: 'query', type: 'boolean', uniqueItems: true, description: 'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.' },
  labelSelector: { in: 'query', type: 'string', uniqueItems: true, description: 'A selector to restrict the list of returned objects by their labels. Defaults to everything.' },
  limit: { in: 'query', type: 'integer', uniqueItems: true, description: 'limit is a maximum number of responses to return for a list call.' },
  orphanDependents: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7.' },
  pretty: { in: 'query', type: 'string', uniqueItems: true, description: "If 'true', then the output is pretty printed." },
  propagationPolicy: { in: 'query', type: 'string', uniqueItems: true, description: "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'." },
  resourceVersion: { in: 'query', type: 'string', uniqueItems: true, description: 'resourceVersion sets a constraint on what resource versions a request may be served from.' },
  resourceVersionMatch: { in: 'query', type: 'string', uniqueItems: true, description: 'resourceVersionMatch determines how resourceVersion is applied to list calls.' },
  sendInitialEvents: { in: 'query', type: 'boolean', uniqueItems: true, description: '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection.' },
  timeoutSeconds: { in: 'query', type: 'integer', uniqueItems: true, description: 'Timeout for the list/watch call.' },
  watch: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.' },
  // pods/log
  container: { in: 'query', type: 'string', uniqueItems: true, description: 'The container for which to stream logs / run the command. Defaults to only container if there is one container in the pod.' },
  follow: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Follow the log stream of the pod. Defaults to false.' },
  insecureSkipTLSVerifyBackend: { in: 'query', type: 'boolean', uniqueItems: true, description: 'insecureSkipTLSVerifyBackend indicates that the apiserver should not confirm the validity of the serving certificate of the backend it is connecting to.' },
  limitBytes: { in: 'query', type: 'integer', uniqueItems: true, description: 'If set, the number of bytes to read from the server before terminating the log output.' },
  previous: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Return previous terminated container logs. Defaults to false.' },
  sinceSeconds: { in: 'query', type: 'integer', uniqueItems: true, description: 'A relative time in seconds before the current time from which to show logs.' },
  stream: { in: 'query', type: 'string', uniqueItems: true, description: 'Specify which container log stream to return to the client. Acceptable values are "All", "Stdout" and "Stderr".' },
  tailLines: { in: 'query', type: 'integer', uniqueItems: true, description: 'If set, the number of lines from the end of the logs to show.' },
  timestamps: { in: 'query', type: 'boolean', uniqueItems: true, description: 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.' },
  // exec / attach / portforward / proxy
  command: { in: 'query', type: 'string', uniqueItems: true, description: 'Command is the remote command to execute. argv array. Not executed within a shell.' },
  stderr: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Redirect the standard error stream of the pod for this call.' },
  stdin: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Redirect the standard input stream of the pod for this call. Defaults to false.' },
  stdout: { in: 'query', type: 'boolean', uniqueItems: true, description: 'Redirect the standard output stream of the pod for this call.' },
  tty: { in: 'query', type: 'boolean', uniqueItems: true, description: 'TTY if true indicates that a tty will be allocated for the exec call. Defaults to false.' },
  ports: { in: 'query', type: 'integer', uniqueItems: true, description: 'List of ports to forward Required when using WebSockets' },
  path: { in: 'query', type: 'string', uniqueItems: true, description: 'Path is the URL path to use for the current proxy request to pod.' },
  // path parameters
  'path:name': { in: 'path', type: 'string', uniqueItems: true, required: true, description: 'name of the resource' },
  'path:namespace': { in: 'path', type: 'string', uniqueItems: true, required: true, description: 'object name and auth scope, such as for teams and projects' },
  'path:path': { in: 'path', type: 'string', uniqueItems: true, required: true, description: 'path to the resource' },
};

const LIST_QUERY = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE_QUERY = ['dryRun', 'fieldManager', 'fieldValidation'];
const PATCH_QUERY = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];
const DELETE_QUERY = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const DELETECOLLECTION_QUERY = [...DELETE_QUERY, 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds'].sort();
const LOG_QUERY = ['container', 'follow', 'insecureSkipTLSVerifyBackend', 'limitBytes', 'previous', 'sinceSeconds', 'stream', 'tailLines', 'timestamps'];
const EXEC_QUERY = ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'];
const ATTACH_QUERY = ['container', 'stderr', 'stdin', 'stdout', 'tty'];

export const PATCH_CONSUMES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/apply-patch+cbor',
];
export const OBJECT_PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/cbor'];
export const LIST_PRODUCES = [...OBJECT_PRODUCES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch', 'application/cbor-seq'];

function upperFirst(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** `apps` -> `Apps`, `rbac.authorization.k8s.io` -> `RbacAuthorization`, core -> `Core`. */
export function groupPart(group: string): string {
  if (!group) return 'Core';
  return group.replace(/\.k8s\.io$/, '').split(/[.-]/).map(upperFirst).join('');
}

/** Upstream's tag for a group-version: `core_v1`, `apps_v1`, `rbacAuthorization_v1`. */
export function tagOf(group: string, version: string): string {
  const g = groupPart(group);
  return `${g[0].toLowerCase()}${g.slice(1)}_${version}`;
}

/** URL prefix of a group-version: `/api/v1` or `/apis/apps/v1`. */
export function gvPrefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

interface SubresourceShape {
  methods: { method: HttpMethod; action: Action; verb: string }[];
  body?: (r: PathResource) => { definition: string; gvk: GroupVersionKind };
  query?: Partial<Record<HttpMethod, readonly string[]>>;
  response?: 'string';
}

const GET_PUT_PATCH: SubresourceShape['methods'] = [
  { method: 'get', action: 'get', verb: 'read' },
  { method: 'put', action: 'put', verb: 'replace' },
  { method: 'patch', action: 'patch', verb: 'patch' },
];
const self = (r: PathResource) => ({ definition: r.definition, gvk: { group: r.group, version: r.version, kind: r.kind } });
const CONNECT: SubresourceShape['methods'] = [
  { method: 'get', action: 'connect', verb: 'connectGet' },
  { method: 'post', action: 'connect', verb: 'connectPost' },
];

const SUBRESOURCES: Record<string, SubresourceShape> = {
  status: { methods: GET_PUT_PATCH, body: self },
  ephemeralcontainers: { methods: GET_PUT_PATCH, body: self },
  resize: { methods: GET_PUT_PATCH, body: self },
  approval: { methods: GET_PUT_PATCH, body: self },
  scale: {
    methods: GET_PUT_PATCH,
    body: () => ({ definition: 'io.k8s.api.autoscaling.v1.Scale', gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' } }),
  },
  finalize: { methods: [{ method: 'put', action: 'put', verb: 'replace' }], body: self },
  binding: {
    methods: [{ method: 'post', action: 'post', verb: 'create' }],
    body: () => ({ definition: 'io.k8s.api.core.v1.Binding', gvk: { group: '', version: 'v1', kind: 'Binding' } }),
  },
  eviction: {
    methods: [{ method: 'post', action: 'post', verb: 'create' }],
    body: () => ({ definition: 'io.k8s.api.policy.v1.Eviction', gvk: { group: 'policy', version: 'v1', kind: 'Eviction' } }),
  },
  token: {
    methods: [{ method: 'post', action: 'post', verb: 'create' }],
    body: () => ({ definition: 'io.k8s.api.authentication.v1.TokenRequest', gvk: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } }),
  },
  log: { methods: [{ method: 'get', action: 'get', verb: 'read' }], query: { get: LOG_QUERY }, response: 'string' },
  exec: { methods: CONNECT, query: { get: EXEC_QUERY, post: EXEC_QUERY }, response: 'string' },
  attach: { methods: CONNECT, query: { get: ATTACH_QUERY, post: ATTACH_QUERY }, response: 'string' },
  portforward: { methods: CONNECT, query: { get: ['ports'], post: ['ports'] }, response: 'string' },
  proxy: {
    methods: [...CONNECT, { method: 'put', action: 'connect', verb: 'connectPut' }, { method: 'patch', action: 'connect', verb: 'connectPatch' }, { method: 'delete', action: 'connect', verb: 'connectDelete' }],
    query: { get: ['path'], post: ['path'], put: ['path'], patch: ['path'], delete: ['path'] },
    response: 'string',
  },
};

/** All paths for one resource, in the order upstream lists them. */
export function pathsForResource(r: PathResource): PathSpec[] {
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const id = (verb: string, suffix = '') => `${verb}${groupPart(r.group)}${upperFirst(r.version)}${r.namespaced ? 'Namespaced' : ''}${r.kind}${suffix}`;
  const tag = tagOf(r.group, r.version);
  const prefix = gvPrefix(r.group, r.version);
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const item = `${collection}/{name}`;
  const nsParams: ('namespace' | 'name')[] = r.namespaced ? ['namespace'] : [];
  const has = (v: string) => r.verbs.includes(v);
  const out: PathSpec[] = [];

  const collectionOps: OperationSpec[] = [];
  if (has('list') && r.listDefinition) {
    collectionOps.push({ method: 'get', operationId: id('list'), description: `list or watch objects of kind ${r.kind}`, action: 'list', gvk, query: LIST_QUERY, response: r.listDefinition, produces: LIST_PRODUCES, tag });
  }
  if (has('create')) {
    collectionOps.push({ method: 'post', operationId: id('create'), description: `create ${article(r.kind)}`, action: 'post', gvk, query: WRITE_QUERY, body: { definition: r.definition, required: true }, response: r.definition, produces: OBJECT_PRODUCES, tag });
  }
  if (has('deletecollection')) {
    collectionOps.push({ method: 'delete', operationId: `delete${groupPart(r.group)}${upperFirst(r.version)}Collection${r.namespaced ? 'Namespaced' : ''}${r.kind}`, description: `delete collection of ${r.kind}`, action: 'deletecollection', gvk, query: DELETECOLLECTION_QUERY, body: { definition: DELETE_OPTIONS, required: false }, response: STATUS, produces: OBJECT_PRODUCES, tag });
  }
  if (collectionOps.length) out.push({ path: collection, pathParams: nsParams, operations: collectionOps });

  const itemOps: OperationSpec[] = [];
  if (has('get')) itemOps.push({ method: 'get', operationId: id('read'), description: `read the specified ${r.kind}`, action: 'get', gvk, query: [], response: r.definition, produces: OBJECT_PRODUCES, tag });
  if (has('update')) itemOps.push({ method: 'put', operationId: id('replace'), description: `replace the specified ${r.kind}`, action: 'put', gvk, query: WRITE_QUERY, body: { definition: r.definition, required: true }, response: r.definition, produces: OBJECT_PRODUCES, tag });
  if (has('patch')) itemOps.push({ method: 'patch', operationId: id('patch'), description: `partially update the specified ${r.kind}`, action: 'patch', gvk, query: PATCH_QUERY, body: { definition: PATCH_BODY, required: true }, response: r.definition, consumes: PATCH_CONSUMES, produces: OBJECT_PRODUCES, tag });
  if (has('delete')) itemOps.push({ method: 'delete', operationId: id('delete'), description: `delete ${article(r.kind)}`, action: 'delete', gvk, query: DELETE_QUERY, body: { definition: DELETE_OPTIONS, required: false }, response: r.definition, produces: OBJECT_PRODUCES, tag });
  if (itemOps.length) out.push({ path: item, pathParams: [...nsParams, 'name'], operations: itemOps });

  for (const sub of r.subresources) {
    const shape = SUBRESOURCES[sub];
    if (!shape) continue;
    const body = shape.body?.(r);
    const subSuffix = upperFirst(sub);
    const ops: OperationSpec[] = shape.methods.map((m) => {
      const op: OperationSpec = {
        method: m.method,
        operationId: id(m.verb, subSuffix),
        description: m.action === 'connect' ? `connect ${m.method.toUpperCase()} requests to ${sub} of ${r.kind}` : `${m.verb} ${sub} of the specified ${r.kind}`,
        action: m.action,
        gvk: body?.gvk ?? gvk,
        query: shape.query?.[m.method] ?? (m.method === 'patch' ? PATCH_QUERY : m.method === 'get' ? [] : WRITE_QUERY),
        response: shape.response ?? body?.definition ?? r.definition,
        produces: shape.response ? ['*/*'] : OBJECT_PRODUCES,
        tag,
      };
      if (body && m.method !== 'get') op.body = { definition: m.method === 'patch' ? PATCH_BODY : body.definition, required: true };
      if (m.method === 'patch') op.consumes = PATCH_CONSUMES;
      if (shape.response) op.consumes = ['*/*'];
      return op;
    });
    out.push({ path: `${item}/${sub}`, pathParams: [...nsParams, 'name'], operations: ops });
    if (sub === 'proxy') {
      out.push({ path: `${item}/proxy/{path}`, pathParams: [...nsParams, 'name', 'path'], operations: ops.map((o) => ({ ...o, operationId: `${o.operationId}WithPath`, query: [] })) });
    }
  }

  if (r.namespaced && has('list') && r.listDefinition) {
    out.push({
      path: `${prefix}/${r.resource}`,
      pathParams: [],
      operations: [{ method: 'get', operationId: `list${groupPart(r.group)}${upperFirst(r.version)}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, action: 'list', gvk, query: LIST_QUERY, response: r.listDefinition, produces: LIST_PRODUCES, tag }],
    });
  }
  return out;
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** Definitions every set of paths references besides the resources' own. */
export const COMMON_DEFINITIONS = [STATUS, DELETE_OPTIONS, WATCH_EVENT, PATCH_BODY];

/** The free-form Patch body definition upstream publishes. */
export const PATCH_DEFINITION = {
  description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  type: 'object',
};
