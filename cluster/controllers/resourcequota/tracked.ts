/**
 * Which resources a quota's hard names need watched (the quota monitor's registry of
 * evaluators), and how a `count/<resource>.<group>` name finds its resource: the
 * built-in GVRs first, then discovery for anything else (custom resources).
 */
import * as gvrs from '../../client/gvr.js';
import type { GVR, RestClient } from '../../client/index.js';
import { isPodName } from './usage.js';

export interface GroupResource {
  group: string;
  resource: string;
}

const STORAGE_CLASS = /\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/;

const LEGACY: Record<string, string> = {
  services: 'services',
  'services.nodeports': 'services',
  'services.loadbalancers': 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  'requests.storage': 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

/** The resource whose objects a quota name counts, or undefined for names nothing answers. */
export function resourceForName(name: string): GroupResource | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  }
  if (LEGACY[name]) return { group: '', resource: LEGACY[name] };
  if (STORAGE_CLASS.test(name)) return { group: '', resource: 'persistentvolumeclaims' };
  if (isPodName(name)) return { group: '', resource: 'pods' };
  return undefined;
}

/** The distinct resources a set of names needs. */
export function resourcesForNames(names: Iterable<string>): GroupResource[] {
  const out = new Map<string, GroupResource>();
  for (const n of names) {
    const gr = resourceForName(n);
    if (gr) out.set(`${gr.resource}.${gr.group}`, gr);
  }
  return [...out.values()];
}

const BUILTIN = new Map<string, GVR>(
  Object.values(gvrs)
    .filter((v): v is GVR => typeof v === 'object' && v !== null && 'resource' in v && 'kind' in v)
    .map((g) => [`${g.resource}.${g.group}`, g]),
);

interface APIGroup {
  preferredVersion?: { version: string };
}
interface APIResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

/** Resolves group-resources to GVRs, asking discovery (and remembering the answer) for unknown ones. */
export class ResourceResolver {
  private readonly found = new Map<string, GVR>();

  constructor(private readonly client: RestClient) {}

  async resolve(gr: GroupResource, signal?: AbortSignal): Promise<GVR | undefined> {
    const key = `${gr.resource}.${gr.group}`;
    const known = BUILTIN.get(key) ?? this.found.get(key);
    if (known) return known;
    if (!gr.group) return undefined;
    try {
      const group = await this.client.request<APIGroup>('GET', `/apis/${encodeURIComponent(gr.group)}`, { signal });
      const version = group.preferredVersion?.version;
      if (!version) return undefined;
      const list = await this.client.request<APIResourceList>('GET', `/apis/${encodeURIComponent(gr.group)}/${version}`, { signal });
      const r = list.resources?.find((x) => x.name === gr.resource);
      if (!r || !r.namespaced || !(r.verbs ?? []).includes('watch')) return undefined;
      const gvr: GVR = Object.freeze({ group: gr.group, version, resource: r.name, kind: r.kind, namespaced: true });
      this.found.set(key, gvr);
      return gvr;
    } catch {
      // Not served (yet): the quota's usage for it stays unknown until a later sync.
      return undefined;
    }
  }
}
