/**
 * The endpoints controller (pkg/controller/endpoint): keeps one Endpoints object per
 * Service with a selector, listing the selected pods' addresses and resolved ports.
 * Services without a selector (the `kubernetes` service among them, whose endpoints
 * are the API server's own) are left alone; Endpoints of deleted services are deleted.
 */
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { ENDPOINTS, RateLimitingQueue, runController, splitMetaNamespaceKey } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { desiredEndpoints, endpointsEqual } from './desired.js';
import { serviceSelector } from './pod-endpoints.js';
import { podsOfService, watchServicesAndPods } from './service-pods.js';

export interface EndpointsControllerOptions {
  workers?: number;
}

export function startEndpointsController(ctx: ControllerContext, opts: EndpointsControllerOptions = {}): RunningController {
  const name = 'endpoints';
  const queue = new RateLimitingQueue<string>();
  const { services, pods } = watchServicesAndPods(ctx, queue);
  const endpoints = ctx.informers.informerFor<Endpoints>(ENDPOINTS);
  endpoints.addEventHandler({ onDelete: (ep) => queue.add(`${ep.metadata!.namespace}/${ep.metadata!.name}`) });

  async function reconcile(key: string): Promise<void> {
    const { namespace, name: svcName } = splitMetaNamespaceKey(key);
    if (namespace === 'default' && svcName === 'kubernetes') return;
    const svc = services.indexer.get(key);
    const current = endpoints.indexer.get(key);
    if (!svc) {
      // The service is gone: so are its endpoints (unless someone else owns them — upstream deletes regardless).
      if (current) await ctx.client.delete(ENDPOINTS, svcName, { namespace, signal: ctx.signal }).catch(ignore404);
      return;
    }
    if (!serviceSelector(svc)) return;
    const want = desiredEndpoints(svc, podsOfService(pods, svc), current);
    if (current && endpointsEqual(current, want)) return;
    try {
      if (current) await ctx.client.update<Endpoints>(ENDPOINTS, want, { namespace, signal: ctx.signal });
      else await ctx.client.create<Endpoints>(ENDPOINTS, { ...want, metadata: { ...want.metadata, resourceVersion: undefined } }, { namespace, signal: ctx.signal });
    } catch (err) {
      // Namespace terminating: nothing to do. Conflicts retry with a fresher cache.
      if (err instanceof StatusError && err.code === 403 && /terminat/i.test(err.message)) return;
      throw err;
    }
  }

  const c = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [services, pods, endpoints], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}

function ignore404(err: unknown): void {
  if (!(err instanceof StatusError && err.code === 404)) throw err;
}
