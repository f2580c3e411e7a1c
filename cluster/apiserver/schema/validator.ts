/**
 * Schema validation for request bodies (built-in kinds and custom resources) as kube-apiserver applies it with
 * `fieldValidation=Strict|Warn|Ignore`, custom-resource pruning, and strategic-merge-patch metadata lookups.
 */
import type { CustomResourceSchema, GroupVersionKind, JSONSchema } from '../openapi/definitions.js';
import { builtinDefinitions, customResourceDefinitionName, gvkKey, indexByGVK } from '../openapi/definitions.js';
import { customResourceDefinitions } from '../openapi/custom-resources.js';
import type { SchemaNode } from './compile.js';
import { SchemaCompiler } from './compile.js';
import { pruneInPlace } from './prune.js';
import type { Cause } from './validate.js';
import { SchemaWalker } from './validate.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface ValidationResult {
  /** Field errors: any cause makes the request invalid (422) whatever the mode. */
  causes: Cause[];
  /**
   * Unknown field paths (`spec.containers[0].imagee`), empty with mode Ignore. Upstream reports each as
   * `unknown field "<path>"`: with Strict a 400 `strict decoding error: ...`, with Warn a `Warning` header.
   */
  unknownFields: string[];
}

export interface ValidateOptions {
  /** Skip `required` checks (e.g. for server-internal status writes that rely on defaulting). */
  skipRequired?: boolean;
}

export interface PatchMeta {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: readonly string[];
}

/** Looks up patch metadata by field path (`spec.template.spec.containers`; list items are passed through). */
export type PatchMetaLookup = (path: string | readonly string[]) => PatchMeta | undefined;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export class SchemaValidator {
  private compiler: SchemaCompiler;
  private byGVK: Map<string, string>;
  private readonly builtins: Readonly<Record<string, JSONSchema>>;
  private customNames = new Set<string>();

  constructor(definitions: Readonly<Record<string, JSONSchema>> = builtinDefinitions()) {
    this.builtins = definitions;
    this.byGVK = indexByGVK(definitions);
    this.compiler = new SchemaCompiler(definitions);
  }

  /** Replace the CRD-served kinds this validator knows; built-in kinds are unaffected. */
  setCustomResources(defs: readonly CustomResourceSchema[]): void {
    const custom = customResourceDefinitions(defs, false);
    this.customNames = new Set(Object.keys(custom));
    const all = { ...this.builtins, ...custom };
    this.byGVK = indexByGVK(all);
    const names = this.customNames;
    this.compiler = new SchemaCompiler(all, (n) => names.has(n));
  }

  /** Whether a schema is known for the kind. */
  has(gvk: GroupVersionKind): boolean {
    return this.byGVK.has(gvkKey(gvk));
  }

  private root(gvk: GroupVersionKind): SchemaNode | undefined {
    const name = this.byGVK.get(gvkKey(gvk));
    return name ? this.compiler.definition(name) : undefined;
  }

  /** Validate `obj` as `gvk`; unknown kinds validate clean (the caller decides whether that is an error). */
  validate(gvk: GroupVersionKind, obj: unknown, mode: FieldValidationMode, opts: ValidateOptions = {}): ValidationResult {
    const node = this.root(gvk);
    if (!node) return { causes: [], unknownFields: [] };
    const walker = new SchemaWalker({ unknown: mode !== 'Ignore', required: !opts.skipRequired }, this.compiler.definition(OBJECT_META));
    walker.walk(node, obj);
    return { causes: walker.causes, unknownFields: walker.unknownFields };
  }

  /**
   * Drop fields the custom resource's schema does not specify, in place, as the apiserver does before storing
   * custom resources. Returns the removed paths. Built-in kinds are left alone (their decoding drops unknowns).
   */
  prune(gvk: GroupVersionKind, obj: unknown): string[] {
    const name = customResourceDefinitionName(gvk.group, gvk.version, gvk.kind);
    if (!this.customNames.has(name)) return [];
    const node = this.compiler.definition(name);
    return node ? pruneInPlace(node, obj, this.compiler.definition(OBJECT_META)) : [];
  }

  /**
   * Built-in kinds: drop, in place, what decoding into the Go type drops (fields its definition lacks), so
   * fieldValidation=Warn and Ignore store the object without them. Custom resources: use prune().
   */
  dropUnknownBuiltin(gvk: GroupVersionKind, obj: unknown): string[] {
    if (this.customNames.has(customResourceDefinitionName(gvk.group, gvk.version, gvk.kind))) return [];
    const node = this.root(gvk);
    return node ? pruneInPlace(node, obj, this.compiler.definition(OBJECT_META)) : [];
  }

  /** Patch metadata lookup for a kind (built-in or custom), or undefined for unknown kinds. */
  patchMeta(gvk: GroupVersionKind): PatchMetaLookup | undefined {
    const root = this.root(gvk);
    if (!root) return undefined;
    return (path) => {
      const parts = typeof path === 'string' ? path.split('.').filter(Boolean) : path;
      let node: SchemaNode | undefined = root;
      for (const part of parts) {
        while (node?.items && !node.properties) node = node.items;
        if (!node) return undefined;
        node = node.properties?.get(part) ?? (node.additional && node.additional !== true ? node.additional : undefined);
      }
      if (!node) return undefined;
      const meta: PatchMeta = {};
      if (node.patchStrategy) meta.patchStrategy = node.patchStrategy;
      if (node.patchMergeKey) meta.patchMergeKey = node.patchMergeKey;
      if (node.listType) meta.listType = node.listType;
      if (node.listMapKeys) meta.listMapKeys = node.listMapKeys;
      return meta;
    };
  }
}

let builtinValidator: SchemaValidator | undefined;

/** The shared validator over built-in definitions (no custom resources). */
export function builtinSchemaValidator(): SchemaValidator {
  builtinValidator ??= new SchemaValidator();
  return builtinValidator;
}

/**
 * Patch metadata for a built-in kind: `patchMetaFor({group:'',version:'v1',kind:'Pod'})('spec.containers')`
 * gives `{ patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }`.
 * For custom resources use `validator.patchMeta(gvk)` on the validator that knows them.
 */
export function patchMetaFor(gvk: GroupVersionKind): PatchMetaLookup | undefined {
  return builtinSchemaValidator().patchMeta(gvk);
}

/** `unknown field "spec.foo"` as upstream strict decoding words it. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

/** The whole field error text: `spec.replicas: Invalid value: ...`. */
export function causeText(c: Cause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}
