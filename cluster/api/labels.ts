/**
 * Label selectors as k8s.io/apimachinery/pkg/labels parses them
 * (`app=web,tier!=db,env in (a,b),!legacy`) and as metav1.LabelSelector describes them.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { badRequest } from './status.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

export class Selector {
  constructor(readonly requirements: readonly Requirement[]) {}

  static everything(): Selector {
    return new Selector([]);
  }

  /** A selector that matches nothing (e.g. a nil LabelSelector in some controllers). */
  static nothing(): Selector {
    return new Selector([{ key: '', operator: 'In', values: [] }]);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    for (const r of this.requirements) {
      const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = has ? labels![r.key] : undefined;
      switch (r.operator) {
        case 'Equals':
        case 'In':
          if (!has || !r.values.includes(v!)) return false;
          break;
        case 'NotEquals':
        case 'NotIn':
          if (has && r.values.includes(v!)) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
        case 'Gt':
        case 'Lt': {
          if (!has) return false;
          const n = Number(v);
          const bound = Number(r.values[0]);
          if (!Number.isInteger(n)) return false;
          if (r.operator === 'Gt' ? !(n > bound) : !(n < bound)) return false;
          break;
        }
      }
    }
    return true;
  }

  toString(): string {
    return this.requirements
      .map((r) => {
        switch (r.operator) {
          case 'Equals':
            return `${r.key}=${r.values[0]}`;
          case 'NotEquals':
            return `${r.key}!=${r.values[0]}`;
          case 'In':
            return `${r.key} in (${r.values.join(',')})`;
          case 'NotIn':
            return `${r.key} notin (${r.values.join(',')})`;
          case 'Exists':
            return r.key;
          case 'DoesNotExist':
            return `!${r.key}`;
          case 'Gt':
            return `${r.key}>${r.values[0]}`;
          case 'Lt':
            return `${r.key}<${r.values[0]}`;
        }
      })
      .join(',');
  }
}

/** Parses the `labelSelector` query parameter; throws a 400 Status on bad syntax. */
export function parseSelector(input: string | undefined | null): Selector {
  const s = (input ?? '').trim();
  if (!s) return Selector.everything();
  const reqs: Requirement[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw badRequest(`unable to parse requirement: ${msg}`);
  };
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const readIdent = (): string => {
    skipWs();
    const start = i;
    while (i < s.length && !' ,()=!<>'.includes(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    const key = readIdent();
    if (!key) fail(`found '${s[i] ?? ''}', expected: identifier`);
    validateLabelKey(key, fail);
    skipWs();
    if (negate) {
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ key, operator: 'Exists', values: [] });
    } else if (s.startsWith('!=', i)) {
      i += 2;
      reqs.push({ key, operator: 'NotEquals', values: [readIdent()] });
    } else if (s.startsWith('==', i)) {
      i += 2;
      reqs.push({ key, operator: 'Equals', values: [readIdent()] });
    } else if (s[i] === '=') {
      i += 1;
      reqs.push({ key, operator: 'Equals', values: [readIdent()] });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'Gt' : 'Lt';
      i += 1;
      const v = readIdent();
      if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      reqs.push({ key, operator: op, values: [v] });
    } else {
      const word = readIdent();
      let op: Operator;
      if (word === 'in') op = 'In';
      else if (word === 'notin') op = 'NotIn';
      else return fail(`found '${word}', expected: '=', '!=', '==', 'in', notin'`);
      skipWs();
      if (s[i] !== '(') fail(`found '${s[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        const v = readIdent();
        values.push(v);
        skipWs();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        fail(`found '${s[i] ?? ''}', expected: ',', ')'`);
      }
      reqs.push({ key, operator: op, values });
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') fail(`found '${s[i]}', expected: ','`);
      i++;
    }
  }
  return new Selector(reqs);
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function validateLabelKey(key: string, fail: (m: string) => never): void {
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) fail(`invalid label key "${key}"`);
}

/** metav1.LabelSelector → Selector (LabelSelectorAsSelector). An absent selector matches nothing. */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (!ls) return Selector.nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key: k, operator: 'Equals', values: [v] });
  for (const e of ls.matchExpressions ?? []) {
    const op = e.operator as Operator;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    reqs.push({ key: e.key, operator: op, values: [...(e.values ?? [])] });
  }
  return new Selector(reqs);
}
