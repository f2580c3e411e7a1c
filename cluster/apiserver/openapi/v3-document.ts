/**
 * OpenAPI v3 per-group-version documents as kube-apiserver serves at /openapi/v3/<api/v1|apis/g/v>: the paths of
 * that group-version and the component schemas they reach. kubectl reads these to learn whether PATCH/POST accept
 * `fieldValidation` (QueryParamVerifierV3) and for `kubectl explain`.
 */
import type { JSONSchema } from './definitions.js';
import type { OperationSpec, PathSpec } from './paths.js';
import { PARAMETERS } from './paths.js';

type Json = Record<string, unknown>;

const V2_PREFIX = '#/definitions/';
const V3_PREFIX = '#/components/schemas/';

/** Convert a v2 schema to v3: component refs, and `$ref` with siblings wrapped in allOf as kube-openapi does. */
export function schemaToV3(s: JSONSchema): JSONSchema {
  const out: JSONSchema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, JSONSchema>).map(([p, ps]) => [p, schemaToV3(ps)]));
    else if (k === 'items' || k === 'not') (out as Json)[k] = schemaToV3(v as JSONSchema);
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'boolean' ? v : schemaToV3(v as JSONSchema);
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') (out as Json)[k] = (v as JSONSchema[]).map(schemaToV3);
    else if (k !== '$ref') (out as Json)[k] = v;
  }
  if (s.$ref) {
    const ref = s.$ref.startsWith(V2_PREFIX) ? V3_PREFIX + s.$ref.slice(V2_PREFIX.length) : s.$ref;
    if (Object.keys(out).length === 0) return { $ref: ref };
    return { ...out, allOf: [{ $ref: ref }] };
  }
  return out;
}

/** Names of definitions reachable from `roots` through $refs. */
export function referencedClosure(roots: Iterable<string>, definitions: Readonly<Record<string, JSONSchema>>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const visit = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) { s.forEach(visit); return; }
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(V2_PREFIX)) stack.push(v.slice(V2_PREFIX.length));
      else if (k === 'properties' && v && typeof v === 'object') Object.values(v).forEach(visit);
      else if (k === 'items' || k === 'additionalProperties' || k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not') visit(v);
    }
  };
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name) || !definitions[name]) continue;
    seen.add(name);
    visit(definitions[name]);
  }
  return seen;
}

function parameterV3(name: string): Json {
  const p = PARAMETERS[name];
  const wire = name.startsWith('path:') ? name.slice(5) : name;
  const out: Json = { name: wire, in: p.in, description: p.description, schema: { type: p.type, uniqueItems: p.uniqueItems } };
  if (p.required) out.required = true;
  return out;
}

function content(mimes: readonly string[], schema: Json): Json {
  return Object.fromEntries(mimes.map((m) => [m, { schema }]));
}

function operationV3(op: OperationSpec): Json {
  const responseSchema: Json = op.response === 'string' ? { type: 'string' } : { $ref: V3_PREFIX + op.response };
  const ok = { description: 'OK', content: content(op.produces ?? ['application/json'], responseSchema) };
  const responses: Json = { '200': ok };
  if (op.method === 'post') responses['201'] = { description: 'Created', content: ok.content };
  responses['401'] = { description: 'Unauthorized' };
  const out: Json = {
    tags: [op.tag],
    description: op.description,
    operationId: op.operationId,
  };
  if (op.query.length) out.parameters = op.query.map(parameterV3);
  if (op.body) {
    out.requestBody = { content: content(op.consumes ?? ['*/*'], { $ref: V3_PREFIX + op.body.definition }), required: op.body.required };
  }
  out.responses = responses;
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

export function buildV3Document(version: string, paths: readonly PathSpec[], definitions: Readonly<Record<string, JSONSchema>>): Json {
  const outPaths: Json = {};
  const roots = new Set<string>();
  for (const p of paths) {
    const item: Json = {};
    for (const op of p.operations) {
      item[op.method] = operationV3(op);
      if (op.body) roots.add(op.body.definition);
      if (op.response !== 'string') roots.add(op.response);
    }
    item.parameters = [...p.pathParams.map((n) => parameterV3(`path:${n}`)), parameterV3('pretty')];
    outPaths[p.path] = item;
  }
  const names = [...referencedClosure(roots, definitions)].sort();
  const schemas = Object.fromEntries(names.map((n) => [n, schemaToV3(definitions[n])]));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths: outPaths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}
