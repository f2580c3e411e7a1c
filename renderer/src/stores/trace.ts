/**
 * The trace view's data: while the view is open, watches of the root's kind and of what it may own (ReplicaSets, Jobs,
 * Pods) and of Events in the root's namespace, plus — when the host runs the control plane — the store feed under
 * /registry/ for that namespace; every delivery is recorded with its arrival time, and lib/trace correlates them into
 * steps. The baseline is the store revision when the trace started (without a store: the newest resourceVersion listed).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, toRaw, watch } from 'vue';
import type { ApiObject, ResourceRef, StoreEvent } from '../../../electron/preload/api';
import { useBridge } from '../bridge';
import type { Trace, TraceInput, TraceRoot, TraceStep } from '../lib/trace';
import { appendBounded } from '../lib/bounded';
import type { TraceMethods } from '../lib/trace-session';
import { isAbort, type RpcClient } from '../lib/worker-rpc';
import { spawnTraceWorker } from '../workers/clients';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' };
const REPLICASETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true, kind: 'Job' };
/** Deliveries kept per trace; the oldest go first (a long-open trace in a busy namespace). */
const MAX_INPUTS = 20_000;

/** Kinds the trace can start from, and where their objects are served. */
export const TRACEABLE: ResourceRef[] = [
  { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, kind: 'Deployment' },
  REPLICASETS,
  { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true, kind: 'StatefulSet' },
  { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true, kind: 'DaemonSet' },
  { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true, kind: 'CronJob' },
  JOBS,
  PODS,
];

const sameRef = (a: ResourceRef, b: ResourceRef) => a.group === b.group && a.resource === b.resource;

/** `/registry/<resource>/<namespace>/<name>` in `namespace`, leases aside (node heartbeats every few seconds). */
function inNamespace(e: StoreEvent, namespace: string): boolean {
  const parts = e.key.split('/');
  return parts.length === 5 && parts[3] === namespace && parts[2] !== 'leases';
}

export const useTraceStore = defineStore('trace', () => {
  const root = ref<TraceRoot | null>(null);
  const rootRef = ref<ResourceRef | null>(null);
  /** Every delivery, also here (a step's object is looked up in them); the worker holds its own copy to correlate. */
  let inputs: TraceInput[] = [];
  /** Revision the trace started at: writes at or below it are the state before. */
  const since = ref(0);
  const running = ref(false);
  const storeFeed = ref(false);
  const error = ref<string | null>(null);
  const selectedId = ref<string | null>(null);
  let stops: (() => void)[] = [];

  const trace = shallowRef<Trace | null>(null);
  /** A correlation is running in the worker (the view shows a spinner). */
  const building = ref(false);

  // The correlation runs in the trace worker: deliveries are sent in batches (one per task), and a new trace is asked
  // for when the last one arrived — at most one in flight, so a burst of deliveries costs a few correlations, not one each.
  let worker: RpcClient<TraceMethods> | undefined;
  const rpc = () => (worker ??= spawnTraceWorker());
  let outbox: TraceInput[] = [];
  let scheduled = false;
  let inFlight = false;
  let dirty = false;
  /** Bumped when the recorded deliveries are forgotten: older answers are dropped. */
  let epoch = 0;
  function refresh(): void {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => void correlate(), 0);
  }
  async function correlate(): Promise<void> {
    scheduled = false;
    if (inFlight) {
      dirty = true;
      return;
    }
    const r = root.value;
    if (!r) {
      trace.value = null;
      return;
    }
    const mine = epoch;
    const client = rpc();
    if (outbox.length) {
      client.call('record', [outbox, MAX_INPUTS]).catch((err: unknown) => (error.value = String(err)));
      outbox = [];
    }
    inFlight = true;
    building.value = true;
    try {
      const next = await client.call('build', [{ ...toRaw(r) }, since.value]);
      if (mine === epoch) trace.value = next;
    } catch (err) {
      if (!isAbort(err)) error.value = err instanceof Error ? err.message : String(err);
    } finally {
      inFlight = false;
      building.value = false;
      if (dirty) {
        dirty = false;
        refresh();
      }
    }
  }
  function forget(): void {
    epoch++;
    inputs = [];
    outbox = [];
    trace.value = null;
    void rpc().call('reset', []);
    refresh();
  }
  watch([root, since], refresh);
  const selected = computed<TraceStep | null>(() => trace.value?.steps.find((s) => s.id === selectedId.value) ?? null);

  /** The object (or Event) as the step's write left it, from what the watches delivered. */
  const selectedObject = computed<ApiObject | null>(() => {
    const step = selected.value;
    if (!step) return null;
    const wantedUid = step.id.startsWith('event:') ? step.id.split(':')[1] : step.object.uid;
    for (const input of inputs) {
      if (!('watch' in input) || !('object' in input.watch)) continue;
      const o = input.watch.object;
      if (o.metadata?.uid === wantedUid && Number(o.metadata?.resourceVersion) === step.revision) return o;
    }
    return null;
  });

  function record(input: TraceInput): void {
    appendBounded(inputs, [input], MAX_INPUTS);
    outbox.push(input);
    refresh();
  }

  /** Sets what to trace (the view starts following it when it opens). */
  function choose(next: TraceRoot, ref: ResourceRef): void {
    if (root.value && next.kind === root.value.kind && next.namespace === root.value.namespace && next.name === root.value.name) return;
    stop();
    root.value = next;
    rootRef.value = ref;
    forget();
    selectedId.value = null;
  }

  /** Starts following the chosen root (again): a new baseline when nothing was recorded yet. */
  async function start(): Promise<void> {
    const r = root.value;
    const kindRef = rootRef.value;
    if (running.value || !r || !kindRef) return;
    const bridge = await useBridge();
    if (!bridge) return;
    running.value = true;
    error.value = null;
    const watched = [kindRef, ...[REPLICASETS, JOBS, PODS, EVENTS].filter((k) => !sameRef(k, kindRef))];
    if (inputs.length === 0) {
      try {
        since.value = (await bridge.storeInfo()).revision;
        storeFeed.value = true;
      } catch {
        // No store here (not our control plane): every object now listed is the state before.
        storeFeed.value = false;
        const lists = await Promise.all(watched.map((k) => bridge.list(k, r.namespace).catch(() => [] as ApiObject[])));
        since.value = Math.max(0, ...lists.flat().map((o) => Number(o.metadata?.resourceVersion ?? 0)).filter((n) => !Number.isNaN(n)));
      }
    }
    if (!running.value) return; // stopped meanwhile
    for (const k of watched) {
      stops.push(
        bridge.watch(k, r.namespace, (event) => {
          if (event.type === 'ERROR') error.value = event.error.message;
          else record({ t: Date.now(), watch: event });
        }),
      );
    }
    if (storeFeed.value) {
      stops.push(
        bridge.watchStore('/registry/', (events) => {
          const mine = events.filter((e) => inNamespace(e, r.namespace));
          if (mine.length) record({ t: Date.now(), store: mine });
        }),
      );
    }
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
    running.value = false;
  }

  /** Forgets the steps so far and starts over from the current revision. */
  async function restart(): Promise<void> {
    stop();
    forget();
    selectedId.value = null;
    await start();
  }

  return { root, rootRef, since, running, storeFeed, error, trace, building, selectedId, selected, selectedObject, choose, start, stop, restart, record };
});
