/**
 * The subset of k8s.io/client-go/util/jsonpath that CRD additionalPrinterColumns use, evaluated
 * with AllowMissingKeys (a missing field yields no result, never an error):
 *   .a.b   ['a.b']   [0]  [-1]  [1:3]  [*]  .*  ..name  [?(@.type=="Ready")]  [?(@.x)]
 * `find` returns every match in document order; the table convertor takes the first.
 */

type Literal = string | number | boolean | null;

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'filter'; left: Step[]; op?: FilterOp; right?: Step[] | { literal: Literal } };

type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export class JsonPathError extends Error {}

export interface JsonPath {
  readonly expression: string;
  find(root: unknown): unknown[];
}

export function compileJsonPath(expression: string): JsonPath {
  let body = expression.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1).trim();
  if (body.startsWith('$')) body = body.slice(1);
  const steps = parseSteps(body);
  return { expression, find: (root) => evaluate(steps, [root]) };
}

function parseSteps(src: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const readName = (): string => {
    const start = i;
    while (i < src.length && src[i] !== '.' && src[i] !== '[' && src[i] !== ' ') i++;
    return src.slice(start, i);
  };
  while (i < src.length) {
    if (src.startsWith('..', i)) {
      i += 2;
      steps.push({ kind: 'recursive' });
      if (src[i] === '*') {
        i++;
        steps.push({ kind: 'wildcard' });
      } else if (src[i] !== '[') {
        const name = readName();
        if (!name) throw new JsonPathError(`unexpected end after '..' in ${src}`);
        steps.push({ kind: 'field', names: [name] });
      }
    } else if (src[i] === '.') {
      i++;
      if (src[i] === '*') {
        i++;
        steps.push({ kind: 'wildcard' });
      } else {
        const name = readName();
        // A lone trailing "." (the path ".") selects the current node.
        if (name) steps.push({ kind: 'field', names: [name] });
      }
    } else if (src[i] === '[') {
      const end = closingBracket(src, i);
      steps.push(parseBracket(src.slice(i + 1, end).trim()));
      i = end + 1;
    } else if (src[i] === ' ') {
      i++;
    } else {
      throw new JsonPathError(`unrecognized character '${src[i]}' in ${src}`);
    }
  }
  return steps;
}

/** Index of the `]` matching the `[` at `open`, skipping quoted strings and nested brackets. */
function closingBracket(src: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new JsonPathError(`unclosed '[' in ${src}`);
}

function splitTopLevel(src: string, sep: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let depth = 0;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && src.startsWith(sep, i)) {
      parts.push(src.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(src.slice(start));
  return parts.map((p) => p.trim());
}

function unquote(s: string): string | undefined {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) {
    return s.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return undefined;
}

function parseInteger(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new JsonPathError(`invalid array index ${s}`);
  return Number(s);
}

function parseBracket(inner: string): Step {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?')) {
    const f = inner.slice(1).trim();
    if (!f.startsWith('(') || !f.endsWith(')')) throw new JsonPathError(`invalid filter ${inner}`);
    return parseFilter(f.slice(1, -1).trim());
  }
  const parts = splitTopLevel(inner, ',');
  const names = parts.map(unquote);
  if (names.every((n) => n !== undefined)) return { kind: 'field', names: names as string[] };
  if (parts.length === 1 && parts[0].includes(':')) {
    const [a, b, c] = parts[0].split(':').map((x) => x.trim());
    return {
      kind: 'slice',
      start: a ? parseInteger(a) : undefined,
      end: b ? parseInteger(b) : undefined,
      step: c ? parseInteger(c) : undefined,
    };
  }
  return { kind: 'index', indices: parts.map(parseInteger) };
}

const OPS: readonly FilterOp[] = ['==', '!=', '<=', '>=', '<', '>'];

function parseFilter(expr: string): Step {
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (op) {
      const left = parseOperand(expr.slice(0, i).trim());
      const right = parseOperand(expr.slice(i + op.length).trim());
      if (!('path' in left)) throw new JsonPathError(`filter must start with @: ${expr}`);
      return { kind: 'filter', left: left.path, op, right: 'path' in right ? right.path : right };
    }
  }
  const only = parseOperand(expr);
  if (!('path' in only)) throw new JsonPathError(`invalid filter ${expr}`);
  return { kind: 'filter', left: only.path };
}

function parseOperand(s: string): { path: Step[] } | { literal: Literal } {
  if (s.startsWith('@')) return { path: parseSteps(s.slice(1)) };
  const str = unquote(s);
  if (str !== undefined) return { literal: str };
  if (s === 'true' || s === 'false') return { literal: s === 'true' };
  if (s === 'nil' || s === 'null') return { literal: null };
  if (s !== '' && !Number.isNaN(Number(s))) return { literal: Number(s) };
  throw new JsonPathError(`unrecognized filter operand ${s}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function descendants(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descendants(x, out);
  else if (isObject(v)) for (const k of Object.keys(v).sort()) descendants(v[k], out);
}

function compare(a: unknown, op: FilterOp, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function applyStep(step: Step, nodes: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of nodes) {
    switch (step.kind) {
      case 'field':
        if (isObject(v)) for (const n of step.names) if (Object.prototype.hasOwnProperty.call(v, n)) out.push(v[n]);
        break;
      case 'index':
        if (Array.isArray(v)) {
          for (const raw of step.indices) {
            const idx = raw < 0 ? v.length + raw : raw;
            if (idx >= 0 && idx < v.length) out.push(v[idx]);
          }
        }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const len = v.length;
          const norm = (x: number | undefined, dflt: number) => {
            if (x === undefined) return dflt;
            const n = x < 0 ? len + x : x;
            return Math.min(Math.max(n, 0), len);
          };
          const stepBy = step.step && step.step > 0 ? step.step : 1;
          for (let i = norm(step.start, 0); i < norm(step.end, len); i += stepBy) out.push(v[i]);
        }
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
        break;
      case 'recursive':
        descendants(v, out);
        break;
      case 'filter':
        if (!Array.isArray(v)) break;
        for (const el of v) {
          const lefts = evaluate(step.left, [el]);
          if (!step.op || !step.right) {
            if (lefts.length > 0) out.push(el);
            continue;
          }
          const rights = 'literal' in step.right ? [step.right.literal] : evaluate(step.right, [el]);
          if (lefts.length === 0 || rights.length === 0) continue;
          if (compare(lefts[0], step.op, rights[0])) out.push(el);
        }
        break;
    }
  }
  return out;
}

function evaluate(steps: readonly Step[], nodes: unknown[]): unknown[] {
  let current = nodes;
  for (const s of steps) {
    current = applyStep(s, current);
    if (current.length === 0) break;
  }
  return current;
}
