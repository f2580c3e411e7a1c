/**
 * Field errors as apimachinery's util/validation/field reports them: a machine type
 * (the StatusCause reason), the field path and the message body (`ErrorBody()`),
 * e.g. `Invalid value: "Foo_bar": a lowercase RFC 1123 subdomain must ...`.
 */

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound';

/** One validation failure, shaped like a metav1.StatusCause (`type` is the cause `reason`). */
export interface FieldCause {
  type: CauseType;
  /** JSON-path-like field: `spec.containers[0].image`, `metadata.labels`. */
  field: string;
  /** The upstream ErrorBody, without the field: `Required value`, `Invalid value: 0: must be ...`. */
  message: string;
}

/** A Go-formatted value already rendered (`%#v` output), printed verbatim instead of being JSON-quoted. */
export class GoValue {
  constructor(readonly text: string) {}
}

/** Render a JSON value the way ErrorBody does: strings quoted, numbers/bools plain, others Go-like `%#v`. */
export function formatValue(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
    return `[]interface {}{${v.map(formatValue).join(', ')}}`;
  }
  const o = v as Record<string, unknown>;
  if (Object.values(o).every((x) => typeof x === 'string')) return goStringMap(o as Record<string, string>);
  return JSON.stringify(v);
}

/** Go's `%#v` of a map[string]string: keys sorted. */
export function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}`;
}

export function required(field: string, detail = ''): FieldCause {
  return { type: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function invalid(field: string, value: unknown, detail: string): FieldCause {
  return { type: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${formatValue(value)}`, detail) };
}

export function duplicate(field: string, value: unknown): FieldCause {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
}

export function notFound(field: string, value: unknown): FieldCause {
  return { type: 'FieldValueNotFound', field, message: `Not found: ${formatValue(value)}` };
}

export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldCause {
  const detail = valid.length ? `supported values: ${valid.map((x) => JSON.stringify(x)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, message: withDetail(`Unsupported value: ${formatValue(value)}`, detail) };
}

export function forbidden(field: string, detail: string): FieldCause {
  return { type: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, maxBytes: number): FieldCause {
  return { type: 'FieldValueTooLong', field, message: `Too long: must have at most ${maxBytes} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldCause {
  return { type: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
}

function withDetail(s: string, detail: string): string {
  return detail ? `${s}: ${detail}` : s;
}

/** `field: body`, as field.Error.Error() prints it. */
export function causeToString(c: FieldCause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}

/**
 * The Status message of a 422 Invalid error (apierrors.NewInvalid):
 * `Deployment.apps "x" is invalid: <err>` or `... is invalid: [<err1>, <err2>]` (duplicates dropped).
 */
export function invalidMessage(group: string, kind: string, name: string, causes: readonly FieldCause[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const c of causes) {
    const m = causeToString(c);
    if (!seen.has(m)) {
      seen.add(m);
      msgs.push(m);
    }
  }
  const qualified = group ? `${kind}.${group}` : kind;
  const agg = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  return `${qualified} ${JSON.stringify(name)} is invalid: ${agg}`;
}

/** Child path helpers: `child('spec', 'containers')`, `index('spec.containers', 0)`, `key('metadata.labels', 'a')`. */
export function child(base: string, ...names: string[]): string {
  return [base, ...names].filter(Boolean).join('.');
}

export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}
