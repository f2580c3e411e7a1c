/**
 * Serves the OpenAPI documents the routes /openapi/v2, /openapi/v3 and /openapi/v3/<gv> return.
 * Documents are built lazily, cached, and rebuilt only when the set of custom resources changes; ETags are
 * content hashes (upstream uses SHA-512 hex of the document, upper case) so kubectl's caches invalidate.
 */
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../resources/catalog.js';
import type { CustomResourceSchema, JSONSchema } from './definitions.js';
import { builtinDefinitions, customResourceDefinitionName, gvkKey, indexByGVK, kubernetesVersion } from './definitions.js';
import { customResourceDefinitions } from './custom-resources.js';
import type { PathResource, PathSpec } from './paths.js';
import { PATCH_BODY, PATCH_DEFINITION, pathsForResource } from './paths.js';
import { buildV2Document, encodeV2Protobuf } from './v2-document.js';
import { buildV3Document } from './v3-document.js';

/** What client-go sends for the v2 protobuf form; kube-apiserver answers with the content type below. */
export const V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export interface OpenAPIV2Response {
  body: Buffer;
  contentType: string;
  /** Quoted strong ETag, ready for the `ETag` header. */
  etag: string;
}

export interface OpenAPIV3Response {
  body: Buffer;
  /** Quoted strong ETag, ready for the `ETag` header; the unquoted value is the index's `hash` query param. */
  etag: string;
}

export interface OpenAPIV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenAPIService {
  /** /openapi/v2: gnostic protobuf when `accept` asks for it, JSON otherwise. */
  v2(accept: string): OpenAPIV2Response;
  /** /openapi/v3: `{ paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=...' }, ... } }`. */
  v3Index(): OpenAPIV3Index;
  /** /openapi/v3/<path> with path `api/v1` or `apis/<group>/<version>` (no leading slash, no query); undefined = 404. */
  v3GroupVersion(path: string): OpenAPIV3Response | undefined;
  /** Replace the set of CRD-served kinds; documents are rebuilt lazily and their ETags change. */
  setCustomResources(defs: readonly CustomResourceSchema[]): void;
}

function hashOf(body: Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function wantsProtobuf(accept: string): boolean {
  return /application\/com\.github\.proto-openapi\.spec\.v2/i.test(accept);
}

export function createOpenAPIService(resources: readonly ResourceInfo[]): OpenAPIService {
  const builtins = builtinDefinitions();
  const byGVK = indexByGVK(builtins);
  let crds: readonly CustomResourceSchema[] = [];

  let v2Json: OpenAPIV2Response | undefined;
  let v2Proto: OpenAPIV2Response | undefined;
  let v2Doc: Record<string, unknown> | undefined;
  let v3Docs: Map<string, OpenAPIV3Response | null> | undefined;
  let allPaths: Map<string, PathSpec[]> | undefined; // gv path -> paths
  let v3Definitions: Record<string, JSONSchema> | undefined;

  function pathResources(): PathResource[] {
    const out: PathResource[] = [];
    for (const r of resources) {
      const definition = byGVK.get(gvkKey({ group: r.group, version: r.version, kind: r.kind }));
      if (!definition) continue;
      out.push({
        group: r.group,
        version: r.version,
        resource: r.resource,
        kind: r.kind,
        namespaced: r.namespaced,
        verbs: r.verbs,
        subresources: r.subresources,
        definition,
        listDefinition: byGVK.get(gvkKey({ group: r.group, version: r.version, kind: r.listKind })),
      });
    }
    for (const c of crds) {
      const definition = customResourceDefinitionName(c.group, c.version, c.kind);
      const subresources: string[] = [];
      if (c.subresources?.status) subresources.push('status');
      if (c.subresources?.scale) subresources.push('scale');
      out.push({
        group: c.group,
        version: c.version,
        resource: c.plural,
        kind: c.kind,
        namespaced: c.namespaced,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        subresources,
        definition,
        listDefinition: `${definition}List`,
      });
    }
    return out;
  }

  function paths(): Map<string, PathSpec[]> {
    if (!allPaths) {
      allPaths = new Map();
      for (const r of pathResources()) {
        const key = gvPath(r.group, r.version);
        allPaths.set(key, [...(allPaths.get(key) ?? []), ...pathsForResource(r)]);
      }
    }
    return allPaths;
  }

  function definitions(v2: boolean): Record<string, JSONSchema> {
    return { ...builtins, [PATCH_BODY]: PATCH_DEFINITION, ...customResourceDefinitions(crds, v2) };
  }

  function v2Document(): Record<string, unknown> {
    v2Doc ??= buildV2Document(kubernetesVersion(), [...paths().values()].flat(), definitions(true));
    return v2Doc;
  }

  function v3Cache(): Map<string, OpenAPIV3Response | null> {
    v3Docs ??= new Map();
    return v3Docs;
  }

  function v3For(path: string): OpenAPIV3Response | undefined {
    const cache = v3Cache();
    const cached = cache.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const gvPaths = paths().get(path);
    if (!gvPaths) return undefined;
    v3Definitions ??= definitions(false);
    const body = Buffer.from(JSON.stringify(buildV3Document(kubernetesVersion(), gvPaths, v3Definitions)));
    const built = { body, etag: `"${hashOf(body)}"` };
    cache.set(path, built);
    return built;
  }

  return {
    v2(accept) {
      let out: OpenAPIV2Response;
      if (wantsProtobuf(accept)) {
        if (!v2Proto) {
          const body = encodeV2Protobuf(v2Document());
          v2Proto = { body, contentType: V2_PROTOBUF_CONTENT_TYPE, etag: `"${hashOf(body)}"` };
        }
        out = v2Proto;
      } else {
        if (!v2Json) {
          const body = Buffer.from(JSON.stringify(v2Document()));
          v2Json = { body, contentType: 'application/json', etag: `"${hashOf(body)}"` };
        }
        out = v2Json;
      }
      if (v2Json && v2Proto) v2Doc = undefined; // both encodings cached: the object form is no longer needed
      return out;
    },
    v3Index() {
      const out: OpenAPIV3Index = { paths: {} };
      for (const key of [...paths().keys()].sort()) {
        const doc = v3For(key);
        if (doc) out.paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.etag.slice(1, -1)}` };
      }
      return out;
    },
    v3GroupVersion(path) {
      return v3For(path.replace(/^\/+/, '').replace(/\?.*$/, '').replace(/\/+$/, ''));
    },
    setCustomResources(defs) {
      crds = [...defs];
      v2Json = v2Proto = undefined;
      v2Doc = undefined;
      v3Docs = undefined;
      allPaths = undefined;
      v3Definitions = undefined;
    },
  };
}
