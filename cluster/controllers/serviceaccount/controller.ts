/**
 * The service account controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * every active namespace gets the `default` ServiceAccount, recreated if deleted.
 */
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { NAMESPACES, RateLimitingQueue, runController, SERVICEACCOUNTS } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';

export interface ServiceAccountControllerOptions {
  /** The accounts every namespace gets (upstream's ServiceAccounts option). Default: `default`. */
  serviceAccounts?: readonly string[];
  workers?: number;
}

/** The accounts of `wanted` not present in the namespace. */
export function missingServiceAccounts(wanted: readonly string[], present: readonly ServiceAccount[]): string[] {
  const have = new Set(present.map((sa) => sa.metadata?.name));
  return wanted.filter((n) => !have.has(n));
}

export function startServiceAccountController(ctx: ControllerContext, opts: ServiceAccountControllerOptions = {}): RunningController {
  const name = 'serviceaccount';
  const wanted = opts.serviceAccounts ?? ['default'];
  const namespaces = ctx.informers.informerFor<Namespace>(NAMESPACES);
  const accounts = ctx.informers.informerFor<ServiceAccount>(SERVICEACCOUNTS);
  const queue = new RateLimitingQueue<string>();
  const enqueueNs = (ns: Namespace) => queue.add(ns.metadata!.name!);
  namespaces.addEventHandler({ onAdd: enqueueNs, onUpdate: (_o, n) => enqueueNs(n) });
  accounts.addEventHandler({
    onDelete: (sa) => {
      if (wanted.includes(sa.metadata?.name ?? '')) queue.add(sa.metadata!.namespace!);
    },
  });

  async function reconcile(ns: string): Promise<void> {
    const namespace = namespaces.indexer.get(ns);
    if (!namespace || namespace.metadata?.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    for (const sa of missingServiceAccounts(wanted, accounts.indexer.listInNamespace(ns))) {
      try {
        await ctx.client.create<ServiceAccount>(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } }, { namespace: ns, signal: ctx.signal });
      } catch (err) {
        // Already there (cache behind), or the namespace began terminating / vanished meanwhile.
        if (err instanceof StatusError && (err.code === 409 || err.code === 403 || err.code === 404)) continue;
        throw err;
      }
    }
  }

  const c = runController({ name, queue, workers: opts.workers ?? 3, reconcile, waitFor: [namespaces, accounts], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}
