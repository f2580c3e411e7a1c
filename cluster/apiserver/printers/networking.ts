/**
 * discovery.k8s.io and networking.k8s.io printers (printers.go printEndpointSlice, printIngress,
 * printIngressClass, printNetworkPolicy).
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ingress, IngressClass, IngressRule, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import { column } from './table.js';
import { translateTimestampSince } from './duration.js';
import { formatLabelSelector, listWithMore } from './format.js';
import { loadBalancerString } from './core.js';
import { ageColumn, nameColumn, printer } from './printer.js';

const age = (o: { metadata?: { creationTimestamp?: string } }, now: Date): string => translateTimestampSince(o.metadata?.creationTimestamp, now);
const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

export const endpointSlicePrinter = printer<EndpointSlice>({
  columns: [
    nameColumn(),
    column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    ageColumn(),
  ],
  cells(o, { now }) {
    // formatDiscoveryPorts: the port number, else its name, else "*" (all ports).
    const ports = (o.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*')));
    const addresses = (o.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [nameOf(o), o.addressType ?? '', listWithMore(ports, 3), listWithMore(addresses, 3), age(o, now)];
  },
});

/** formatHosts: the first three non-empty hosts, "+ N more..." counted over rules, "*" when none. */
export function formatIngressHosts(rules: readonly IngressRule[] | undefined): string {
  const list: string[] = [];
  let more = false;
  const all = rules ?? [];
  for (const rule of all) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${all.length - 3} more...` : ret;
}

export const ingressPrinter = printer<Ingress>({
  columns: [
    nameColumn(),
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn(),
  ],
  cells(o, { now }) {
    return [
      nameOf(o),
      o.spec?.ingressClassName ?? '<none>',
      formatIngressHosts(o.spec?.rules),
      loadBalancerString(o.status?.loadBalancer?.ingress, true),
      (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      age(o, now),
    ];
  },
});

export const ingressClassPrinter = printer<IngressClass>({
  columns: [
    nameColumn(),
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn(),
  ],
  cells(o, { now }) {
    const p = o.spec?.parameters;
    let parameters = '<none>';
    if (p) parameters = `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}`;
    return [nameOf(o), o.spec?.controller ?? '', parameters, age(o, now)];
  },
});

export const networkPolicyPrinter = printer<NetworkPolicy>({
  columns: [nameColumn(), column('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), formatLabelSelector(o.spec?.podSelector ?? {}), age(o, now)],
});
