/**
 * Walks an object against its compiled schema and reports what kube-apiserver would: field errors worded as
 * kube-openapi's validator words them for CRDs (`spec.replicas in body must be of type integer: "string"`), and
 * unknown fields as strict decoding reports them (`unknown field "spec.foo"`).
 */
import type { SchemaNode } from './compile.js';

export type CauseType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueDuplicate';

export interface Cause {
  type: CauseType;
  /** Field path as upstream prints it: `spec.containers[0].image`. */
  field: string;
  /** The error body (`Invalid value: ...`, `Required value`); the full text is `${field}: ${message}`. */
  message: string;
}

/** Upstream's regular expression for resource.Quantity strings. */
export const QUANTITY_PATTERN = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SOURCE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export interface WalkOptions {
  /** Collect unknown fields (false for fieldValidation=Ignore). */
  unknown: boolean;
  /** Report missing `required` properties. */
  required: boolean;
}

export interface WalkResult {
  causes: Cause[];
  unknownFields: string[];
}

/** JSON type name as OpenAPI validation reports the actual value's type. */
export function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string | boolean | object
}

/** reflect type (or kind) name of the value as Go's unstructured JSON decoding holds it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'object') return 'map';
  return 'string';
}

/** Go's %v-ish rendering field.Invalid uses for the offending value. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return JSON.stringify(v);
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const EMBEDDED_IMPLIED = new Set(['apiVersion', 'kind', 'metadata']);

/** Code points in `s` (what `[...s].length` counts), without making the array. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

export class SchemaWalker {
  readonly causes: Cause[] = [];
  readonly unknownFields: string[] = [];
  /**
   * Where the walk is: member names and item indexes from the root. The printed path is
   * made only for a cause; the walk visits every field of every write, and building each
   * field's path string was most of what it allocated.
   */
  private readonly at: Array<string | number> = [];

  constructor(
    private readonly opts: WalkOptions,
    /** ObjectMeta's node, for embedded resources' metadata. */
    private readonly objectMeta: SchemaNode | undefined,
  ) {}

  /** The current field path as upstream prints it (`spec.containers[0].image`), with `member` appended. */
  private path(member?: string): string {
    let s = '';
    for (const seg of this.at) s = typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg;
    if (member === undefined) return s;
    return s ? `${s}.${member}` : member;
  }

  private invalid(value: unknown, detail: (path: string) => string): void {
    const path = this.path();
    this.causes.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatValue(value)}: ${detail(path)}` });
  }

  /** apiextensions reports type errors as field.TypeInvalid with the Go type name of the decoded value. */
  private typeError(expected: string, v: unknown, path = this.path()): void {
    this.causes.push({
      type: 'FieldValueTypeInvalid',
      field: path,
      message: `Invalid value: ${JSON.stringify(goTypeName(v))}: ${path || '<root>'} in body must be of type ${expected}: "${jsonTypeOf(v)}"`,
    });
  }

  /** Walks `v`, the whole object, against its schema `node`. */
  walk(node: SchemaNode, v: unknown): void {
    this.at.length = 0;
    this.visit(node, v);
  }

  private visit(node: SchemaNode, v: unknown): void {
    if (v === null || v === undefined) {
      if (!node.nullable && node.type) this.typeError(node.type, null);
      return;
    }
    if (node.special === 'int-or-string') {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) this.typeError('integer,string', v);
      else this.checkScalar(node, v);
      return;
    }
    if (node.special === 'quantity') {
      if (typeof v === 'number') return;
      if (typeof v !== 'string') { this.typeError('string', v); return; }
      if (!QUANTITY_PATTERN.test(v.trim())) this.invalid(v, () => `quantities must match the regular expression '${QUANTITY_SOURCE}'`);
      return;
    }
    if (node.type && !typeMatches(node.type, v)) {
      // Go decodes an integer-valued float into int fields only when it has no fraction; numbers fit number.
      this.typeError(node.type, v);
      return;
    }
    if (Array.isArray(v)) {
      this.checkArray(node, v);
    } else if (typeof v === 'object') {
      this.checkObject(node, v as Record<string, unknown>);
    } else {
      this.checkScalar(node, v);
    }
    if (node.allOf) for (const s of node.allOf) this.visitConstraintsOnly(s, v);
  }

  /** `v` at member or index `seg` of the current value. */
  private visitAt(node: SchemaNode, v: unknown, seg: string | number): void {
    this.at.push(seg);
    this.visit(node, v);
    this.at.pop();
  }

  /** allOf members in structural schemas carry value validations only; unknown fields are judged by the parent. */
  private visitConstraintsOnly(node: SchemaNode, v: unknown): void {
    const saved = this.unknownFields.length;
    this.visit(node, v);
    this.unknownFields.length = saved;
  }

  private checkScalar(node: SchemaNode, v: unknown): void {
    if (node.enum && !node.enum.some((e) => e === v)) {
      this.causes.push({
        type: 'FieldValueNotSupported',
        field: this.path(),
        message: `Unsupported value: ${formatValue(v)}: supported values: ${node.enum.map((e) => formatValue(e)).join(', ')}`,
      });
    }
    if (typeof v === 'number') {
      if (node.minimum !== undefined && (node.exclusiveMinimum ? v <= node.minimum : v < node.minimum)) {
        this.invalid(v, (path) => `${path} in body should be greater than ${node.exclusiveMinimum ? '' : 'or equal to '}${node.minimum}`);
      }
      if (node.maximum !== undefined && (node.exclusiveMaximum ? v >= node.maximum : v > node.maximum)) {
        this.invalid(v, (path) => `${path} in body should be less than ${node.exclusiveMaximum ? '' : 'or equal to '}${node.maximum}`);
      }
    } else if (typeof v === 'string') {
      if (node.minLength !== undefined || node.maxLength !== undefined) {
        const len = codePoints(v);
        if (node.minLength !== undefined && len < node.minLength) this.invalid(v, (path) => `${path} in body should be at least ${node.minLength} chars long`);
        if (node.maxLength !== undefined && len > node.maxLength) {
          this.causes.push({ type: 'FieldValueTooLong', field: this.path(), message: `Too long: may not be more than ${node.maxLength} bytes` });
        }
      }
      if (node.pattern && !node.pattern.test(v)) this.invalid(v, (path) => `${path} in body should match '${node.patternSource}'`);
    }
  }

  private checkArray(node: SchemaNode, v: unknown[]): void {
    if (node.minItems !== undefined && v.length < node.minItems) this.invalid(v.length, (path) => `${path} in body should have at least ${node.minItems} items`);
    if (node.maxItems !== undefined && v.length > node.maxItems) {
      this.causes.push({ type: 'FieldValueTooMany', field: this.path(), message: `Too many: ${v.length}: must have at most ${node.maxItems} items` });
    }
    if (node.items) for (let i = 0; i < v.length; i++) this.visitAt(node.items, v[i], i);
    if (node.custom && (node.listType === 'set' || node.listType === 'map')) this.checkListUniqueness(node, v);
  }

  /** CRD list-type=set/map: duplicate entries are rejected (apiextensions structural validation). */
  private checkListUniqueness(node: SchemaNode, v: unknown[]): void {
    const seen = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      const key = node.listType === 'map' && item && typeof item === 'object'
        ? JSON.stringify((node.listMapKeys ?? []).map((k) => (item as Record<string, unknown>)[k]))
        : JSON.stringify(item);
      if (seen.has(key)) {
        this.causes.push({ type: 'FieldValueDuplicate', field: `${this.path()}[${i}]`, message: `Duplicate value: ${node.listType === 'map' ? key.slice(1, -1) : formatValue(item)}` });
      }
      seen.add(key);
    }
  }

  private checkObject(node: SchemaNode, v: Record<string, unknown>): void {
    if (node.required && this.opts.required) {
      for (const r of node.required) {
        if (v[r] === undefined) this.causes.push({ type: 'FieldValueRequired', field: this.path(r), message: 'Required value' });
      }
    }
    const props = node.properties;
    for (const key in v) {
      const value = v[key];
      const sub = props?.get(key);
      if (sub) {
        this.visitAt(sub, value, key);
        continue;
      }
      if (node.embedded && EMBEDDED_IMPLIED.has(key)) {
        if (key === 'metadata' && this.objectMeta) this.visitAt(this.objectMeta, value, key);
        else if (typeof value !== 'string') this.typeError('string', value, this.path(key));
        continue;
      }
      if (node.additional) {
        if (node.additional !== true) this.visitAt(node.additional, value, key);
        continue;
      }
      // Built-in objects with neither properties nor additionalProperties are free-form (RawExtension, JSON);
      // a CRD object schema without them allows no fields unless it preserves unknown fields (structural schemas).
      if (node.preserveUnknown || (!props && !node.custom)) continue;
      if (this.opts.unknown) this.unknownFields.push(this.path(key));
    }
  }
}
