/**
 * Which resource serves the scale subresource of a `{apiVersion, kind}` (the RESTMapper
 * lookup the HPA and disruption controllers make before reading `.../scale`). The
 * built-in workloads are known; anything else (custom resources with a scale
 * subresource) is looked up once per group-version through discovery.
 */
import type { GVR, RestClient } from '../../client/index.js';
import { DEPLOYMENTS, REPLICASETS, REPLICATIONCONTROLLERS, STATEFULSETS } from '../../client/index.js';

interface APIResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

const BUILTIN: Record<string, GVR> = {
  'apps/Deployment': DEPLOYMENTS,
  'apps/ReplicaSet': REPLICASETS,
  'apps/StatefulSet': STATEFULSETS,
  // extensions/v1beta1 kinds are served by apps/v1 today.
  'extensions/Deployment': DEPLOYMENTS,
  'extensions/ReplicaSet': REPLICASETS,
  '/ReplicationController': REPLICATIONCONTROLLERS,
};

/** `apps/v1` → { group: 'apps', version: 'v1' }; `v1` → core. */
export function parseGroupVersion(apiVersion: string | undefined): { group: string; version: string } {
  const gv = apiVersion ?? '';
  if (!gv) return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] };
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`unexpected GroupVersion string: ${gv}`);
  return { group: parts[0], version: parts[1] };
}

export class ScaleResolver {
  private readonly discovered = new Map<string, Promise<APIResourceList>>();

  constructor(private readonly client: RestClient) {}

  /** The resource to read `scale` from; throws (as a RESTMapper's NoKindMatchError) when none serves it. */
  async resolve(apiVersion: string | undefined, kind: string): Promise<GVR> {
    const { group, version } = parseGroupVersion(apiVersion);
    const known = BUILTIN[`${group}/${kind}`];
    if (known) return known;
    if (!version) throw new Error(`no matches for kind "${kind}" in group "${group}"`);
    const gv = group ? `${group}/${version}` : version;
    let list = this.discovered.get(gv);
    if (!list) {
      list = this.client.request<APIResourceList>('GET', group ? `/apis/${gv}` : `/api/${gv}`);
      this.discovered.set(gv, list);
      // A failed lookup is not remembered: the group may appear later (a CRD being installed).
      list.catch(() => this.discovered.delete(gv));
    }
    const resources = (await list.catch(() => ({}) as APIResourceList)).resources ?? [];
    const main = resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!main || !resources.some((r) => r.name === `${main.name}/scale`)) {
      this.discovered.delete(gv);
      throw new Error(`no matches for kind "${kind}" in version "${gv}"`);
    }
    return { group, version, resource: main.name, kind, namespaced: main.namespaced };
  }
}
