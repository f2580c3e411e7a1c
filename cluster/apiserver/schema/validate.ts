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

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
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

export class SchemaWalker {
  readonly causes: Cause[] = [];
  readonly unknownFields: string[] = [];

  constructor(
    private readonly opts: WalkOptions,
    /** ObjectMeta's node, for embedded resources' metadata. */
    private readonly objectMeta: SchemaNode | undefined,
  ) {}

  private invalid(path: string, value: unknown, detail: string): void {
    this.causes.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatValue(value)}: ${detail}` });
  }

  /** apiextensions reports type errors as field.TypeInvalid with the Go type name of the decoded value. */
  private typeError(path: string, expected: string, v: unknown): void {
    this.causes.push({
      type: 'FieldValueTypeInvalid',
      field: path,
      message: `Invalid value: ${JSON.stringify(goTypeName(v))}: ${path || '<root>'} in body must be of type ${expected}: "${jsonTypeOf(v)}"`,
    });
  }

  walk(node: SchemaNode, v: unknown, path: string): void {
    if (v === null || v === undefined) {
      if (!node.nullable && node.type) this.typeError(path, node.type, null);
      return;
    }
    if (node.special === 'int-or-string') {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) this.typeError(path, 'integer,string', v);
      else this.checkScalar(node, v, path);
      return;
    }
    if (node.special === 'quantity') {
      if (typeof v === 'number') return;
      if (typeof v !== 'string') { this.typeError(path, 'string', v); return; }
      if (!QUANTITY_PATTERN.test(v.trim())) this.invalid(path, v, `quantities must match the regular expression '${QUANTITY_SOURCE}'`);
      return;
    }
    if (node.type && !typeMatches(node.type, v)) {
      // Go decodes an integer-valued float into int fields only when it has no fraction; numbers fit number.
      this.typeError(path, node.type, v);
      return;
    }
    if (Array.isArray(v)) {
      this.checkArray(node, v, path);
    } else if (typeof v === 'object') {
      this.checkObject(node, v as Record<string, unknown>, path);
    } else {
      this.checkScalar(node, v, path);
    }
    if (node.allOf) for (const s of node.allOf) this.walkConstraintsOnly(s, v, path);
  }

  /** allOf members in structural schemas carry value validations only; unknown fields are judged by the parent. */
  private walkConstraintsOnly(node: SchemaNode, v: unknown, path: string): void {
    const saved = this.unknownFields.length;
    this.walk(node, v, path);
    this.unknownFields.length = saved;
  }

  private checkScalar(node: SchemaNode, v: unknown, path: string): void {
    if (node.enum && !node.enum.some((e) => e === v)) {
      this.causes.push({
        type: 'FieldValueNotSupported',
        field: path,
        message: `Unsupported value: ${formatValue(v)}: supported values: ${node.enum.map((e) => formatValue(e)).join(', ')}`,
      });
    }
    if (typeof v === 'number') {
      if (node.minimum !== undefined && (node.exclusiveMinimum ? v <= node.minimum : v < node.minimum)) {
        this.invalid(path, v, `${path} in body should be greater than ${node.exclusiveMinimum ? '' : 'or equal to '}${node.minimum}`);
      }
      if (node.maximum !== undefined && (node.exclusiveMaximum ? v >= node.maximum : v > node.maximum)) {
        this.invalid(path, v, `${path} in body should be less than ${node.exclusiveMaximum ? '' : 'or equal to '}${node.maximum}`);
      }
    } else if (typeof v === 'string') {
      const len = [...v].length;
      if (node.minLength !== undefined && len < node.minLength) this.invalid(path, v, `${path} in body should be at least ${node.minLength} chars long`);
      if (node.maxLength !== undefined && len > node.maxLength) {
        this.causes.push({ type: 'FieldValueTooLong', field: path, message: `Too long: may not be more than ${node.maxLength} bytes` });
      }
      if (node.pattern && !node.pattern.test(v)) this.invalid(path, v, `${path} in body should match '${node.patternSource}'`);
    }
  }

  private checkArray(node: SchemaNode, v: unknown[], path: string): void {
    if (node.minItems !== undefined && v.length < node.minItems) this.invalid(path, v.length, `${path} in body should have at least ${node.minItems} items`);
    if (node.maxItems !== undefined && v.length > node.maxItems) {
      this.causes.push({ type: 'FieldValueTooMany', field: path, message: `Too many: ${v.length}: must have at most ${node.maxItems} items` });
    }
    if (node.items) for (let i = 0; i < v.length; i++) this.walk(node.items, v[i], `${path}[${i}]`);
    if (node.custom && (node.listType === 'set' || node.listType === 'map')) this.checkListUniqueness(node, v, path);
  }

  /** CRD list-type=set/map: duplicate entries are rejected (apiextensions structural validation). */
  private checkListUniqueness(node: SchemaNode, v: unknown[], path: string): void {
    const seen = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      const key = node.listType === 'map' && item && typeof item === 'object'
        ? JSON.stringify((node.listMapKeys ?? []).map((k) => (item as Record<string, unknown>)[k]))
        : JSON.stringify(item);
      if (seen.has(key)) {
        this.causes.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, message: `Duplicate value: ${node.listType === 'map' ? key.slice(1, -1) : formatValue(item)}` });
      }
      seen.add(key);
    }
  }

  private checkObject(node: SchemaNode, v: Record<string, unknown>, path: string): void {
    if (node.required && this.opts.required) {
      for (const r of node.required) {
        if (v[r] === undefined) this.causes.push({ type: 'FieldValueRequired', field: child(path, r), message: 'Required value' });
      }
    }
    const props = node.properties;
    for (const key in v) {
      const value = v[key];
      const sub = props?.get(key);
      if (sub) {
        this.walk(sub, value, child(path, key));
        continue;
      }
      if (node.embedded && EMBEDDED_IMPLIED.has(key)) {
        if (key === 'metadata' && this.objectMeta) this.walk(this.objectMeta, value, child(path, key));
        else if (typeof value !== 'string') this.typeError(child(path, key), 'string', value);
        continue;
      }
      if (node.additional) {
        if (node.additional !== true) this.walk(node.additional, value, child(path, key));
        continue;
      }
      // Built-in objects with neither properties nor additionalProperties are free-form (RawExtension, JSON);
      // a CRD object schema without them allows no fields unless it preserves unknown fields (structural schemas).
      if (node.preserveUnknown || (!props && !node.custom)) continue;
      if (this.opts.unknown) this.unknownFields.push(child(path, key));
    }
  }
}
