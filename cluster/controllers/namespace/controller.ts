/**
 * The namespace controller (pkg/controller/namespace): when a namespace has a
 * deletionTimestamp, mark it Terminating, delete all of its content across every
 * discovered namespaced resource (custom resources included), record the deletion
 * conditions, and once nothing is left remove the `kubernetes` finalizer through
 * PUT namespaces/{name}/finalize so the API server can delete the namespace.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { NAMESPACES, RateLimitingQueue, runController } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { deletionConditions } from './conditions.js';
import { deleteAllContent } from './content-deleter.js';
import { discoverResources } from './discovery.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

export interface NamespaceControllerOptions {
  workers?: number;
  /** Re-check delay while content without a grace period remains (objects with finalizers), ms. */
  remainingRetryMs?: number;
}

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;
const isConflict = (err: unknown) => err instanceof StatusError && err.code === 409;

export function startNamespaceController(ctx: ControllerContext, opts: NamespaceControllerOptions = {}): RunningController {
  const name = 'namespace';
  const client = ctx.client;
  const informer = ctx.informers.informerFor<Namespace>(NAMESPACES);
  const queue = new RateLimitingQueue<string>();
  const enqueue = (ns: Namespace) => {
    if (ns.metadata?.deletionTimestamp) queue.add(ns.metadata.name!);
  };
  informer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });

  async function reconcile(key: string): Promise<void> {
    if (!informer.indexer.get(key)?.metadata?.deletionTimestamp) return;
    let ns: Namespace;
    try {
      ns = await client.get<Namespace>(NAMESPACES, key, { signal: ctx.signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;
    if (ns.status?.phase !== 'Terminating') ns = await updateStatus(ns, (s) => ({ ...s, phase: 'Terminating' }));
    if (!ns) return;

    const discovery = await discoverResources(client, ctx.signal);
    const content = await deleteAllContent(client, key, discovery.resources, ctx.signal);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const conditions = deletionConditions(ns.status?.conditions, { discoveryFailures: discovery.failed, deleteFailures: content.deleteFailures, remaining: content.remaining, finalizers: content.finalizers }, now);
    if (JSON.stringify(conditions) !== JSON.stringify(ns.status?.conditions ?? [])) {
      const updated = await updateStatus(ns, (s) => ({ ...s, phase: 'Terminating', conditions }));
      if (!updated) return;
      ns = updated;
    }
    if (discovery.failed.size || content.deleteFailures.length) {
      throw new Error(`namespace ${key}: content not fully deleted: ${[...discovery.failed.keys(), ...content.deleteFailures].join('; ')}`);
    }
    if (content.remaining.size) {
      // Upstream requeues after estimate/2+1 s while pods terminate (ResourcesRemainingError).
      const ms = content.estimateSeconds > 0 ? (content.estimateSeconds / 2 + 1) * 1000 : (opts.remainingRetryMs ?? 2000);
      queue.addAfter(key, ms);
      return;
    }
    await finalize(ns);
  }

  /** PUT status with retry on conflict; undefined when the namespace is gone. */
  async function updateStatus(ns: Namespace, mutate: (s: NonNullable<Namespace['status']>) => Namespace['status']): Promise<Namespace> {
    let cur = ns;
    for (let i = 0; ; i++) {
      try {
        return await client.updateStatus<Namespace>(NAMESPACES, { ...cur, status: mutate(cur.status ?? {}) }, { signal: ctx.signal });
      } catch (err) {
        if (!isConflict(err) || i >= 5) throw err;
        cur = await client.get<Namespace>(NAMESPACES, ns.metadata!.name!, { signal: ctx.signal });
      }
    }
  }

  async function finalize(ns: Namespace): Promise<void> {
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
    const body: Namespace = { ...ns, spec: { ...ns.spec, finalizers } };
    try {
      await client.request<Namespace>('PUT', `/api/v1/namespaces/${encodeURIComponent(ns.metadata!.name!)}/finalize`, { body, signal: ctx.signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const controller = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [informer], log: ctx.log });
  return { name, health: controller.health, stop: controller.stop };
}
