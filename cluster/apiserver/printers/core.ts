/**
 * core/v1 printers other than pods (printers.go printNode, printService, printEndpoints, printEvent,
 * printPersistentVolume(Claim), printResourceQuota, ...). Column names and cell types follow upstream.
 */
import type {
  ComponentStatus,
  ConfigMap,
  Endpoints,
  Event,
  EventSource,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1.js';
import type { Cell } from './table.js';
import { column } from './table.js';
import { translateTimestampSince } from './duration.js';
import { accessModesString, formatLabels, layoutContainerCells, quantityString, sortedUnique } from './format.js';
import { ageColumn, nameColumn, printer, wide } from './printer.js';

const CONTAINERS_DESC = 'Names of each container in the template.';
const IMAGES_DESC = 'Images referenced by each container in the template.';
const LOAD_BALANCER_WIDTH = 16;
const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

const age = (o: { metadata?: { creationTimestamp?: string } }, now: Date): string => translateTimestampSince(o.metadata?.creationTimestamp, now);
const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

export const namespacePrinter = printer<Namespace>({
  columns: [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), o.status?.phase ?? '', age(o, now)],
});

/** findNodeRoles: node-role.kubernetes.io/<role> keys and the legacy kubernetes.io/role value, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.push(role);
    } else if (k === NODE_ROLE_LABEL && v !== '') {
      roles.push(v);
    }
  }
  return sortedUnique(roles);
}

function nodeStatus(node: Node): string {
  // Only the Ready condition is summarised; the last condition of a type wins, as in a Go map.
  let ready: string | undefined;
  for (const c of node.status?.conditions ?? []) if (c.type === 'Ready') ready = c.status;
  const parts: string[] = [];
  if (ready !== undefined) parts.push(ready === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

const nodeAddress = (node: Node, type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

export const nodePrinter = printer<Node>({
  columns: [
    nameColumn(),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node.', wide),
    column('External-IP', 'string', 'List of addresses reachable to the node.', wide),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', wide),
    column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", wide),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', wide),
  ],
  cells(o, { now }) {
    const info = o.status?.nodeInfo;
    const roles = nodeRoles(o).join(',');
    return [
      nameOf(o),
      nodeStatus(o),
      roles || '<none>',
      age(o, now),
      info?.kubeletVersion ?? '',
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
});

/** loadBalancerStatusStringer: sorted unique IPs (else hostnames), clipped to 16 chars unless wide. */
export function loadBalancerString(ingress: readonly { ip?: string; hostname?: string }[] | undefined, isWide: boolean): string {
  const values: string[] = [];
  for (const i of ingress ?? []) {
    if (i.ip) values.push(i.ip);
    else if (i.hostname) values.push(i.hostname);
  }
  const r = sortedUnique(values).join(',');
  if (!isWide && r.length > LOAD_BALANCER_WIDTH) return `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...`;
  return r;
}

function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      // The server always prints wide, so the load-balancer list is never clipped here.
      const lb = loadBalancerString(svc.status?.loadBalancer?.ingress, true);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** makePortString: `80/TCP`, `80:30080/TCP` when a node port is allocated. */
export function servicePorts(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) => {
      const proto = p.protocol ?? 'TCP';
      return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
    })
    .join(',');
}

export const servicePrinter = printer<Service>({
  columns: [
    nameColumn(),
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn(),
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', wide),
  ],
  cells(o, { now }) {
    const clusterIP = o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? '';
    return [
      nameOf(o),
      o.spec?.type ?? 'ClusterIP',
      clusterIP || '<none>',
      serviceExternalIP(o),
      servicePorts(o) || '<none>',
      age(o, now),
      formatLabels(o.spec?.selector),
    ];
  },
});

/** net.JoinHostPort: IPv6 literals get brackets. */
const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** formatEndpoints(ports=nil): first three `ip:port` (or bare IPs for port-less subsets) + "N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const all: string[] = [];
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      for (const a of addrs) all.push(a.ip);
      continue;
    }
    for (const p of ss.ports) for (const a of addrs) all.push(joinHostPort(a.ip, p.port));
  }
  const shown = all.slice(0, 3).join(',');
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

export const endpointsPrinter = printer<Endpoints>({
  columns: [nameColumn(), column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), formatEndpoints(o), age(o, now)],
});

export const configMapPrinter = printer<ConfigMap>({
  columns: [nameColumn(), column('Data', 'string', 'Data contains the configuration data.'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)],
});

export const secretPrinter = printer<Secret>({
  columns: [
    nameColumn(),
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Data contains the secret data.'),
    ageColumn(),
  ],
  cells: (o, { now }) => [nameOf(o), o.type ?? '', Object.keys(o.data ?? {}).length, age(o, now)],
});

export const serviceAccountPrinter = printer<ServiceAccount>({
  columns: [nameColumn(), column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), (o.secrets ?? []).length, age(o, now)],
});

/** The fields printEvent reads, common to core/v1 and events.k8s.io/v1 Events. */
interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  kind: string;
  objectName: string;
  fieldPath: string;
  source: EventSource | undefined;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count: number;
  series?: { count?: number; lastObservedTime?: string };
}

function coreEventView(e: Event): EventView {
  return {
    name: nameOf(e),
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.message ?? '',
    kind: e.involvedObject?.kind ?? '',
    objectName: e.involvedObject?.name ?? '',
    fieldPath: e.involvedObject?.fieldPath ?? '',
    source: e.source,
    reportingController: e.reportingComponent ?? '',
    reportingInstance: e.reportingInstance ?? '',
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime,
    count: e.count ?? 0,
    series: e.series,
  };
}

/** events.k8s.io/v1 → the same internal fields the upstream conversion fills. */
function eventsV1View(e: EventsV1Event): EventView {
  return {
    name: nameOf(e),
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.note ?? '',
    kind: e.regarding?.kind ?? '',
    objectName: e.regarding?.name ?? '',
    fieldPath: e.regarding?.fieldPath ?? '',
    source: e.deprecatedSource,
    reportingController: e.reportingController ?? '',
    reportingInstance: e.reportingInstance ?? '',
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    eventTime: e.eventTime,
    count: e.deprecatedCount ?? 0,
    series: e.series,
  };
}

/** formatEventSource: component (or reportingController), then ", host" (or reportingInstance) when set. */
function eventSource(v: EventView): string {
  const component = v.source?.component || v.reportingController;
  const instance = v.source?.host || v.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(v: EventView, now: Date): Cell[] {
  const first = v.firstTimestamp ? translateTimestampSince(v.firstTimestamp, now) : translateTimestampSince(v.eventTime, now);
  let last = v.lastTimestamp ? translateTimestampSince(v.lastTimestamp, now) : first;
  let count = v.count;
  if (v.series) {
    last = translateTimestampSince(v.series.lastObservedTime, now);
    count = v.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events from the new API carry no count
  }
  const target = v.objectName ? `${v.kind.toLowerCase()}/${v.objectName}` : v.kind.toLowerCase();
  return [last, v.type, v.reason, target, v.fieldPath, eventSource(v), v.message.trim(), first, count, v.name];
}

const eventColumns = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  column('Object', 'string', 'The object that this event is about.'),
  column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', wide),
  column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', wide),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', wide),
  column('Count', 'string', 'The number of times this event has occurred.', wide),
  column('Name', 'string', 'Name must be unique within a namespace.', { priority: 1, format: 'name' }),
];

export const eventPrinter = printer<Event>({ columns: eventColumns, cells: (o, { now }) => eventCells(coreEventView(o), now) });
export const eventsV1Printer = printer<EventsV1Event>({ columns: eventColumns, cells: (o, { now }) => eventCells(eventsV1View(o), now) });

export const persistentVolumePrinter = printer<PersistentVolume>({
  columns: [
    nameColumn(),
    column('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity."),
    column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageColumn(),
    column('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', wide),
  ],
  cells(o, { now }) {
    const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : '';
    const phase = o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
    const storageClass = o.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? o.spec?.storageClassName ?? '';
    return [
      nameOf(o),
      quantityString(o.spec?.capacity?.storage),
      accessModesString(o.spec?.accessModes),
      o.spec?.persistentVolumeReclaimPolicy ?? '',
      phase,
      claim,
      storageClass,
      o.spec?.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      age(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
});

export const persistentVolumeClaimPrinter = printer<PersistentVolumeClaim>({
  columns: [
    nameColumn(),
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', wide),
  ],
  cells(o, { now }) {
    const phase = o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
    const bound = !!o.spec?.volumeName;
    const storageClass = o.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? o.spec?.storageClassName ?? '';
    return [
      nameOf(o),
      phase,
      o.spec?.volumeName ?? '',
      bound ? quantityString(o.status?.capacity?.storage) : '',
      bound ? accessModesString(o.status?.accessModes) : '',
      storageClass,
      o.spec?.volumeAttributesClassName ?? '<unset>',
      age(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
});

export const resourceQuotaPrinter = printer<ResourceQuota>({
  columns: [
    nameColumn(),
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageColumn(),
  ],
  cells(o, { now }) {
    const hard = o.status?.hard ?? {};
    const used = o.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const r of sortedUnique(Object.keys(hard))) {
      const text = `${r}: ${quantityString(used[r])}/${quantityString(hard[r])}`;
      const pieces = r.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(text);
    }
    return [nameOf(o), requests.join(', '), limits.join(', '), age(o, now)];
  },
});

export const replicationControllerPrinter = printer<ReplicationController>({
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESC, wide),
    column('Images', 'string', IMAGES_DESC, wide),
    column('Selector', 'string', 'Selector is a label query over pods that should match the Replicas count.', wide),
  ],
  cells(o, { now }) {
    const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
    return [nameOf(o), o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now), names, images, formatLabels(o.spec?.selector)];
  },
});

export const podTemplatePrinter = printer<PodTemplate>({
  columns: [
    nameColumn(),
    column('Containers', 'string', CONTAINERS_DESC),
    column('Images', 'string', IMAGES_DESC),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells(o) {
    const [names, images] = layoutContainerCells(o.template?.spec?.containers);
    return [nameOf(o), names, images, formatLabels(o.template?.metadata?.labels)];
  },
});

export const componentStatusPrinter = printer<ComponentStatus>({
  columns: [
    nameColumn(),
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  cells(o) {
    const c = (o.conditions ?? []).find((x) => x.type === 'Healthy');
    const status = c ? (c.status === 'True' ? 'Healthy' : 'Unhealthy') : 'Unknown';
    return [nameOf(o), status, c?.message ?? '', c?.error ?? ''];
  },
});
