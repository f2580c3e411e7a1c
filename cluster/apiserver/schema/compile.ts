/**
 * Compiles OpenAPI definitions into a graph of resolved nodes ($refs followed once, cycles shared) so that
 * validation, pruning and patch-meta lookups walk plain objects with no string lookups per field.
 */
import type { JSONSchema } from '../openapi/definitions.js';

const REF_PREFIXES = ['#/definitions/', '#/components/schemas/'];

export type ValueKind = 'quantity' | 'int-or-string' | 'none';

export interface SchemaNode {
  /** OpenAPI type, if constrained. */
  type?: string;
  format?: string;
  special: ValueKind;
  properties?: Map<string, SchemaNode>;
  /** Schema for map values (`additionalProperties`), or true when any value is allowed. */
  additional?: SchemaNode | true;
  items?: SchemaNode;
  required?: readonly string[];
  enum?: readonly unknown[];
  /** Unknown fields under this node are kept and never reported. */
  preserveUnknown: boolean;
  /** x-kubernetes-embedded-resource: apiVersion/kind/metadata are implied. */
  embedded: boolean;
  /** null is accepted (built-in Go types decode null to the zero value; CRDs need `nullable: true`). */
  nullable: boolean;
  /** The node comes from a CRD schema (its wording and checks follow apiextensions validation). */
  custom: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  patternSource?: string;
  minItems?: number;
  maxItems?: number;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  // strategic-merge-patch / list metadata
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: readonly string[];
}

export class SchemaCompiler {
  private readonly byName = new Map<string, SchemaNode>();

  constructor(
    private readonly definitions: Readonly<Record<string, JSONSchema>>,
    private readonly isCustom: (name: string) => boolean = () => false,
  ) {}

  /** The compiled node of a named definition, or undefined when the name is unknown. */
  definition(name: string): SchemaNode | undefined {
    const hit = this.byName.get(name);
    if (hit) return hit;
    const def = this.definitions[name];
    if (!def) return undefined;
    const node = emptyNode(this.isCustom(name));
    this.byName.set(name, node); // before filling: recursive definitions (JSONSchemaProps) share the node
    this.fill(node, def, node.custom);
    return node;
  }

  private compile(s: JSONSchema, custom: boolean): SchemaNode {
    if (s.$ref) {
      const name = refName(s.$ref);
      const target = name ? this.definition(name) : undefined;
      const rest = Object.keys(s).filter((k) => k !== '$ref' && k !== 'description' && !k.startsWith('x-kubernetes-patch') && !k.startsWith('x-kubernetes-list'));
      if (target && rest.length === 0) {
        const ext = listExtensions(s);
        return ext ? { ...target, ...ext } : target;
      }
      const node = target ? { ...target } : emptyNode(custom);
      this.fill(node, { ...s, $ref: undefined }, custom);
      return node;
    }
    const node = emptyNode(custom);
    this.fill(node, s, custom);
    return node;
  }

  private fill(node: SchemaNode, s: JSONSchema, custom: boolean): void {
    if (s.type) node.type = s.type;
    if (s.format) node.format = s.format;
    if (s.format === 'int-or-string' || s['x-kubernetes-int-or-string']) node.special = 'int-or-string';
    else if (s.format === 'quantity') node.special = 'quantity';
    if (s.properties) {
      node.properties = new Map(Object.entries(s.properties).map(([k, v]) => [k, this.compile(v, custom)]));
    }
    if (s.additionalProperties !== undefined) {
      node.additional = typeof s.additionalProperties === 'boolean' ? (s.additionalProperties ? true : undefined) : this.compile(s.additionalProperties, custom);
    }
    if (s.items) node.items = this.compile(s.items, custom);
    if (s.required?.length) node.required = s.required;
    if (s.enum?.length) node.enum = s.enum;
    if (s['x-kubernetes-preserve-unknown-fields']) node.preserveUnknown = true;
    if (s['x-kubernetes-embedded-resource']) node.embedded = true;
    if (custom) node.nullable = Boolean(s.nullable);
    for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
      if (typeof s[k] === 'number') node[k] = s[k];
    }
    if (s.exclusiveMinimum) node.exclusiveMinimum = true;
    if (s.exclusiveMaximum) node.exclusiveMaximum = true;
    if (s.pattern) {
      try {
        node.pattern = new RegExp(s.pattern, 'u');
        node.patternSource = s.pattern;
      } catch {
        /* an unparsable pattern is rejected when the CRD is created; ignore here */
      }
    }
    if (s.allOf?.length) node.allOf = s.allOf.map((x) => this.compile(x, custom));
    if (s.anyOf?.length) node.anyOf = s.anyOf.map((x) => this.compile(x, custom));
    if (s.oneOf?.length) node.oneOf = s.oneOf.map((x) => this.compile(x, custom));
    const ext = listExtensions(s);
    if (ext) Object.assign(node, ext);
  }
}

function listExtensions(s: JSONSchema): Partial<SchemaNode> | undefined {
  const out: Partial<SchemaNode> = {};
  if (s['x-kubernetes-patch-strategy']) out.patchStrategy = s['x-kubernetes-patch-strategy'];
  if (s['x-kubernetes-patch-merge-key']) out.patchMergeKey = s['x-kubernetes-patch-merge-key'];
  if (s['x-kubernetes-list-type']) out.listType = s['x-kubernetes-list-type'];
  if (s['x-kubernetes-list-map-keys']) out.listMapKeys = s['x-kubernetes-list-map-keys'];
  return Object.keys(out).length ? out : undefined;
}

function emptyNode(custom: boolean): SchemaNode {
  return { special: 'none', preserveUnknown: false, embedded: false, nullable: !custom, custom };
}

function refName(ref: string): string | undefined {
  for (const p of REF_PREFIXES) if (ref.startsWith(p)) return ref.slice(p.length);
  return undefined;
}
