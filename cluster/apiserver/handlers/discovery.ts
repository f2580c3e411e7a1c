/**
 * API discovery: the aggregated documents (apidiscovery.k8s.io/v2 and v2beta1, KEP-3352)
 * kubectl asks for first, and the legacy APIVersions / APIGroupList / APIGroup /
 * APIResourceList it falls back to. The core group appears only under /api, named
 * groups only under /apis. Built from the registry and cached until it changes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo, SubresourceName } from '../resources/catalog.js';
import type { ResourceRegistry } from '../resources/registry.js';

interface SubresourceShape {
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

function subresourceShape(r: ResourceInfo, sub: SubresourceName): SubresourceShape {
  const same = { group: r.group, version: r.version, kind: r.kind };
  switch (sub) {
    case 'status':
    case 'ephemeralcontainers':
    case 'resize':
    case 'approval':
      return { ...same, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'log':
      return { ...same, verbs: ['get'] };
    case 'exec':
      return { group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'proxy':
      return { group: '', version: 'v1', kind: `${r.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'token':
      return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
    case 'finalize':
      return { ...same, verbs: ['update'] };
  }
}

interface Docs {
  generation: number;
  aggregatedCore: string;
  aggregatedGroups: string;
  legacyApi: string;
  legacyGroups: string;
  groups: Map<string, string>;
  resourceLists: Map<string, string>;
  etag: (body: string) => string;
}

const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

export class Discovery {
  private docs: Docs | undefined;

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly serverAddress: () => string,
  ) {}

  private build(): Docs {
    const served = this.registry.all().map((s) => s.info);
    // Group → versions → resources, in catalogue order.
    const groups = new Map<string, Map<string, ResourceInfo[]>>();
    for (const r of served) {
      let versions = groups.get(r.group);
      if (!versions) groups.set(r.group, (versions = new Map()));
      let list = versions.get(r.version);
      if (!list) versions.set(r.version, (list = []));
      list.push(r);
    }
    const aggregatedItem = (group: string, versions: Map<string, ResourceInfo[]>) => ({
      metadata: group ? { name: group } : {},
      versions: [...versions].map(([version, resources]) => ({
        version,
        resources: resources.map((r) => ({
          resource: r.resource,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: [...r.verbs].sort(),
          ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
          ...(r.categories.length ? { categories: r.categories } : {}),
          ...(r.subresources.length
            ? {
                subresources: r.subresources.map((s) => {
                  const sh = subresourceShape(r, s);
                  return { subresource: s, responseKind: { group: sh.group, version: sh.version, kind: sh.kind }, verbs: sh.verbs };
                }),
              }
            : {}),
        })),
        freshness: 'Current',
      })),
    });
    const core = groups.get('') ?? new Map<string, ResourceInfo[]>();
    const named = [...groups].filter(([g]) => g !== '');
    const aggregatedCore = JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: core.size ? [aggregatedItem('', core)] : [] });
    const aggregatedGroups = JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: named.map(([g, v]) => aggregatedItem(g, v)) });
    const address = this.serverAddress();
    const legacyApi = JSON.stringify({ kind: 'APIVersions', versions: [...core.keys()], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] });
    const groupDoc = (g: string, versions: Map<string, ResourceInfo[]>) => {
      const vs = [...versions.keys()].map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
      return { name: g, versions: vs, preferredVersion: vs[0] };
    };
    const legacyGroups = JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: named.map(([g, v]) => groupDoc(g, v)) });
    const groupDocs = new Map(named.map(([g, v]) => [g, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g, v) })]));
    const resourceLists = new Map<string, string>();
    for (const [g, versions] of groups) {
      for (const [v, resources] of versions) {
        const gv = g ? `${g}/${v}` : v;
        const list: object[] = [];
        for (const r of resources) {
          list.push({
            name: r.resource,
            singularName: r.singular,
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: [...r.verbs].sort(),
            ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
            ...(r.categories.length ? { categories: r.categories } : {}),
          });
          for (const s of r.subresources) {
            const sh = subresourceShape(r, s);
            list.push({ name: `${r.resource}/${s}`, singularName: '', namespaced: r.namespaced, ...(sh.group !== r.group || sh.version !== r.version ? { group: sh.group, version: sh.version } : {}), kind: sh.kind, verbs: sh.verbs });
          }
        }
        resourceLists.set(gv, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: list }));
      }
    }
    return {
      generation: this.registry.generation,
      aggregatedCore,
      aggregatedGroups,
      legacyApi,
      legacyGroups,
      groups: groupDocs,
      resourceLists,
      etag: (body) => `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
    };
  }

  private current(): Docs {
    if (!this.docs || this.docs.generation !== this.registry.generation) this.docs = this.build();
    return this.docs;
  }

  /** Serves /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>; returns false when the path is none of them. */
  serve(req: IncomingMessage, res: ServerResponse, d: { apiPrefix: 'api' | 'apis'; group?: string; version?: string }): boolean {
    const docs = this.current();
    const accept = req.headers.accept ?? '';
    let body: string | undefined;
    let contentType = 'application/json';
    if (d.apiPrefix === 'api' && !d.version) {
      const agg = wantsAggregated(accept);
      body = agg ? withVersion(docs.aggregatedCore, agg) : docs.legacyApi;
      if (agg) contentType = agg === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1;
    } else if (d.apiPrefix === 'apis' && !d.group) {
      const agg = wantsAggregated(accept);
      body = agg ? withVersion(docs.aggregatedGroups, agg) : docs.legacyGroups;
      if (agg) contentType = agg === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1;
    } else if (d.apiPrefix === 'apis' && d.group && !d.version) {
      body = docs.groups.get(d.group);
    } else {
      const gv = d.apiPrefix === 'api' ? d.version! : `${d.group}/${d.version}`;
      body = docs.resourceLists.get(gv);
    }
    if (body === undefined) return false;
    const etag = docs.etag(body);
    const headers = { 'Content-Type': contentType, ETag: etag, Vary: 'Accept', 'Cache-Control': 'no-cache, private' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
}

function wantsAggregated(accept: string): 'v2' | 'v2beta1' | undefined {
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (!p.includes('as=APIGroupDiscoveryList') || !p.includes('g=apidiscovery.k8s.io')) continue;
    if (p.includes('v=v2beta1')) return 'v2beta1';
    if (p.includes('v=v2')) return 'v2';
  }
  return undefined;
}

function withVersion(body: string, v: 'v2' | 'v2beta1'): string {
  return v === 'v2' ? body : body.replace('"apiVersion":"apidiscovery.k8s.io/v2"', '"apiVersion":"apidiscovery.k8s.io/v2beta1"');
}
