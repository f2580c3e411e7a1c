/**
 * The DnsSource of the running server: shared informers on Services, EndpointSlices and
 * (for `pods verified`) Pods, with the indexes CoreDNS's kubernetes plugin keeps
 * (svcIP, epIP, podIP, service name), and the time of the last change as the SOA serial.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ENDPOINTSLICES, PODS, SERVICES } from '../../client/gvr.js';
import type { SharedInformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer, Syncable } from '../../client/informer.js';
import { clusterIPs, podIPs, SERVICE_NAME_LABEL, sliceAddresses } from './source.js';
import type { DnsSource } from './source.js';

const BY_IP = 'dnsByIP';
const BY_SERVICE = 'dnsByService';

export interface InformerDnsSource extends DnsSource {
  /** What /ready waits for. */
  readonly informers: Syncable[];
}

export function informerDnsSource(factory: SharedInformerFactory, opts: { watchPods: boolean }): InformerDnsSource {
  const services: SharedInformer<Service> = factory.informerFor<Service>(SERVICES, { indexers: { [BY_IP]: clusterIPs } });
  const slices: SharedInformer<EndpointSlice> = factory.informerFor<EndpointSlice>(ENDPOINTSLICES, {
    indexers: {
      [BY_IP]: (s) => [...new Set(sliceAddresses(s))],
      [BY_SERVICE]: (s) => {
        const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
        return svc ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
      },
    },
  });
  const pods: SharedInformer<Pod> | undefined = opts.watchPods ? factory.informerFor<Pod>(PODS, { indexers: { [BY_IP]: podIPs } }) : undefined;

  let serial = Math.floor(Date.now() / 1000);
  const touch = () => {
    serial = Math.max(serial + 1, Math.floor(Date.now() / 1000));
  };
  services.addEventHandler({ onAdd: touch, onUpdate: touch, onDelete: touch });
  slices.addEventHandler({ onAdd: touch, onUpdate: touch, onDelete: touch });

  return {
    informers: pods ? [services, slices, pods] : [services, slices],
    service: (namespace, name) => services.indexer.getByName(namespace, name),
    servicesByClusterIP: (ip) => services.indexer.byIndex(BY_IP, ip),
    endpointSlices: (namespace, service) => slices.indexer.byIndex(BY_SERVICE, `${namespace}/${service}`),
    endpointSlicesByIP: (ip) => slices.indexer.byIndex(BY_IP, ip),
    podsByIP: (ip) => pods?.indexer.byIndex(BY_IP, ip) ?? [],
    namespaceHasServices: (namespace) => services.indexer.listInNamespace(namespace).length > 0,
    serial: () => serial,
  };
}
