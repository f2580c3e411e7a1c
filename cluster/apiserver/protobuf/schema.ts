/**
 * The Kubernetes protobuf schemas (resources/protobuf/kubernetes.json, generated from kubectl's embedded
 * descriptors by scripts/protobuf/extract-descriptors.ts), loaded lazily once, and the lookup of the message type
 * for an (apiVersion, kind).
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { resourcePath } from '../../resources.js';

const SCHEMA_URL = resourcePath('protobuf', 'kubernetes.json');

/** Go's metav1 types: registered in every group version (DeleteOptions, Status, ...), and in meta.k8s.io. */
export const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';
export const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';

let root: protobuf.Root | undefined;
/** "<group short name>.<version>" -> proto package, e.g. "apps.v1" -> "k8s.io.api.apps.v1". */
let packagesByGroupVersion: Map<string, string> | undefined;
const typeCache = new Map<string, protobuf.Type | null>();

export function schemaRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.Root.fromJSON(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
    root.resolveAll();
  }
  return root;
}

/** A message type by its full name (no leading dot), or undefined. */
export function lookupMessage(fullName: string): protobuf.Type | undefined {
  let type = typeCache.get(fullName);
  if (type === undefined) {
    const found = schemaRoot().lookup(fullName);
    type = found instanceof protobuf.Type ? found : null;
    typeCache.set(fullName, type);
  }
  return type ?? undefined;
}

function collectPackages(ns: protobuf.NamespaceBase, out: Map<string, string>): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      // A namespace holding messages is a proto package: k8s.io.api.apps.v1, k8s.io.metrics.pkg.apis.metrics.v1beta1.
      const pkg = ns.fullName.slice(1);
      const parts = pkg.split('.');
      const key = parts.slice(-2).join('.');
      // k8s.io/api packages win over same-named ones elsewhere (k8s.io.apimachinery.pkg.api.resource has no kinds).
      if (!out.has(key) || pkg.startsWith('k8s.io.api.')) out.set(key, pkg);
      return;
    }
    if (nested instanceof protobuf.Namespace) collectPackages(nested, out);
  }
}

/**
 * The proto package of an API group: the group's first DNS label names the Go package (apps, batch,
 * rbac.authorization.k8s.io -> rbac, networking.k8s.io -> networking), the core group is "core", and
 * internal.apiserver.k8s.io is the one upstream exception (package apiserverinternal).
 */
function groupShortName(group: string): string {
  if (group === '') return 'core';
  if (group === 'internal.apiserver.k8s.io') return 'apiserverinternal';
  return group.split('.')[0];
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The full message name for (apiVersion, kind), e.g. ("apps/v1", "Deployment") -> k8s.io.api.apps.v1.Deployment. */
export function messageNameFor(apiVersion: string, kind: string): string | undefined {
  if (!packagesByGroupVersion) {
    packagesByGroupVersion = new Map();
    collectPackages(schemaRoot(), packagesByGroupVersion);
    packagesByGroupVersion.set('meta.v1', META_V1);
  }
  const { group, version } = splitApiVersion(apiVersion);
  const pkg = packagesByGroupVersion.get(`${groupShortName(group)}.${version}`);
  if (pkg && lookupMessage(`${pkg}.${kind}`)) return `${pkg}.${kind}`;
  // metav1.AddToGroupVersion registers DeleteOptions, Status, ListOptions... in every group version.
  if (version === 'v1' && lookupMessage(`${META_V1}.${kind}`)) return `${META_V1}.${kind}`;
  return undefined;
}

/** The message type for (apiVersion, kind); throws a client-facing error for kinds without protobuf. */
export function messageTypeFor(apiVersion: string, kind: string): protobuf.Type {
  const name = messageNameFor(apiVersion, kind);
  const type = name ? lookupMessage(name) : undefined;
  if (!type) throw new Error(`no kind "${kind}" is registered for version "${apiVersion}" in the protobuf scheme`);
  return type;
}
