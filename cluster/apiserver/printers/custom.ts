/**
 * Tables for custom resources, as apiextensions-apiserver's tableconvertor builds them:
 * a Name column, then one column per additionalPrinterColumn of the served version (or the
 * default `Age` = .metadata.creationTimestamp when the CRD declares none). Cells: `string`
 * columns print whatever the path found the way jsonpath.PrintResults does; integer / number /
 * boolean keep JSON values of that kind; `date` becomes a relative age; anything else is null.
 */
import type { CustomResourceColumnDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { Cell, PrintedRow, PrintOptions, Table, TableColumnDefinition } from './table.js';
import { assembleTable, column, metaOf } from './table.js';
import { humanDuration } from './duration.js';
import type { JsonPath } from './jsonpath.js';
import { compileJsonPath } from './jsonpath.js';
import { CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './printer.js';

/** serveDefaultColumnsIfEmpty in customresource_handler.go. */
export const DEFAULT_CUSTOM_COLUMNS: readonly CustomResourceColumnDefinition[] = [
  { name: 'Age', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' },
];

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Go's strconv 'g' with shortest precision, as fmt prints a float64 for %v: 1.5, 1e+06, 1e-05. */
export function goFloatString(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  // %v uses exponent form when the decimal exponent is < -4 or >= 6 (precision 6 for shortest).
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(n);
}

/** encoding/json.Marshal: compact, map keys sorted, <, > and & escaped. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, sortKeys(o[k])]),
      );
    }
    return x;
  };
  return JSON.stringify(sortKeys(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}

/**
 * jsonpath.PrintResults for one value. Unstructured JSON decodes integral numbers as int64 and
 * others as float64; we cannot tell `1.0` from `1` after JSON.parse, so integral values print as
 * integers.
 */
function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : goFloatString(v);
  return goJson(v);
}

function cellFor(type: string, value: unknown, now: Date): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      // metav1.Time.UnmarshalQueryParameter: "" and "null" are the zero time.
      if (value === '' || value === 'null') return '<unknown>';
      if (!RFC3339.test(value)) return '<invalid>';
      const t = Date.parse(value);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}

interface CompiledColumn {
  def: CustomResourceColumnDefinition;
  path: JsonPath | undefined;
}

/**
 * Prints custom resources using the served version's additionalPrinterColumns (pass `undefined`
 * or `[]` when the CRD declares none to get the default Age column).
 */
export function printCustomResourceTable(
  printerColumns: readonly CustomResourceColumnDefinition[] | undefined,
  objects: readonly object[],
  opts: PrintOptions,
): Table {
  const defs = printerColumns && printerColumns.length > 0 ? printerColumns : DEFAULT_CUSTOM_COLUMNS;
  const compiled: CompiledColumn[] = defs.map((def) => {
    let path: JsonPath | undefined;
    try {
      path = compileJsonPath(def.jsonPath);
    } catch {
      path = undefined; // CRD validation rejects bad paths; print nothing rather than fail the list
    }
    return { def, path };
  });
  const columns: TableColumnDefinition[] = [
    column('Name', 'string', NAME_DESCRIPTION, { format: 'name' }),
    ...defs.map((d) => column(d.name, d.type, d.description ?? '', { format: d.format ?? '', priority: d.priority ?? 0 })),
  ];
  const now = opts.now ?? new Date();
  const rows: PrintedRow[] = objects.map((o) => {
    const cells: Cell[] = [metaOf(o).name ?? ''];
    for (const c of compiled) {
      const found = c.path?.find(o) ?? [];
      if (found.length === 0) {
        cells.push(null);
        continue;
      }
      const value = found[0];
      cells.push(c.def.type === 'string' ? printValue(value) : cellFor(c.def.type, value, now));
    }
    return { cells, object: o };
  });
  return assembleTable(columns, rows, opts);
}
