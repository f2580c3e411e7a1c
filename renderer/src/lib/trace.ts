/**
 * The trace of a change through the components, correlated from real data only:
 * API watches (objects with their managedFields and ownerReferences), Events (involvedObject,
 * source component) and, when the host runs the control plane, the store's watch feed (keys and
 * revisions). Starting from a root object, it follows ownerReferences downward (Deployment →
 * ReplicaSets → Pods, including ones created later) and turns each write and Event into a step
 * on the lane of the component that made it:
 *
 *  - a write's author is the managedFields entry the write added or touched (the API server
 *    stamps `manager` and `time` on every write: upstream's fieldmanager), mapped to a component —
 *    `kube-controller-manager` writing a Pod owned by a ReplicaSet is the replicaset controller,
 *    writing a Deployment's status is the deployment controller, `kubelet` is the kubelet of the
 *    pod's node; anything else is a client (kubectl, kubarium-ui, …);
 *  - a Pod whose spec.nodeName became set was bound by the scheduler (pods/binding leaves no
 *    managedFields entry upstream either);
 *  - the write's store key and revision come from the store feed (matched on the revision, which is
 *    the object's resourceVersion), else from the resourceVersion alone (degraded: no store);
 *  - Events land on their reporting component's lane; the kubelet's container Events (Pulled,
 *    Created, Started, Killing) are the container runtime's work, reported by the kubelet.
 *
 * Writes at or below `since` (the revision when the trace started) are the baseline, not steps.
 */
import type { ApiObject, ExplorerWatchEvent, StoreEvent } from '../../../electron/preload/api';
import type { CoreEvent } from './timeline';

/** What the trace store records, each with the time it arrived (ms since the epoch). */
export type TraceInput = { t: number; watch: ExplorerWatchEvent } | { t: number; store: StoreEvent[] };

export interface TraceRoot {
  kind: string;
  namespace: string;
  name: string;
}

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export type LaneKind = 'client' | 'apiserver' | 'store' | 'controller' | 'scheduler' | 'kubelet' | 'runtime';

export interface TraceLane {
  /** `client:kubectl`, `kube-apiserver`, `store`, `replicaset-controller`, `kube-scheduler`, `kubelet@node-1`, `runtime@node-1`. */
  id: string;
  label: string;
  kind: LaneKind;
}

export interface TraceStep {
  id: string;
  /** When it was observed (ms since the epoch). */
  t: number;
  /** Milliseconds after the trace's first step. */
  offset: number;
  /** The lane of the component that acted. */
  lane: string;
  /** The lanes a write went through after its author (the API server, then the store). */
  path: string[];
  /** Short verb: create, update, status, bind, delete, or an Event's reason. */
  action: string;
  summary: string;
  object: ObjectRef;
  /** Store revision (the object's resourceVersion after the write, or the Event's). */
  revision?: number;
  /** Store key, when the store feed reported it. */
  key?: string;
  /** The managedFields manager that authored the write. */
  manager?: string;
  warning: boolean;
}

export interface Trace {
  root: TraceRoot;
  /** The root and its descendants by ownerReferences, in order of appearance. */
  objects: ObjectRef[];
  lanes: TraceLane[];
  steps: TraceStep[];
  /** Whether any store event was seen (keys and revisions come from the store itself). */
  storeFeed: boolean;
}

interface ManagedEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
}

interface Version {
  t: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: ApiObject;
  rv: number;
}

/** The kubelet's Events about containers: the runtime's work (image pull, create, start, stop). */
const RUNTIME_REASONS = new Set(['Pulling', 'Pulled', 'Created', 'Started', 'Killing', 'BackOff', 'Failed', 'ErrImageNeverPull', 'InspectFailed']);

const rvOf = (o: ApiObject): number => Number(o.metadata?.resourceVersion ?? NaN);
const refOf = (o: ApiObject): ObjectRef => ({ kind: o.kind ?? '?', namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '?', uid: o.metadata?.uid ?? '' });
const managedOf = (o: ApiObject | undefined): ManagedEntry[] => (o?.metadata?.managedFields as ManagedEntry[] | undefined) ?? [];
const sameEntry = (a: ManagedEntry, b: ManagedEntry) => a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '') && a.time === b.time;
const field = (o: ApiObject | undefined, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const json = (v: unknown) => JSON.stringify(v ?? null);
/** `ReplicaSet` → `replicaset-controller`, as kube-controller-manager names its loops and their Events' source. */
const controllerOf = (kind: string) => `${kind.toLowerCase()}-controller`;

/**
 * The managedFields entry a write added or touched (upstream bumps `time` on every write by that manager); the latest when
 * several. `time` has one-second resolution, so a manager writing twice within a second leaves the entries unchanged: then
 * the entry stamped within a second or two of `observedAt` that owns the changed part (status or not) is the writer.
 */
export function writerOf(before: ApiObject | undefined, after: ApiObject, observedAt?: number, statusWrite = false): ManagedEntry | undefined {
  const prev = managedOf(before);
  const latest = (pool: ManagedEntry[]) => pool.reduce<ManagedEntry | undefined>((best, e) => (!best || (e.time ?? '') >= (best.time ?? '') ? e : best), undefined);
  if (!before) return latest(managedOf(after).filter((e) => !e.subresource));
  const changed = managedOf(after).filter((e) => !prev.some((p) => sameEntry(p, e)));
  if (changed.length > 0 || observedAt === undefined) return latest(changed);
  const recent = managedOf(after).filter((e) => {
    const at = Date.parse(e.time ?? '');
    return observedAt - at <= 2000 && at - observedAt <= 1000 && (e.subresource === 'status') === statusWrite;
  });
  return latest(recent);
}

function controllerOwner(o: ApiObject): { kind: string; uid: string } | undefined {
  const owners = o.metadata?.ownerReferences ?? [];
  return owners.find((r) => r.controller) ?? owners[0];
}

/** The component lane a manager's write belongs to. */
function laneOfWriter(manager: string | undefined, entry: ManagedEntry | undefined, obj: ApiObject, nodeName: string | undefined): string {
  if (!manager) return 'client:?';
  if (manager === 'kube-controller-manager') {
    // A status write is the object's own controller reporting; any other write is made by the controller of its owner.
    if (entry?.subresource === 'status') return controllerOf(obj.kind ?? '');
    const owner = controllerOwner(obj);
    return owner ? controllerOf(owner.kind) : 'kube-controller-manager';
  }
  if (manager === 'kube-scheduler') return 'kube-scheduler';
  if (manager === 'kubelet') return `kubelet@${nodeName ?? '?'}`;
  return `client:${manager}`;
}

function laneInfo(id: string): TraceLane {
  if (id === 'kube-apiserver') return { id, label: 'kube-apiserver', kind: 'apiserver' };
  if (id === 'store') return { id, label: 'store (etcd)', kind: 'store' };
  if (id === 'kube-scheduler') return { id, label: 'kube-scheduler', kind: 'scheduler' };
  if (id.startsWith('client:')) return { id, label: id === 'client:?' ? 'client (unrecorded)' : id.slice(7), kind: 'client' };
  if (id.startsWith('kubelet@')) return { id, label: id, kind: 'kubelet' };
  if (id.startsWith('runtime@')) return { id, label: id, kind: 'runtime' };
  return { id, label: id, kind: 'controller' };
}

const LANE_ORDER: LaneKind[] = ['client', 'apiserver', 'store', 'controller', 'scheduler', 'kubelet', 'runtime'];
function compareLanes(a: TraceLane, b: TraceLane): number {
  const node = (l: TraceLane) => (l.kind === 'kubelet' || l.kind === 'runtime' ? l.id.slice(l.id.indexOf('@') + 1) : '');
  const rank = (l: TraceLane) => (l.kind === 'runtime' ? LANE_ORDER.indexOf('kubelet') : LANE_ORDER.indexOf(l.kind));
  // Node lanes pair up: kubelet@a, runtime@a, kubelet@b, …
  return rank(a) - rank(b) || node(a).localeCompare(node(b)) || LANE_ORDER.indexOf(a.kind) - LANE_ORDER.indexOf(b.kind) || a.id.localeCompare(b.id);
}

function replicasText(o: ApiObject): string {
  const s = (o.status ?? {}) as Record<string, unknown>;
  return `status: ${Number(s.readyReplicas ?? 0)}/${Number(s.replicas ?? 0)} ready, ${Number(s.availableReplicas ?? 0)} available`;
}

function podStatusText(o: ApiObject): string {
  const conditions = (field(o, 'status', 'conditions') as { type?: string; status?: string }[] | undefined) ?? [];
  const ready = conditions.find((c) => c.type === 'Ready')?.status;
  return `status: ${String(field(o, 'status', 'phase') ?? 'Pending')}${ready ? `, Ready=${ready}` : ''}`;
}

/** What a write changed, as a verb and a sentence. */
function describeWrite(before: ApiObject | undefined, v: Version): { action: string; text: string; bound?: string } {
  const o = v.object;
  const kind = o.kind ?? '';
  if (v.type === 'DELETED') return { action: 'delete', text: 'removed from the store' };
  if (!before) {
    const owner = controllerOwner(o);
    return { action: 'create', text: `created${owner ? ` (owner ${owner.kind})` : ''}` };
  }
  const node = field(o, 'spec', 'nodeName') as string | undefined;
  if (kind === 'Pod' && node && !field(before, 'spec', 'nodeName')) return { action: 'bind', text: `bound to ${node}`, bound: node };
  if (o.metadata?.deletionTimestamp && !before.metadata?.deletionTimestamp) return { action: 'delete', text: 'deletion requested (deletionTimestamp set)' };
  if (json(o.spec) !== json(before.spec)) {
    const r0 = field(before, 'spec', 'replicas');
    const r1 = field(o, 'spec', 'replicas');
    if (r0 !== r1) return { action: 'update', text: `spec.replicas ${String(r0)} → ${String(r1)}` };
    const keys = Object.keys({ ...(o.spec as object), ...(before.spec as object) }).filter((k) => json(field(o, 'spec', k)) !== json(field(before, 'spec', k)));
    return { action: 'update', text: `spec changed (${keys.map((k) => `spec.${k}`).join(', ')})` };
  }
  if (json(o.status) !== json(before.status)) return { action: 'status', text: kind === 'Pod' ? podStatusText(o) : replicasText(o) };
  return { action: 'update', text: 'metadata changed' };
}

/** Builds the trace of `root` from everything recorded so far; pure (recomputed as inputs arrive). */
export function buildTrace(root: TraceRoot, inputs: readonly TraceInput[], since: number): Trace {
  const versions = new Map<string, Version[]>();
  const events: { t: number; type: string; event: CoreEvent }[] = [];
  const storeByRevision = new Map<number, { t: number; event: StoreEvent }>();
  for (const input of inputs) {
    if ('store' in input) {
      for (const e of input.store) if (!storeByRevision.has(e.modRevision)) storeByRevision.set(e.modRevision, { t: input.t, event: e });
      continue;
    }
    const w = input.watch;
    if (w.type !== 'ADDED' && w.type !== 'MODIFIED' && w.type !== 'DELETED') continue;
    const uid = w.object.metadata?.uid;
    if (!uid) continue;
    if (w.object.kind === 'Event') {
      events.push({ t: input.t, type: w.type, event: w.object as CoreEvent });
      continue;
    }
    const list = versions.get(uid) ?? [];
    list.push({ t: input.t, type: w.type, object: w.object, rv: rvOf(w.object) });
    versions.set(uid, list);
  }

  // The traced set: objects named like the root, then (to a fixed point) everything they own.
  const traced = new Set<string>();
  for (const [uid, vs] of versions) {
    const m = vs[0].object;
    if (m.kind === root.kind && (m.metadata?.namespace ?? '') === root.namespace && m.metadata?.name === root.name) traced.add(uid);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [uid, vs] of versions) {
      if (traced.has(uid)) continue;
      if (vs.some((v) => v.object.metadata?.ownerReferences?.some((r) => traced.has(r.uid)))) {
        traced.add(uid);
        grew = true;
      }
    }
  }

  const steps: Omit<TraceStep, 'offset'>[] = [];
  const objects: { first: number; ref: ObjectRef }[] = [];
  const nodeOf = new Map<string, string>();
  for (const uid of traced) {
    const vs = versions.get(uid) ?? [];
    objects.push({ first: vs[0].t, ref: refOf(vs[0].object) });
    let before: ApiObject | undefined;
    for (const v of vs) {
      const node = (field(v.object, 'spec', 'nodeName') as string | undefined) ?? undefined;
      if (node) nodeOf.set(uid, node);
      const isNew = v.type === 'DELETED' || v.rv > since;
      // A watch re-delivers the current state after a RESET: not a write.
      const repeat = before && before.metadata?.resourceVersion === v.object.metadata?.resourceVersion && v.type !== 'DELETED';
      if (isNew && !repeat) {
        const what = describeWrite(before, v);
        // pods/binding records no managedFields entry (upstream neither): the scheduler is known from what changed.
        const entry = v.type === 'DELETED' || what.action === 'bind' ? undefined : writerOf(before, v.object, v.t, what.action === 'status');
        const stored = storeByRevision.get(v.rv);
        const key = stored && stored.event.key.endsWith(`/${v.object.metadata?.namespace ? `${v.object.metadata.namespace}/` : ''}${v.object.metadata?.name}`) ? stored.event.key : undefined;
        let lane: string;
        if (what.action === 'bind') lane = 'kube-scheduler';
        else if (v.type === 'DELETED' || (what.action === 'delete' && !entry)) lane = 'kube-apiserver';
        else lane = laneOfWriter(entry?.manager, entry, v.object, node);
        const path = lane === 'kube-apiserver' ? (key ? ['store'] : []) : key ? ['kube-apiserver', 'store'] : ['kube-apiserver'];
        const who = entry?.manager ? ` by ${entry.manager}${entry.subresource ? ` (${entry.subresource})` : ''}` : what.action === 'update' ? ' (writer not in managedFields)' : '';
        steps.push({
          id: `${uid}@${v.rv}:${v.type}`,
          t: key && stored ? Math.min(stored.t, v.t) : v.t,
          lane,
          path,
          action: what.action,
          summary: `${v.object.kind} ${v.object.metadata?.name} ${what.text}${who}`,
          object: refOf(v.object),
          revision: Number.isNaN(v.rv) ? undefined : v.rv,
          key,
          manager: entry?.manager,
          warning: false,
        });
      }
      before = v.object;
    }
  }

  const tracedByName = new Map<string, string>();
  for (const uid of traced) {
    const o = versions.get(uid)?.[0].object;
    if (o) tracedByName.set(`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, uid);
  }
  const seenCount = new Map<string, number>();
  for (const { t, type, event } of events) {
    const io = event.involvedObject ?? {};
    const uid = io.uid && traced.has(io.uid) ? io.uid : tracedByName.get(`${io.kind}/${io.namespace ?? ''}/${io.name}`);
    const euid = event.metadata?.uid ?? '';
    const count = event.count ?? 1;
    const known = seenCount.get(euid);
    seenCount.set(euid, count);
    if (!uid || type === 'DELETED' || rvOf(event) <= since || (known !== undefined && known >= count)) continue;
    const component = event.source?.component ?? event.reportingComponent ?? '?';
    const node = (event.source as { host?: string } | undefined)?.host ?? nodeOf.get(uid) ?? '?';
    const lane =
      component === 'default-scheduler' || component === 'kube-scheduler'
        ? 'kube-scheduler'
        : component === 'kubelet'
          ? `${RUNTIME_REASONS.has(event.reason ?? '') ? 'runtime' : 'kubelet'}@${node}`
          : component;
    steps.push({
      id: `event:${euid}:${count}`,
      t,
      lane,
      path: [],
      action: event.reason ?? 'Event',
      summary: `${event.reason ?? 'Event'}: ${event.message ?? ''}${count > 1 ? ` (×${count})` : ''}`,
      object: { kind: io.kind ?? '?', namespace: io.namespace ?? '', name: io.name ?? '?', uid },
      revision: rvOf(event),
      key: storeByRevision.get(rvOf(event))?.event.key,
      manager: component,
      warning: event.type === 'Warning',
    });
  }

  // Observation order; at one instant, the revision order (the store's order of commits).
  steps.sort((a, b) => a.t - b.t || (a.revision ?? 0) - (b.revision ?? 0));
  const start = steps[0]?.t ?? 0;
  const laneIds = new Set(steps.flatMap((s) => [s.lane, ...s.path]));
  return {
    root,
    objects: objects.sort((a, b) => a.first - b.first).map((o) => o.ref),
    lanes: [...laneIds].map(laneInfo).sort(compareLanes),
    steps: steps.map((s) => ({ ...s, offset: s.t - start })),
    storeFeed: storeByRevision.size > 0,
  };
}


/**
 * Where each step sits across the diagram (0..1): by its millisecond offset (`time`), or one slot per step in order
 * (`sequence`, readable when many steps share a few milliseconds). Steps on one lane at one spot stack side by side.
 */
export function placeSteps(trace: Trace, mode: 'time' | 'sequence'): Map<string, { x: number; stack: number }> {
  const span = Math.max(1, trace.steps.at(-1)?.offset ?? 0);
  const n = trace.steps.length;
  const placed = new Map<string, { x: number; stack: number }>();
  const taken = new Map<string, number>();
  trace.steps.forEach((s, i) => {
    const x = mode === 'time' ? s.offset / span : n > 1 ? i / (n - 1) : 0.5;
    const spot = `${s.lane}@${Math.round(x * 200)}`;
    const stack = taken.get(spot) ?? 0;
    taken.set(spot, stack + 1);
    placed.set(s.id, { x, stack });
  });
  return placed;
}
