/**
 * Which printer kube-apiserver uses for each built-in resource, and printTable, the entry the
 * API server calls for list / get / watch when the Accept header asks for `as=Table`.
 * Resources without a printer upstream (roles, clusterroles, limitranges, CRDs, reviews...) get
 * the registry's default table convertor: Name + "Created At" (RFC 3339), which kubectl shows
 * as NAME / CREATED AT.
 */
import type { ResourceInfo } from '../resources/catalog.js';
import type { PrintedRow, PrintOptions, Table, TableColumnDefinition } from './table.js';
import { assembleTable, column, metaOf } from './table.js';
import { parseTime } from './duration.js';
import type { Printer } from './printer.js';
import { CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './printer.js';
import { podPrinter } from './pod.js';
import {
  componentStatusPrinter,
  configMapPrinter,
  endpointsPrinter,
  eventPrinter,
  eventsV1Printer,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  podTemplatePrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.js';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.js';
import { endpointSlicePrinter, ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import {
  certificateSigningRequestPrinter,
  clusterRoleBindingPrinter,
  horizontalPodAutoscalerPrinter,
  leasePrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  roleBindingPrinter,
  storageClassPrinter,
} from './other-groups.js';

/** Keyed by `group/resource` (core group is the empty string: `/pods`). */
const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/pods', podPrinter],
  ['/nodes', nodePrinter],
  ['/namespaces', namespacePrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/events', eventPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/resourcequotas', resourceQuotaPrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/componentstatuses', componentStatusPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['events.k8s.io/events', eventsV1Printer],
  ['networking.k8s.io/ingresses', ingressPrinter],
  ['networking.k8s.io/ingressclasses', ingressClassPrinter],
  ['networking.k8s.io/networkpolicies', networkPolicyPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  ['scheduling.k8s.io/priorityclasses', priorityClassPrinter],
  ['policy/poddisruptionbudgets', podDisruptionBudgetPrinter],
  ['certificates.k8s.io/certificatesigningrequests', certificateSigningRequestPrinter],
]);

/** The printer kube-apiserver registers for a built-in resource, if any. */
export function printerFor(resource: Pick<ResourceInfo, 'group' | 'resource'>): Printer | undefined {
  return PRINTERS.get(`${resource.group}/${resource.resource}`);
}

const DEFAULT_COLUMNS: readonly TableColumnDefinition[] = [
  column('Name', 'string', NAME_DESCRIPTION, { format: 'name' }),
  column('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION),
];

/** Go's time.RFC3339 of the UTC time (no fractional seconds); the zero time for an absent timestamp. */
function rfc3339(ts: string | undefined): string {
  const t = parseTime(ts);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** rest.NewDefaultTableConvertor: Name and Created At for any object with metadata. */
export function printDefaultTable(objects: readonly object[], opts: PrintOptions): Table {
  const rows: PrintedRow[] = objects.map((o) => {
    const m = metaOf(o);
    return { cells: [m.name ?? '', rfc3339(m.creationTimestamp)], object: o };
  });
  return assembleTable(DEFAULT_COLUMNS, rows, opts);
}

/**
 * Prints built-in objects as a meta.k8s.io Table. `objects` are the list items (or the single
 * object of a get / watch event), already in the version the client asked for.
 */
export function printTable(resource: Pick<ResourceInfo, 'group' | 'resource'>, objects: readonly object[], opts: PrintOptions): Table {
  const p = printerFor(resource);
  if (!p) return printDefaultTable(objects, opts);
  const ctx = { now: opts.now ?? new Date() };
  const rows: PrintedRow[] = objects.map((o) => ({ cells: p.cells(o, ctx), conditions: p.conditions?.(o), object: o }));
  return assembleTable(p.columns, rows, opts);
}
