/**
 * OpenAPI v2 (swagger 2.0) document as kube-apiserver serves at /openapi/v2, in JSON form and as a gnostic
 * `openapi.v2.Document` protobuf (what `kubectl apply/create/replace` download for validation).
 */
import type { JSONSchema } from './definitions.js';
import { documentType } from './gnostic-proto.js';
import type { OperationSpec, PathSpec } from './paths.js';
import { PARAMETERS } from './paths.js';

type Json = Record<string, unknown>;

const BEARER = { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } };

function parameterV2(name: string): Json {
  const p = PARAMETERS[name];
  const wire = name.startsWith('path:') ? name.slice(5) : name;
  const out: Json = { uniqueItems: p.uniqueItems, type: p.type, description: p.description, name: wire, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function operationV2(op: OperationSpec): Json {
  const parameters: Json[] = [];
  if (op.body) parameters.push({ name: 'body', in: 'body', required: op.body.required, schema: { $ref: `#/definitions/${op.body.definition}` } });
  for (const q of op.query) parameters.push(parameterV2(q));
  const ok: Json = { description: 'OK', schema: op.response === 'string' ? { type: 'string' } : { $ref: `#/definitions/${op.response}` } };
  const out: Json = {
    description: op.description,
    consumes: op.consumes ?? ['*/*'],
    produces: op.produces ?? ['application/json'],
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
    responses: { '200': ok, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
  if (parameters.length) out.parameters = parameters;
  if (op.method === 'post') (out.responses as Json)['201'] = ok;
  return out;
}

export function buildV2Document(version: string, paths: readonly PathSpec[], definitions: Readonly<Record<string, JSONSchema>>): Json {
  const outPaths: Json = {};
  for (const p of paths) {
    const item: Json = { parameters: [...p.pathParams.map((n) => parameterV2(`path:${n}`)), parameterV2('pretty')] };
    for (const op of p.operations) item[op.method] = operationV2(op);
    outPaths[p.path] = item;
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: outPaths,
    definitions,
    securityDefinitions: BEARER,
    security: [{ BearerToken: [] }],
  };
}

// ---- JSON -> gnostic message objects (snake_case field names, see gnostic-proto.ts) ----

/** kube-openapi stores extension values, defaults and enum items as YAML; JSON is valid YAML. */
function anyOf(value: unknown): Json {
  return { yaml: JSON.stringify(value) + '\n' };
}

function vendorExtensions(obj: Json): Json[] {
  return Object.keys(obj)
    .filter((k) => k.startsWith('x-'))
    .map((k) => ({ name: k, value: anyOf(obj[k]) }));
}

function schemaMessage(s: JSONSchema): Json {
  const m: Json = {};
  if (s.$ref) m._ref = s.$ref;
  if (s.format) m.format = s.format;
  if (s.description) m.description = s.description;
  if (s.default !== undefined) m.default = anyOf(s.default);
  if (s.multipleOf !== undefined) m.multiple_of = s.multipleOf;
  if (s.maximum !== undefined) m.maximum = s.maximum;
  if (s.exclusiveMaximum) m.exclusive_maximum = true;
  if (s.minimum !== undefined) m.minimum = s.minimum;
  if (s.exclusiveMinimum) m.exclusive_minimum = true;
  if (s.maxLength !== undefined) m.max_length = s.maxLength;
  if (s.minLength !== undefined) m.min_length = s.minLength;
  if (s.pattern) m.pattern = s.pattern;
  if (s.maxItems !== undefined) m.max_items = s.maxItems;
  if (s.minItems !== undefined) m.min_items = s.minItems;
  if (s.uniqueItems) m.unique_items = true;
  if (s.maxProperties !== undefined) m.max_properties = s.maxProperties;
  if (s.minProperties !== undefined) m.min_properties = s.minProperties;
  if (s.required?.length) m.required = s.required;
  if (s.enum?.length) m.enum = s.enum.map(anyOf);
  if (s.additionalProperties !== undefined) {
    m.additional_properties = typeof s.additionalProperties === 'boolean' ? { boolean: s.additionalProperties } : { schema: schemaMessage(s.additionalProperties) };
  }
  if (s.type) m.type = { value: [s.type] };
  if (s.items) m.items = { schema: [schemaMessage(s.items)] };
  if (s.allOf?.length) m.all_of = s.allOf.map(schemaMessage);
  if (s.properties) m.properties = { additional_properties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schemaMessage(v) })) };
  const ext = vendorExtensions(s as Json);
  if (ext.length) m.vendor_extension = ext;
  return m;
}

function parameterMessage(p: Json): Json {
  if (p.in === 'body') {
    return { parameter: { body_parameter: { name: p.name, in: 'body', required: Boolean(p.required), schema: schemaMessage(p.schema as JSONSchema) } } };
  }
  const common = { required: Boolean(p.required), in: p.in, description: p.description, name: p.name, type: p.type, unique_items: Boolean(p.uniqueItems) };
  return { parameter: { non_body_parameter: p.in === 'path' ? { path_parameter_sub_schema: common } : { query_parameter_sub_schema: common } } };
}

function operationMessage(op: Json): Json {
  const responses = Object.entries(op.responses as Record<string, Json>).map(([code, r]) => {
    const response: Json = { description: r.description };
    if (r.schema) response.schema = { schema: schemaMessage(r.schema as JSONSchema) };
    return { name: code, value: { response } };
  });
  return {
    tags: op.tags,
    description: op.description,
    operation_id: op.operationId,
    produces: op.produces,
    consumes: op.consumes,
    parameters: ((op.parameters as Json[] | undefined) ?? []).map(parameterMessage),
    responses: { response_code: responses },
    schemes: op.schemes,
    vendor_extension: vendorExtensions(op),
  };
}

/** Encode a v2 JSON document as a wire-valid gnostic `openapi.v2.Document`. */
export function encodeV2Protobuf(doc: Json): Buffer {
  const info = doc.info as Json;
  const paths = Object.entries(doc.paths as Record<string, Json>).map(([name, item]) => {
    const value: Json = { parameters: ((item.parameters as Json[] | undefined) ?? []).map(parameterMessage) };
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      if (item[method]) value[method] = operationMessage(item[method] as Json);
    }
    return { name, value };
  });
  const definitions = Object.entries(doc.definitions as Record<string, JSONSchema>).map(([name, s]) => ({ name, value: schemaMessage(s) }));
  const message = {
    swagger: doc.swagger,
    info: { title: info.title, version: info.version },
    paths: { path: paths },
    definitions: { additional_properties: definitions },
    security: [{ additional_properties: [{ name: 'BearerToken', value: { value: [] } }] }],
    security_definitions: {
      additional_properties: [{ name: 'BearerToken', value: { api_key_security: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } } }],
    },
  };
  return Buffer.from(documentType().encode(message).finish());
}
