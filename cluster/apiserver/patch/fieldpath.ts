// Sets of field paths as structured-merge-diff keeps them for metadata.managedFields, with
// their FieldsV1 wire form: `f:<field>`, `k:<json of list-map keys>`, `v:<json of set value>`,
// `i:<index>`; a node that is itself a member and has children carries `".": {}`.
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

/** One path element in FieldsV1 spelling, e.g. 'f:spec' or 'k:{"name":"nginx"}'. */
export type PathElement = string;
export type FieldPath = PathElement[];

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromFieldsV1(v: JsonValue | undefined, isRoot = true): FieldSet {
    const s = new FieldSet();
    if (!isJsonObject(v)) return s;
    for (const [k, child] of Object.entries(v)) {
      if (k === '.') s.member = true;
      else s.children.set(k, FieldSet.fromFieldsV1(child, false));
    }
    // `{}` is a leaf member; a node with children is a member only when it carries ".".
    if (!isRoot && s.children.size === 0) s.member = true;
    return s;
  }

  static fromPaths(paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  node(path: FieldPath): FieldSet | undefined {
    if (path.length === 0) return this;
    const next = this.children.get(path[0]);
    return next?.node(path.slice(1));
  }

  insert(path: FieldPath): void {
    if (path.length === 0) this.member = true;
    else this.child(path[0]).insert(path.slice(1));
  }

  has(path: FieldPath): boolean {
    return this.node(path)?.member === true;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Member paths, in FieldsV1 order. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    if (this.member && prefix.length > 0) out.push(prefix);
    for (const pe of sortedElements(this.children.keys())) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }

  clone(): FieldSet {
    return FieldSet.fromPaths(this.paths());
  }

  union(other: FieldSet): FieldSet {
    return FieldSet.fromPaths([...this.paths(), ...other.paths()]);
  }

  difference(other: FieldSet): FieldSet {
    return FieldSet.fromPaths(this.paths().filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.fromPaths(this.paths().filter((p) => other.has(p)));
  }

  equals(other: FieldSet): boolean {
    const a = this.paths().map((p) => JSON.stringify(p));
    const b = other.paths().map((p) => JSON.stringify(p));
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    for (const pe of sortedElements(this.children.keys())) {
      const c = this.children.get(pe)!;
      if (c.isEmpty()) continue;
      const body = c.toFieldsV1();
      out[pe] = c.member && Object.keys(body).length > 0 ? { '.': {}, ...body } : body;
    }
    return out;
  }
}

const ELEMENT_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff orders field names, then keys, then values, then indices. */
function sortedElements(keys: Iterable<PathElement>): PathElement[] {
  return [...keys].sort((a, b) => {
    const ta = ELEMENT_ORDER[a[0]] ?? 9;
    const tb = ELEMENT_ORDER[b[0]] ?? 9;
    if (ta !== tb) return ta - tb;
    if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{"containerPort":80,"protocol":"TCP"}`: key fields sorted by name. */
export function keyElement(keys: Record<string, JsonValue>): PathElement {
  const sorted: JsonObject = {};
  for (const k of Object.keys(keys).sort()) sorted[k] = keys[k];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(v: JsonValue): PathElement {
  return `v:${JSON.stringify(v)}`;
}

/** structured-merge-diff value.ToString: strings quoted, numbers and bools bare. */
function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  if (isJsonObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueToString(x)}`).join('');
  return String(v);
}

/** Human form used in conflict messages: `.spec.containers[name="nginx"].image`. */
export function pathToString(path: FieldPath): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as JsonObject;
          return `[${Object.keys(keys)
            .map((k) => `${k}=${valueToString(keys[k])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${valueToString(JSON.parse(body) as JsonValue)}]`;
        case 'i':
          return `[${body}]`;
        default:
          return '{{invalid path element}}';
      }
    })
    .join('');
}
