/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for each Service with a
 * selector, EndpointSlices named `<service>-<random>` labelled with the service name and
 * managed-by endpointslice-controller.k8s.io, owned by the Service. Slices of other
 * managers (the API server's for `kubernetes`) are never touched. The reconcile reads
 * the service's current slices with a live LIST, so a cache that lags our own writes
 * cannot make it create duplicates (upstream's endpointSliceTracker solves the same).
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { StatusError } from '../../api/status.js';
import { ENDPOINTSLICES, RateLimitingQueue, runController, splitMetaNamespaceKey } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { serviceSelector } from '../endpoints/pod-endpoints.js';
import { podsOfService, watchServicesAndPods } from '../endpoints/service-pods.js';
import { CONTROLLER_NAME, DEFAULT_MAX_ENDPOINTS_PER_SLICE, desiredSlices, MANAGED_BY_LABEL, planSlices, SERVICE_NAME_LABEL, sliceLabels } from './desired.js';
import type { SliceContent } from './desired.js';

export interface EndpointSliceControllerOptions {
  workers?: number;
  maxEndpointsPerSlice?: number;
}

export function startEndpointSliceController(ctx: ControllerContext, opts: EndpointSliceControllerOptions = {}): RunningController {
  const name = 'endpointslice';
  const queue = new RateLimitingQueue<string>();
  const { services, pods } = watchServicesAndPods(ctx, queue);
  const slices = ctx.informers.informerFor<EndpointSlice>(ENDPOINTSLICES, { labelSelector: `${MANAGED_BY_LABEL}=${CONTROLLER_NAME}` });
  const onSlice = (s: EndpointSlice) => {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (svc) queue.add(`${s.metadata!.namespace}/${svc}`);
  };
  slices.addEventHandler({ onUpdate: (_o, n) => onSlice(n), onDelete: onSlice });

  async function reconcile(key: string): Promise<void> {
    const { namespace, name: svcName } = splitMetaNamespaceKey(key);
    const svc = services.indexer.get(key);
    const { items: existing } = await ctx.client.list<EndpointSlice>(ENDPOINTSLICES, {
      namespace,
      labelSelector: `${SERVICE_NAME_LABEL}=${svcName},${MANAGED_BY_LABEL}=${CONTROLLER_NAME}`,
      signal: ctx.signal,
    });
    // The API server keeps default/kubernetes' slice itself (the endpoint reconciler).
    if (namespace === 'default' && svcName === 'kubernetes') return;
    // A Service without a selector gets no slices from this controller, and the ones someone else
    // wrote for it stay (upstream syncService returns early); a deleted Service's slices go.
    if (svc && !serviceSelector(svc)) return;
    if (!svc) {
      for (const s of existing) await ctx.client.delete(ENDPOINTSLICES, s.metadata!.name!, { namespace, signal: ctx.signal }).catch(ignore404);
      return;
    }
    if (svc.metadata?.deletionTimestamp) return;
    const labels = sliceLabels(svc);
    const plan = planSlices(existing, desiredSlices(svc, podsOfService(pods, svc), opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE), labels);
    const body = (c: SliceContent, base?: EndpointSlice): EndpointSlice => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: base
        ? { ...base.metadata, labels }
        : {
            // Named here rather than by generateName: the API server validates before it generates
            // names (reported); same alphabet and length as apiserver's SimpleNameGenerator.
            name: `${svcName.slice(0, 57)}-${randomSuffix()}`,
            namespace,
            labels,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svcName, uid: svc.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
          },
      addressType: c.addressType,
      endpoints: c.endpoints,
      ports: c.ports,
    });
    try {
      for (const u of plan.update) await ctx.client.update<EndpointSlice>(ENDPOINTSLICES, body(u.content, u.slice), { namespace, signal: ctx.signal });
      for (const c of plan.create) await ctx.client.create<EndpointSlice>(ENDPOINTSLICES, body(c), { namespace, signal: ctx.signal });
      for (const d of plan.delete) await ctx.client.delete(ENDPOINTSLICES, d.metadata!.name!, { namespace, signal: ctx.signal }).catch(ignore404);
    } catch (err) {
      if (err instanceof StatusError && err.code === 403 && /terminat/i.test(err.message)) return;
      throw err;
    }
  }

  const c = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [services, pods, slices], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return out;
}

function ignore404(err: unknown): void {
  if (!(err instanceof StatusError && err.code === 404)) throw err;
}
