/**
 * Resource discovery through the API (client-go's discovery.ServerPreferredResources):
 * every group's preferred version, its resources without subresources, with their verbs.
 * Used by the namespace controller (what to delete in a namespace) and the garbage
 * collector (what to watch). A group that fails to answer is reported, not fatal, as
 * upstream's ErrGroupDiscoveryFailed.
 */
import type { GVR, RestClient } from '../../client/index.js';

export interface DiscoveredResource extends GVR {
  readonly verbs: readonly string[];
}

interface APIResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
}

export interface APIResourceList {
  groupVersion: string;
  resources?: APIResource[];
}

interface APIGroupList {
  groups?: Array<{ name: string; preferredVersion?: { groupVersion: string; version: string }; versions?: Array<{ groupVersion: string; version: string }> }>;
}

export interface DiscoveryResult {
  resources: DiscoveredResource[];
  /** groupVersion → why it could not be read. */
  failed: Map<string, string>;
}

/** The resources of one APIResourceList, subresources (`pods/status`) left out. */
export function resourcesFromList(list: APIResourceList): DiscoveredResource[] {
  const [group, version] = list.groupVersion.includes('/') ? list.groupVersion.split('/') : ['', list.groupVersion];
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => Object.freeze({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: Object.freeze([...(r.verbs ?? [])]) }));
}

/** True when the resource supports every verb named. */
export function supports(r: DiscoveredResource, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}

export async function discoverResources(client: RestClient, signal?: AbortSignal): Promise<DiscoveryResult> {
  const failed = new Map<string, string>();
  const versions = ['v1'];
  const groups = await client.request<APIGroupList>('GET', '/apis', { signal });
  for (const g of groups.groups ?? []) {
    const gv = g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion;
    if (gv) versions.push(gv);
  }
  const lists = await Promise.all(
    versions.map(async (gv) => {
      try {
        return await client.request<APIResourceList>('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`, { signal });
      } catch (err) {
        failed.set(gv, (err as Error).message);
        return undefined;
      }
    }),
  );
  return { resources: lists.flatMap((l) => (l ? resourcesFromList(l) : [])), failed };
}
