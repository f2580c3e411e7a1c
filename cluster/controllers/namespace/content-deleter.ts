/**
 * Deletes everything in one namespace (upstream namespaced_resources_deleter.go's
 * deleteAllContent): for every namespaced resource that can be listed and deleted,
 * deletecollection (or list + delete each when deletecollection is not served), then
 * list what is left to report remaining objects, their finalizers and how long pods
 * still need to terminate.
 */
import type { KubeObject, RestClient } from '../../client/index.js';
import { supports } from './discovery.js';
import type { DiscoveredResource } from './discovery.js';

export interface ContentResult {
  deleteFailures: string[];
  remaining: Map<string, number>;
  finalizers: Map<string, number>;
  /** Seconds until graceful deletions of what remains should be over (pods), 0 if none. */
  estimateSeconds: number;
}

/** `pods`, `deployments.apps`: GroupResource.String(). */
export function groupResource(r: Pick<DiscoveredResource, 'group' | 'resource'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** Remaining-seconds estimate for a deleting object (its deletionTimestamp minus now). */
export function gracefulEstimate(obj: KubeObject, nowMs: number): number {
  const ts = obj.metadata?.deletionTimestamp;
  if (!ts) return obj.metadata?.deletionGracePeriodSeconds ?? 0;
  return Math.max(0, Math.ceil((Date.parse(ts) - nowMs) / 1000));
}

export async function deleteAllContent(client: RestClient, namespace: string, resources: readonly DiscoveredResource[], signal?: AbortSignal): Promise<ContentResult> {
  const result: ContentResult = { deleteFailures: [], remaining: new Map(), finalizers: new Map(), estimateSeconds: 0 };
  const deletable = resources.filter((r) => r.namespaced && supports(r, 'list', 'delete'));
  await Promise.all(
    deletable.map(async (r) => {
      const gr = groupResource(r);
      try {
        if (supports(r, 'deletecollection')) {
          await client.deleteCollection(r, { namespace, propagationPolicy: 'Background', signal });
        } else {
          const { items } = await client.listAll(r, { namespace, signal });
          for (const o of items) if (!o.metadata?.deletionTimestamp) await client.delete(r, o.metadata!.name!, { namespace, propagationPolicy: 'Background', signal }).catch(ignoreNotFound);
        }
        const { items: left } = await client.listAll(r, { namespace, signal });
        if (left.length) result.remaining.set(gr, left.length);
        for (const o of left) {
          for (const f of o.metadata?.finalizers ?? []) result.finalizers.set(f, (result.finalizers.get(f) ?? 0) + 1);
          if (r.group === '' && r.resource === 'pods') result.estimateSeconds = Math.max(result.estimateSeconds, gracefulEstimate(o, Date.now()));
        }
      } catch (err) {
        result.deleteFailures.push(`${gr}: ${(err as Error).message}`);
      }
    }),
  );
  result.deleteFailures.sort();
  return result;
}

function ignoreNotFound(err: unknown): void {
  if ((err as { code?: number }).code !== 404) throw err;
}
