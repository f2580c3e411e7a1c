/**
 * Discovery as kubectl's legacy path does it: /api/v1 for the core group, /apis for the
 * groups and their preferred versions, then /apis/<group>/<version> for each. Subresources
 * (`pods/log`) and kinds that cannot be listed are left out.
 */
import type { RestClient } from '../client/rest-client.js';
import type { ResourceKind } from './explorer-api.js';

interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
  shortNames?: string[];
}
interface APIResourceList {
  resources?: APIResource[];
}
interface APIGroupList {
  groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
}

function kindsOf(group: string, version: string, list: APIResourceList): ResourceKind[] {
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/') && (r.verbs ?? []).includes('list'))
    .map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [], shortNames: r.shortNames ?? [] }));
}

export async function discoverResources(client: RestClient): Promise<ResourceKind[]> {
  const core = await client.request<APIResourceList>('GET', '/api/v1');
  const groups = await client.request<APIGroupList>('GET', '/apis');
  const named = await Promise.all(
    (groups.groups ?? []).map(async (g) => {
      const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
      if (!version) return [];
      const list = await client.request<APIResourceList>('GET', `/apis/${g.name}/${version}`).catch(() => ({}));
      return kindsOf(g.name, version, list);
    }),
  );
  return [...kindsOf('', 'v1', core), ...named.flat()];
}
