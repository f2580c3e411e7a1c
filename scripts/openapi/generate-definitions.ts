/**
 * Generates resources/openapi/definitions.json: the Kubernetes OpenAPI v2 `definitions` our API server serves
 * and validates against. Run: `npx tsx scripts/openapi/generate-definitions.ts` (output is committed).
 *
 * Why generated: no npm package ships a recent (>= 1.30) upstream swagger.json / OpenAPI v3 JSON (checked:
 * kubernetes-models ships compiled validators only, kubernetes-client stops at 1.13, kubernetes-types is .d.ts only).
 * So the schema set is rebuilt from what npm packages ship:
 *   - @kubernetes/client-node (generated from the v1.34 spec): every model's properties, wire names, types and
 *     formats (`attributeTypeMap`), required fields and descriptions (its .d.ts);
 *   - kubernetes-types (1.30): which API package (core/v1, apps/v1, meta/v1...) a model lives in, and which fields
 *     are `resource.Quantity` (client-node flattens those to string);
 *   - ./extensions.ts: x-kubernetes-patch-strategy / patch-merge-key / list-type / list-map-keys (Go struct tags
 *     upstream; no package ships them) and the GVK of each root kind.
 * Only the definitions reachable from the kinds Kubarium serves (catalog.ts) plus a few meta types are emitted.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { BUILTIN_RESOURCES } from '../../cluster/apiserver/resources/catalog.js';
import { FIELD_EXTENSIONS, EXTRA_ROOTS, ANY_FIELD_REFS, RAW_DEFINITIONS } from './extensions.js';

type Schema = Record<string, unknown>;
interface Attr { name: string; baseName: string; type: string; format: string }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));
const clientNodeDir = path.dirname(require.resolve('@kubernetes/client-node/package.json'));
const modelsDir = path.join(clientNodeDir, 'dist/gen/models');
const typesDir = path.dirname(require.resolve('kubernetes-types/package.json'));

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** kubernetes-types directory (core, apps, meta...) -> definition name prefix upstream uses. */
function packagePrefix(dir: string, version: string): string {
  if (dir === 'meta') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  if (dir === 'apiextensions') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  return `io.k8s.api.${dir}.${version}`;
}

/** API group -> kubernetes-types directory. */
function dirOfGroup(group: string): string {
  if (group === '') return 'core';
  return group.split('.')[0];
}

/** The `/** ... *\/` comment right before a node, without comment markers. */
function jsDocText(text: string, node: ts.Node): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const last = ranges.at(-1);
  if (!last) return undefined;
  const raw = text.slice(last.pos, last.end);
  if (!raw.startsWith('/**')) return undefined;
  const body = raw.replace(/^\/\*\*/, '').replace(/\*\/$/, '').split('\n').map((l) => l.replace(/^\s*\*\s?/, '')).join('\n');
  return body.replace(/\\(['"\\])/g, '$1').trim() || undefined;
}

// ---- kubernetes-types index: interface name -> dirs; Quantity-typed fields ----
const interfaceDirs = new Map<string, string[]>(); // `${version}/${Name}` -> dirs
const quantityFields = new Set<string>(); // `${dir}/${version}/${Name}.${field}` (scalar or map)
/** Field docs from kubernetes-types: client-node omits the description of fields whose type is another model. */
const typesFieldDocs = new Map<string, string>(); // `${dir}/${version}/${Name}.${field}`
for (const dir of readdirSync(typesDir)) {
  const full = path.join(typesDir, dir);
  let files: string[];
  try { files = readdirSync(full).filter((f) => f.endsWith('.d.ts')); } catch { continue; }
  for (const file of files) {
    const version = file.replace(/\.d\.ts$/, '');
    const text = readFileSync(path.join(full, file), 'utf8');
    const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    for (const st of src.statements) {
      if (!ts.isInterfaceDeclaration(st)) continue;
      const name = st.name.text;
      const key = `${version}/${name}`;
      interfaceDirs.set(key, [...(interfaceDirs.get(key) ?? []), dir]);
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const fieldKey = `${dir}/${version}/${name}.${m.name.getText(src)}`;
        if (/\bQuantity\b/.test(m.type.getText(src))) quantityFields.add(fieldKey);
        const doc = jsDocText(text, m);
        if (doc) typesFieldDocs.set(fieldKey, doc);
      }
    }
  }
}

// ---- client-node models ----
interface Model { cls: string; attrs: Attr[]; required: Set<string>; description?: string; fieldDocs: Map<string, string> }

async function loadModel(cls: string): Promise<Model> {
  const mod = (await import(pathToFileURL(path.join(modelsDir, `${cls}.js`)).href)) as Record<string, { attributeTypeMap?: Attr[] }>;
  const attrs = mod[cls]?.attributeTypeMap ?? [];
  const dts = readFileSync(path.join(modelsDir, `${cls}.d.ts`), 'utf8');
  const src = ts.createSourceFile(`${cls}.d.ts`, dts, ts.ScriptTarget.Latest, true);
  const required = new Set<string>();
  const fieldDocs = new Map<string, string>();
  let description: string | undefined;
  const docOf = (node: ts.Node): string | undefined => jsDocText(dts, node);
  for (const st of src.statements) {
    if (!ts.isClassDeclaration(st) || st.name?.text !== cls) continue;
    description = docOf(st);
    for (const m of st.members) {
      if (!ts.isPropertyDeclaration(m)) continue;
      const name = m.name.getText(src).replace(/^['"]|['"]$/g, '');
      if (!m.questionToken) required.add(name);
      const d = docOf(m);
      if (d) fieldDocs.set(name, d);
    }
  }
  return { cls, attrs, required, description, fieldDocs };
}

/** Class name -> { version, name, explicit dir from a group prefix }. */
function parseClass(cls: string): { version: string; name: string; dir?: string } {
  const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z].*)$/.exec(cls);
  if (!m) throw new Error(`unexpected model class ${cls}`);
  const version = m[2].toLowerCase();
  return { version, name: m[3], dir: m[1] ? m[1].toLowerCase() : undefined };
}

const defs = new Map<string, Schema>();
const classToDef = new Map<string, string>();
const queue: { cls: string; dir: string }[] = [];

function defNameFor(cls: string, parentDir: string): string {
  const known = classToDef.get(cls);
  if (known) return known;
  const { version, name, dir } = parseClass(cls);
  let chosen = dir;
  if (!chosen) {
    const dirs = interfaceDirs.get(`${version}/${name}`) ?? [];
    chosen = dirs.length === 1 ? dirs[0] : dirs.includes(parentDir) ? parentDir : dirs.includes('meta') ? 'meta' : (dirs[0] ?? parentDir);
  }
  const def = `${packagePrefix(chosen, version)}.${name}`;
  classToDef.set(cls, def);
  queue.push({ cls, dir: chosen });
  return def;
}

function ref(def: string): Schema {
  return { $ref: `#/definitions/${def}` };
}

function schemaOfType(type: string, format: string, ctx: { dir: string; isQuantity: boolean }): Schema {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return { type: 'array', items: schemaOfType(arr[1], format, ctx) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: schemaOfType(map[1], format, ctx) };
  switch (type) {
    case 'string':
      if (ctx.isQuantity) return ref(QUANTITY);
      if (format === 'date-time') return ref(`${META}.Time`);
      if (format === 'date-time-micro') return ref(`${META}.MicroTime`);
      return format ? { type: 'string', format } : { type: 'string' };
    case 'Date':
      return ref(format === 'date-time-micro' ? `${META}.MicroTime` : `${META}.Time`);
    case 'number':
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format ? { type: 'number', format } : { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'IntOrString':
      return ref(INT_OR_STRING);
    case 'V1MicroTime':
      return ref(`${META}.MicroTime`);
    case 'any':
      return {};
    default:
      return ref(defNameFor(type, ctx.dir));
  }
}

async function build(cls: string, dir: string): Promise<void> {
  const def = classToDef.get(cls)!;
  if (defs.has(def)) return;
  const model = await loadModel(cls);
  const { version, name } = parseClass(cls);
  const properties: Record<string, Schema> = {};
  const sorted = [...model.attrs].sort((a, b) => (a.baseName < b.baseName ? -1 : a.baseName > b.baseName ? 1 : 0));
  const placeholder: Schema = {};
  defs.set(def, placeholder);
  for (const a of sorted) {
    const isQuantity = quantityFields.has(`${dir}/${version}/${name}.${a.baseName}`);
    const anyRef = ANY_FIELD_REFS[`${def}.${a.baseName}`];
    let s: Schema = anyRef ?? schemaOfType(a.type, a.format, { dir, isQuantity });
    const doc = model.fieldDocs.get(a.name) ?? typesFieldDocs.get(`${dir}/${version}/${name}.${a.baseName}`);
    // Upstream v2 puts a description beside $ref; keep it the same way.
    if (doc) s = { ...s, description: doc };
    Object.assign(s, FIELD_EXTENSIONS[`${def}.${a.baseName}`] ?? {});
    properties[a.baseName] = s;
  }
  const schema: Schema = {};
  if (model.description) schema.description = model.description;
  schema.type = 'object';
  const required = model.attrs.filter((a) => model.required.has(a.name)).map((a) => a.baseName).sort();
  if (required.length) schema.required = required;
  schema.properties = properties;
  Object.assign(placeholder, schema);
}

// Roots: every kind and list kind in the catalog, plus extras (Scale, Eviction, Status, DeleteOptions...).
const gvkOf = new Map<string, { group: string; version: string; kind: string }[]>();
function classForKind(group: string, version: string, kind: string): string {
  const V = version[0].toUpperCase() + version.slice(1);
  const plain = `${V}${kind}`;
  const prefixed = `${dirOfGroup(group)[0].toUpperCase()}${dirOfGroup(group).slice(1)}${V}${kind}`;
  for (const c of [prefixed, plain]) {
    try { readFileSync(path.join(modelsDir, `${c}.d.ts`)); return c; } catch { /* next */ }
  }
  throw new Error(`no client-node model for ${group}/${version} ${kind}`);
}
const roots: { cls: string; dir: string; gvk?: { group: string; version: string; kind: string } }[] = [];
for (const r of BUILTIN_RESOURCES) {
  for (const kind of [r.kind, r.listKind]) {
    let cls: string;
    try { cls = classForKind(r.group, r.version, kind); } catch (e) { if (kind === r.listKind) continue; throw e; }
    roots.push({ cls, dir: dirOfGroup(r.group), gvk: { group: r.group, version: r.version, kind } });
  }
}
for (const x of EXTRA_ROOTS) roots.push({ cls: classForKind(x.group, x.version, x.kind), dir: x.dir, gvk: x.gvk ? { group: x.group, version: x.version, kind: x.kind } : undefined });

for (const r of roots) {
  const parsed = parseClass(r.cls);
  const def = `${packagePrefix(parsed.dir ?? r.dir, parsed.version)}.${parsed.name}`;
  classToDef.set(r.cls, def);
  queue.push({ cls: r.cls, dir: parsed.dir ?? r.dir });
  if (r.gvk) gvkOf.set(def, [...(gvkOf.get(def) ?? []), r.gvk]);
}
while (queue.length) {
  const { cls, dir } = queue.shift()!;
  await build(cls, dir);
}
for (const [name, schema] of Object.entries(RAW_DEFINITIONS)) defs.set(name, schema);
for (const [def, gvks] of gvkOf) {
  const s = defs.get(def);
  if (s) s['x-kubernetes-group-version-kind'] = gvks.filter((g, i) => gvks.findIndex((o) => o.group === g.group && o.version === g.version && o.kind === g.kind) === i);
}
// WatchEvent, DeleteOptions and Status are served for every group upstream; they carry one GVK per group-version.
const allGVs = [...new Map(BUILTIN_RESOURCES.map((r) => [`${r.group}/${r.version}`, r])).values()];
for (const k of ['WatchEvent', 'DeleteOptions']) {
  const s = defs.get(`${META}.${k}`);
  if (s) s['x-kubernetes-group-version-kind'] = allGVs.map((r) => ({ group: r.group, version: r.version, kind: k }));
}

// Every $ref must resolve (kubectl's proto model parser fails on dangling references).
const text = JSON.stringify(Object.fromEntries([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))));
for (const m of text.matchAll(/"#\/definitions\/([^"]+)"/g)) if (!defs.has(m[1])) throw new Error(`dangling $ref ${m[1]}`);

const clientNodeVersion = (JSON.parse(readFileSync(path.join(clientNodeDir, 'package.json'), 'utf8')) as { version: string }).version;
const out = {
  kubernetesVersion: 'v1.34.0',
  generatedFrom: `@kubernetes/client-node ${clientNodeVersion} + kubernetes-types + scripts/openapi/extensions.ts`,
  definitions: JSON.parse(text) as Record<string, Schema>,
};
mkdirSync(path.join(root, 'resources/openapi'), { recursive: true });
writeFileSync(path.join(root, 'resources/openapi/definitions.json'), JSON.stringify(out) + '\n');
console.log(`wrote ${defs.size} definitions`);
