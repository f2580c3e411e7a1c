/**
 * The resource quota controller (pkg/controller/resourcequota): keeps every
 * ResourceQuota's status.hard equal to spec.hard and status.used equal to what the
 * namespace's objects use. A quota is recomputed when its spec changes, when an object
 * it tracks is added, changed in a way that matters or deleted (the quota monitor's
 * replenishment), and on a periodic full resync (5 minutes upstream). Tracked resources
 * get an informer the first time a quota names them.
 */
import type { ResourceQuota } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { RESOURCEQUOTAS, RateLimitingQueue, metaNamespaceKey, runController } from '../../client/index.js';
import type { GVR, KubeObject, SharedInformer } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { calculateUsage, quotaStatus, quotaStatusChanged } from './calculate.js';
import type { ObjectsOf } from './calculate.js';
import { ResourceResolver, resourcesForNames } from './tracked.js';
import { objectUsage } from './usage.js';

export interface ResourceQuotaControllerOptions {
  workers?: number;
  /** Full resync of every quota (--resource-quota-sync-period, 5 min upstream). */
  resyncPeriodMs?: number;
  /** How long a sync waits for a newly watched resource's first list before retrying later. */
  monitorSyncTimeoutMs?: number;
  now?: () => number;
}

export function startResourceQuotaController(ctx: ControllerContext, opts: ResourceQuotaControllerOptions = {}): RunningController {
  const name = 'resourcequota';
  const now = opts.now ?? Date.now;
  const queue = new RateLimitingQueue<string>();
  const quotas = ctx.informers.informerFor<ResourceQuota>(RESOURCEQUOTAS);
  const resolver = new ResourceResolver(ctx.client);
  const monitors = new Map<string, SharedInformer<KubeObject>>();

  const enqueueNamespace = (ns: string | undefined) => {
    for (const q of quotas.indexer.listInNamespace(ns ?? '')) queue.add(metaNamespaceKey(q));
  };
  const sameUsage = (gvr: GVR, a: KubeObject, b: KubeObject) => {
    const ua = objectUsage(gvr.group, gvr.resource, a, now());
    const ub = objectUsage(gvr.group, gvr.resource, b, now());
    return ua.size === ub.size && [...ua].every(([k, v]) => ub.get(k) === v);
  };

  quotas.addEventHandler({
    onAdd: (q) => queue.add(metaNamespaceKey(q)),
    // Only spec changes matter: status is ours (and the admission plugin's).
    onUpdate: (o, n) => {
      if (JSON.stringify(o.spec) !== JSON.stringify(n.spec) || !n.status?.used) queue.add(metaNamespaceKey(n));
    },
  });

  /** The informer for a tracked resource, created (with replenishment handlers) on first use. */
  function monitor(gvr: GVR): SharedInformer<KubeObject> {
    const key = `${gvr.resource}.${gvr.group}`;
    let inf = monitors.get(key);
    if (inf) return inf;
    inf = ctx.informers.informerFor<KubeObject>(gvr);
    monitors.set(key, inf);
    inf.addEventHandler({
      onAdd: (o) => enqueueNamespace(o.metadata?.namespace),
      onUpdate: (o, n) => {
        if (!sameUsage(gvr, o, n)) enqueueNamespace(n.metadata?.namespace);
      },
      onDelete: (o) => enqueueNamespace(o.metadata?.namespace),
    });
    return inf;
  }
  // Quotas count themselves (`resourcequotas`): creating or deleting one replenishes its namespace.
  monitor(RESOURCEQUOTAS);

  async function synced(inf: SharedInformer<KubeObject>): Promise<void> {
    if (inf.hasSynced()) return;
    const ok = await inf.waitForSync(AbortSignal.any([AbortSignal.timeout(opts.monitorSyncTimeoutMs ?? 10_000), ctx.signal]));
    if (!ok) throw new Error(`timed out waiting for the ${inf.gvr.resource} cache to sync`);
  }

  async function reconcile(key: string): Promise<void> {
    const quota = quotas.indexer.get(key);
    if (!quota) return;
    const ns = quota.metadata!.namespace!;
    const objects: ObjectsOf[] = [];
    const errors: string[] = [];
    for (const gr of resourcesForNames(Object.keys(quota.spec?.hard ?? {}))) {
      const gvr = await resolver.resolve(gr, ctx.signal);
      if (!gvr) continue;
      const inf = monitor(gvr);
      try {
        await synced(inf);
      } catch (err) {
        errors.push((err as Error).message);
        continue;
      }
      objects.push({ group: gvr.group, resource: gvr.resource, items: inf.indexer.listInNamespace(ns) });
    }
    // Usage that could be computed is written even when some could not (upstream aggregates the errors).
    const status = quotaStatus(quota, calculateUsage(quota, objects, now()));
    if (quotaStatusChanged(quota, status)) {
      try {
        await ctx.client.updateStatus<ResourceQuota>(RESOURCEQUOTAS, { ...quota, status }, { signal: ctx.signal });
      } catch (err) {
        // A newer quota (the admission plugin charged it) is on its way and will be synced again.
        if (!(err instanceof StatusError && (err.code === 409 || err.code === 404))) throw err;
        if (err.code === 409) queue.add(key);
      }
    }
    if (errors.length) throw new Error(errors.join('; '));
  }

  const c = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [quotas], log: ctx.log });
  // enqueueAll on a timer, as upstream's full resync.
  const resync = setInterval(() => {
    for (const q of quotas.indexer.list()) queue.add(metaNamespaceKey(q));
  }, opts.resyncPeriodMs ?? 5 * 60_000);
  resync.unref();
  return {
    name,
    health: c.health,
    async stop() {
      clearInterval(resync);
      await c.stop();
    },
  };
}
