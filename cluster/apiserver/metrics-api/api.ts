/**
 * metrics.k8s.io/v1beta1 served by the API server itself, in place of an aggregated
 * metrics-server (the same API; kubectl top and the HPA controller cannot tell): the
 * NodeMetrics and PodMetrics resources, get and list, label and field selectors and
 * namespaces applied to the nodes and pods as metrics-server does (pkg/api/node.go,
 * pod.go), Table output with its columns. Objects without metrics yet are left out of
 * lists and NotFound when asked for by name.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { checkFieldSelector, parseFieldSelector } from '../../api/fields.js';
import { parseSelector } from '../../api/labels.js';
import { methodNotAllowed, notFound, StatusError } from '../../api/status.js';
import type { HandlerContext } from '../handlers/context.js';
import type { ApiRequest } from '../handlers/request.js';
import type { VirtualHandler } from '../handlers/router.js';
import { writeJSON } from '../http/respond.js';
import type { Table, TableColumnDefinition } from '../printers/table.js';
import type { ResourceInfo } from '../resources/catalog.js';
import type { KubeObject } from '../storage/object.js';
import { cpuQuantity, durationText, memoryQuantity } from './quantity.js';
import type { KubeletMetricsSource } from './source.js';
import type { MetricsPoint, ResourceUsage } from './storage.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

const resource = (r: string, kind: string, namespaced: boolean): ResourceInfo => ({
  group: METRICS_GROUP,
  version: METRICS_VERSION,
  resource: r,
  singular: '',
  kind,
  listKind: `${kind}List`,
  namespaced,
  shortNames: [],
  categories: [],
  verbs: ['get', 'list'],
  subresources: [],
  storagePrefix: `/registry/${METRICS_GROUP}/${r}`,
  hasStatus: false,
  virtual: true,
});

/** The two resources, for registry.add (discovery lists them like metrics-server's APIService). */
export const METRICS_RESOURCES: readonly ResourceInfo[] = [resource('nodes', 'NodeMetrics', false), resource('pods', 'PodMetrics', true)];

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const usageOf = (u: ResourceUsage) => ({ cpu: cpuQuantity(u.cpuNanoCores), memory: memoryQuantity(u.memoryBytes) });

function metadataOf(obj: KubeObject, nowMs: number): Record<string, unknown> {
  const m = obj.metadata ?? {};
  return { name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}), creationTimestamp: rfc3339(nowMs), ...(m.labels ? { labels: m.labels } : {}) };
}

const point = (p: MetricsPoint) => ({ timestamp: rfc3339(p.timestampMs), window: durationText(p.windowMs) });

export function nodeMetricsObject(node: Node, source: KubeletMetricsSource, nowMs: number): KubeObject | undefined {
  const m = source.storage.nodeMetrics(node.metadata?.name ?? '');
  if (!m) return undefined;
  return { kind: 'NodeMetrics', apiVersion: API_VERSION, metadata: metadataOf(node as KubeObject, nowMs), ...point(m), usage: usageOf(m.usage) } as KubeObject;
}

export function podMetricsObject(pod: Pod, source: KubeletMetricsSource, nowMs: number): KubeObject | undefined {
  const m = source.storage.podMetrics(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
  if (!m) return undefined;
  return { kind: 'PodMetrics', apiVersion: API_VERSION, metadata: metadataOf(pod as KubeObject, nowMs), ...point(m), containers: m.containers.map((c) => ({ name: c.name, usage: usageOf(c.usage) })) } as KubeObject;
}

const COLUMNS: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  { name: 'CPU', type: 'string', format: '', description: 'CPU usage', priority: 0 },
  { name: 'Memory', type: 'string', format: '', description: 'Memory usage', priority: 0 },
  { name: 'Window', type: 'string', format: '', description: 'Interval over which the metrics were computed', priority: 0 },
];

/** Sums a PodMetrics' containers for its row, as metrics-server's table does. */
function rowUsage(obj: KubeObject): { cpu: string; memory: string } {
  const o = obj as unknown as { usage?: { cpu: string; memory: string }; containers?: Array<{ usage: { cpu: string; memory: string } }> };
  if (o.usage) return o.usage;
  return { cpu: (o.containers ?? []).map((c) => c.usage.cpu).join(', '), memory: (o.containers ?? []).map((c) => c.usage.memory).join(', ') };
}

function asTable(r: ApiRequest, items: KubeObject[]): Table {
  const include = (r.url.searchParams.get('includeObject') ?? 'Metadata') as 'Object' | 'Metadata' | 'None';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: COLUMNS,
    rows: items.map((o) => {
      const u = rowUsage(o);
      const object = include === 'None' ? undefined : include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
      return { cells: [o.metadata?.name ?? '', u.cpu, u.memory, String((o as { window?: string }).window ?? '')], ...(object ? { object } : {}) };
    }),
  };
}

function reply(r: ApiRequest, body: KubeObject | Table): void {
  writeJSON(r.res, 200, body, r.negotiated.yaml);
}

export interface MetricsHandlersOptions {
  source: KubeletMetricsSource;
  now?: () => number;
}

/** Virtual handlers `metrics.k8s.io/nodes` and `metrics.k8s.io/pods` for the server's `virtual` map. */
export function metricsHandlers(opts: MetricsHandlersOptions): Map<string, VirtualHandler> {
  const now = opts.now ?? Date.now;
  const serve = (kind: 'nodes' | 'pods'): VirtualHandler => async (ctx: HandlerContext, r: ApiRequest) => {
    const verb = r.info.verb;
    if (verb !== 'get' && verb !== 'list') throw methodNotAllowed(`${verb} is not supported on ${kind}.${METRICS_GROUP}`);
    const store = ctx.registry.storeFor('', kind);
    if (!store) throw new StatusError(503, 'ServiceUnavailable', `${kind} are not served`);
    await opts.source.refresh();
    const ns = kind === 'pods' ? r.info.namespace : undefined;
    const toMetrics = (o: KubeObject) => (kind === 'nodes' ? nodeMetricsObject(o as Node, opts.source, now()) : podMetricsObject(o as Pod, opts.source, now()));
    if (verb === 'get') {
      const name = r.info.name!;
      const obj = await store.tryGet(ns, name);
      const m = obj && toMetrics(obj);
      if (!m) throw notFound(METRICS_GROUP, kind, name);
      return reply(r, r.negotiated.representation === 'Table' ? asTable(r, [m]) : m);
    }
    const fieldSelector = parseFieldSelector(r.url.searchParams.get('fieldSelector'));
    checkFieldSelector(kind, fieldSelector);
    const list = await store.list(ns, { labelSelector: parseSelector(r.url.searchParams.get('labelSelector')), fieldSelector });
    const items = list.items.map(toMetrics).filter((m): m is KubeObject => m !== undefined);
    if (r.negotiated.representation === 'Table') return reply(r, asTable(r, items));
    reply(r, { kind: kind === 'nodes' ? 'NodeMetricsList' : 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items } as unknown as KubeObject);
  };
  return new Map([
    [`${METRICS_GROUP}/nodes`, serve('nodes')],
    [`${METRICS_GROUP}/pods`, serve('pods')],
  ]);
}
