/**
 * Wiring shared by the Endpoints and EndpointSlice controllers: services and pods
 * informers whose events enqueue the keys (`namespace/name`) of the services a pod
 * belongs to — before and after a label change (upstream GetPodServiceMemberships).
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { metaNamespaceKey, PODS, SERVICES } from '../../client/index.js';
import type { RateLimitingQueue, SharedInformer } from '../../client/index.js';
import type { ControllerContext } from '../context.js';
import { serviceSelector } from './pod-endpoints.js';

export interface ServicePodInformers {
  services: SharedInformer<Service>;
  pods: SharedInformer<Pod>;
}

export function servicesOfPod(services: SharedInformer<Service>, pod: Pod): string[] {
  const ns = pod.metadata?.namespace ?? '';
  return services.indexer
    .listInNamespace(ns)
    .filter((s) => serviceSelector(s)?.matches(pod.metadata?.labels))
    .map(metaNamespaceKey);
}

/** Selected pods of a service from the cache. */
export function podsOfService(pods: SharedInformer<Pod>, svc: Service): Pod[] {
  const sel = serviceSelector(svc);
  return sel ? pods.indexer.listInNamespace(svc.metadata!.namespace!, sel) : [];
}

export function watchServicesAndPods(ctx: ControllerContext, queue: RateLimitingQueue<string>, extra?: { onPodChange?: (pod: Pod) => void }): ServicePodInformers {
  const services = ctx.informers.informerFor<Service>(SERVICES);
  const pods = ctx.informers.informerFor<Pod>(PODS);
  const svcKey = (s: Service) => queue.add(metaNamespaceKey(s));
  services.addEventHandler({ onAdd: svcKey, onUpdate: (_o, n) => svcKey(n), onDelete: svcKey });
  const podKeys = (...ps: Pod[]) => {
    const keys = new Set(ps.flatMap((p) => servicesOfPod(services, p)));
    for (const k of keys) queue.add(k);
    for (const p of ps) extra?.onPodChange?.(p);
  };
  pods.addEventHandler({ onAdd: (p) => podKeys(p), onUpdate: (o, n) => podKeys(o, n), onDelete: (p) => podKeys(p) });
  return { services, pods };
}
