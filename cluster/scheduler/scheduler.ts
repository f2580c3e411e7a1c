/**
 * kube-scheduler in-process: informers feed the cache (bound pods, nodes) and the
 * queue (pending pods of `default-scheduler`); one loop pops a pod, runs the framework
 * synchronously, assumes the pod on the chosen node and binds it in the background
 * (the binding cycle), or — when nothing fits — runs PostFilter (preemption), writes
 * PodScheduled=False with upstream's message plus the decision annotation in one
 * status patch, records FailedScheduling, and parks the pod until the cluster changes.
 * It talks to the cluster only through the API (cluster/client).
 */
import type { Node, Pod, PersistentVolume, PersistentVolumeClaim, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { StatusError } from '../api/status.js';
import {
  NODES,
  PERSISTENTVOLUMECLAIMS,
  PERSISTENTVOLUMES,
  PODS,
  REPLICASETS,
  REPLICATIONCONTROLLERS,
  SERVICES,
  STATEFULSETS,
  STORAGECLASSES,
  waitForCacheSync,
} from '../client/index.js';
import type { EventHandler, EventRecorder, RestClient, SharedInformer, SharedInformerFactory } from '../client/index.js';
import { SchedulerCache } from './cache.js';
import { buildDecision, DECISION_ANNOTATION, decisionAnnotation, DecisionLog } from './decisions.js';
import type { Decision } from './decisions.js';
import { FitError } from './fit-error.js';
import { Framework } from './framework.js';
import { defaultSelectorFor, podPriority, volumeListers } from './listers.js';
import type { ListerInformers } from './listers.js';
import { MetricsRecorder } from './metrics.js';
import type { SchedulerMetrics } from './metrics.js';
import { PodInfo } from './pod-info.js';
import { DefaultBinder } from './plugins/default-binder.js';
import { DefaultPreemption } from './plugins/default-preemption.js';
import { DEFAULT_WEIGHTS, defaultPlugins } from './plugins/registry.js';
import { SchedulingQueue } from './queue.js';
import type { QueuedPod } from './queue.js';
import { PodScheduler } from './schedule-pod.js';
import { CycleState } from './types.js';
import type { ClusterEvent, Plugin } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  client: RestClient;
  informers: SharedInformerFactory;
  /** Records with source.component `default-scheduler`. */
  recorder: EventRecorder;
  log: (line: string) => void;
  signal: AbortSignal;
  /** 0 or unset: adaptive (50% − nodes/125, at least 5%, at least 100 nodes). */
  percentageOfNodesToScore?: number;
  /** Decisions kept in memory; default 500. */
  decisionHistory?: number;
  /** Backoff bounds; defaults 1 s and 10 s as upstream. */
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
}

export interface RunningScheduler {
  stop(): Promise<void>;
  metrics(): SchedulerMetrics;
  decisionFor(namespace: string, name: string): Decision | undefined;
  renderPrometheus(): string;
  /** Resolves once the informers synced and the loop runs (false if stopped first). */
  readonly ready: Promise<boolean>;
}

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const responsible = (p: Pod) => (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === DEFAULT_SCHEDULER_NAME;
const key = (p: Pod) => `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function startScheduler(opts: SchedulerOptions): RunningScheduler {
  const { client, informers, recorder, log } = opts;
  const pods = informers.informerFor<Pod>(PODS);
  const nodes = informers.informerFor<Node>(NODES);
  const li: ListerInformers = {
    pvcs: informers.informerFor<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS),
    pvs: informers.informerFor<PersistentVolume>(PERSISTENTVOLUMES),
    storageClasses: informers.informerFor<StorageClass>(STORAGECLASSES),
    services: informers.informerFor<Service>(SERVICES),
    replicaSets: informers.informerFor<ReplicaSet>(REPLICASETS),
    statefulSets: informers.informerFor<StatefulSet>(STATEFULSETS),
    replicationControllers: informers.informerFor<ReplicationController>(REPLICATIONCONTROLLERS),
  };
  const cache = new SchedulerCache();
  const decisions = new DecisionLog(opts.decisionHistory ?? 500);
  const metrics = new MetricsRecorder();
  /** nodeName → pods nominated there by preemption. */
  const nominations = new Map<string, Map<string, PodInfo>>();
  const nominatedNodeOf = new Map<string, string>();
  const nominatedPods = (node: string): readonly PodInfo[] => {
    const m = nominations.get(node);
    return m ? [...m.values()] : [];
  };
  const denominate = (k: string) => {
    const prev = nominatedNodeOf.get(k);
    if (prev) nominations.get(prev)?.delete(k);
    nominatedNodeOf.delete(k);
  };
  const nominate = (info: PodInfo, node: string | undefined) => {
    denominate(info.key);
    if (!node) return;
    nominatedNodeOf.set(info.key, node);
    let m = nominations.get(node);
    if (!m) nominations.set(node, (m = new Map()));
    m.set(info.key, info);
  };

  const plugins: Plugin[] = [
    ...defaultPlugins({ snapshot: () => cache, volumes: volumeListers(li), defaultSelector: defaultSelectorFor(li) }),
    new DefaultPreemption({
      framework: (): Framework => framework,
      snapshot: cache,
      nominatedPods,
      evict: async (victim, preemptor, node) => {
        metrics.preemptionVictims++;
        try {
          await client.delete(PODS, victim.name, { namespace: victim.namespace, preconditions: { uid: victim.pod.metadata?.uid } });
          recorder.event(victim.pod, 'Normal', 'Preempted', `Preempted by pod ${preemptor.pod.metadata?.uid ?? preemptor.key} on node ${node}`);
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      },
    }),
    new DefaultBinder(client),
  ];
  const framework: Framework = new Framework(plugins, DEFAULT_WEIGHTS);
  const pluginEvents = new Map<string, Set<ClusterEvent>>(plugins.map((p) => [p.name, new Set(p.events?.() ?? [])]));
  const queue = new SchedulingQueue({ pluginEvents, initialBackoffMs: opts.podInitialBackoffMs, maxBackoffMs: opts.podMaxBackoffMs });
  const podScheduler = new PodScheduler(framework, cache, { percentageOfNodesToScore: opts.percentageOfNodesToScore, nominatedPods });
  const infoOf = (p: Pod) => new PodInfo(p, podPriority(p));

  // --- informer handlers (eventhandlers.go) ---
  const podHandler: EventHandler<Pod> = {
    onAdd: (p) => {
      if (p.spec?.nodeName) {
        if (isTerminal(p)) return;
        cache.addOrUpdatePod(infoOf(p), p.spec.nodeName);
        queue.moveAll('PodAdd');
      } else if (responsible(p) && !p.metadata?.deletionTimestamp) {
        const info = infoOf(p);
        nominate(info, p.status?.nominatedNodeName);
        queue.add(info);
      }
    },
    onUpdate: (old, p) => {
      const k = key(p);
      if (p.spec?.nodeName) {
        queue.delete(k);
        denominate(k);
        if (isTerminal(p)) {
          cache.removePod(k);
          queue.moveAll('PodDelete');
          return;
        }
        cache.addOrUpdatePod(infoOf(p), p.spec.nodeName);
        if (!old.spec?.nodeName || !same(old.metadata?.labels, p.metadata?.labels)) queue.moveAll(old.spec?.nodeName ? 'PodUpdate' : 'PodAdd');
        return;
      }
      if (!responsible(p) || cache.isAssumed(k)) return;
      if (p.metadata?.deletionTimestamp) {
        queue.delete(k);
        return;
      }
      const info = infoOf(p);
      nominate(info, p.status?.nominatedNodeName);
      // Our own status writes (condition, annotation) do not make a parked pod schedulable (isPodUpdated).
      if (queue.has(k) && same(old.spec, p.spec) && same(old.metadata?.labels, p.metadata?.labels)) return;
      queue.update(info);
    },
    onDelete: (p) => {
      const k = key(p);
      queue.delete(k);
      denominate(k);
      if (cache.hasPod(k)) {
        cache.removePod(k);
        queue.moveAll('PodDelete');
      }
    },
  };
  const nodeHandler: EventHandler<Node> = {
    onAdd: (n) => {
      cache.addOrUpdateNode(n);
      queue.moveAll('NodeAdd');
    },
    onUpdate: (old, n) => {
      cache.addOrUpdateNode(n);
      if (!same(old.metadata?.labels, n.metadata?.labels)) queue.moveAll('NodeLabelChange');
      if (!same(old.spec?.taints, n.spec?.taints)) queue.moveAll('NodeTaintChange');
      if (!same(old.status?.allocatable, n.status?.allocatable)) queue.moveAll('NodeAllocatableChange');
      if (old.spec?.unschedulable !== n.spec?.unschedulable || !same(old.status?.images, n.status?.images)) queue.moveAll('NodeUpdate');
    },
    onDelete: (n) => cache.removeNode(n.metadata?.name ?? ''),
  };
  const moveOn = (ev: ClusterEvent) => ({ onAdd: () => queue.moveAll(ev), onUpdate: () => queue.moveAll(ev), onDelete: () => queue.moveAll(ev) });
  const unsubscribe = [
    nodes.addEventHandler(nodeHandler),
    pods.addEventHandler(podHandler),
    li.pvcs.addEventHandler(moveOn('PvcChange')),
    li.pvs.addEventHandler(moveOn('PvChange')),
    li.storageClasses.addEventHandler(moveOn('StorageClassChange')),
  ];

  // --- failure handling (handleSchedulingFailure + updatePod) ---
  const writeFailure = async (info: PodInfo, reason: string, message: string, nominatedNode: string | undefined, decision: Decision) => {
    const latest = pods.indexer.get(info.key) ?? info.pod;
    const cond = latest.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nnChanged = nominatedNode !== undefined && nominatedNode !== latest.status?.nominatedNodeName;
    // Upstream skips the write when the condition is unchanged and no nomination changes.
    if (!nnChanged && cond?.status === 'False' && cond.reason === reason && cond.message === message) return;
    const patch: Record<string, unknown> = {
      metadata: { annotations: { [DECISION_ANNOTATION]: decisionAnnotation(decision) } },
      status: {
        conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
        ...(nominatedNode !== undefined ? { nominatedNodeName: nominatedNode } : {}),
      },
    };
    try {
      await client.patch(PODS, info.name, patch, { namespace: info.namespace, subresource: 'status', type: 'strategic' });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) log(`scheduler: updating status of ${info.key}: ${(err as Error).message}`);
    }
  };

  const fail = (qp: QueuedPod, cycle: number, kind: 'unschedulable' | 'error', message: string, decision: Decision, plugins: Iterable<string>, nominatedNode?: string) => {
    const info = qp.info;
    decisions.record(info.namespace, info.name, decision);
    if (kind === 'unschedulable') queue.addUnschedulable(qp, cycle, plugins);
    else queue.addBackoff(qp);
    recorder.event(info.pod, 'Warning', 'FailedScheduling', message);
    void writeFailure(info, kind === 'unschedulable' ? 'Unschedulable' : 'SchedulerError', message, nominatedNode, decision);
  };

  // --- one pod (scheduleOne) ---
  const scheduleOne = async (qp: QueuedPod): Promise<void> => {
    const cycle = queue.schedulingCycle;
    const latest = pods.indexer.get(qp.info.key);
    if (!latest || latest.spec?.nodeName || latest.metadata?.deletionTimestamp || cache.hasPod(qp.info.key)) {
      queue.done(qp.info.key);
      return;
    }
    if (latest !== qp.info.pod) qp.info = infoOf(latest);
    const info = qp.info;
    const start = performance.now();
    const state = new CycleState();
    let result;
    try {
      result = podScheduler.schedule(info, state);
    } catch (err) {
      if (!(err instanceof FitError)) {
        metrics.attempt('error', (performance.now() - start) / 1000);
        fail(qp, cycle, 'error', (err as Error).message, buildDecision({ result: 'Error', message: (err as Error).message, evaluated: 0, feasible: [] }), []);
        return;
      }
      let nominatedNode: string | undefined;
      if (framework.postFilterPlugins.length && !err.diagnosis.preFilterStatus && err.numAllNodes > 0) {
        metrics.preemptionAttempts++;
        try {
          const r = await framework.runPostFilter(state, info, err.diagnosis.statuses);
          if (r.status) err.diagnosis.postFilterMessage = r.status.reasons.join(', ');
          nominatedNode = r.nominatedNodeName;
        } catch (perr) {
          log(`scheduler: preemption for ${info.key} failed: ${(perr as Error).message}`);
        }
      }
      const message = err.refresh();
      if (nominatedNode) nominate(info, nominatedNode);
      metrics.attempt('unschedulable', (performance.now() - start) / 1000);
      const decision = buildDecision({ result: 'Unschedulable', message, nominatedNode, evaluated: err.diagnosis.statuses.size, feasible: [], diagnosis: err.diagnosis });
      fail(qp, cycle, 'unschedulable', message, decision, err.diagnosis.unschedulablePlugins, nominatedNode);
      return;
    }
    const node = result.node;
    const decision = buildDecision({ result: 'Scheduled', node, evaluated: result.evaluated, feasible: result.feasible, diagnosis: result.diagnosis, scores: result.scores });
    // Assume first: the next cycle already sees this pod's requests on the node.
    cache.assumePod(info, node);
    const reserve = framework.runReserve(state, info, node) ?? framework.runPermit(state, info, node);
    if (reserve) {
      cache.forgetPod(info.key);
      metrics.attempt('error', (performance.now() - start) / 1000);
      fail(qp, cycle, 'error', reserve.reasons.join(', '), decision, []);
      return;
    }
    decisions.record(info.namespace, info.name, decision);
    // The binding cycle runs in the background, as upstream's goroutine does.
    void (async () => {
      const s = await framework.runBind(state, info, node, { [DECISION_ANNOTATION]: decisionAnnotation(decision) });
      if (s) {
        cache.forgetPod(info.key);
        framework.runUnreserve(state, info, node);
        metrics.attempt('error', (performance.now() - start) / 1000);
        const message = `binding rejected: ${s.reasons.join(', ')}`;
        fail(qp, cycle, 'error', message, { ...decision, result: 'Error', message }, []);
        queue.moveAll('PodDelete');
        return;
      }
      metrics.attempt('scheduled', (performance.now() - start) / 1000);
      metrics.e2e.observe((Date.now() - qp.initialTimestamp) / 1000);
      nominate(info, undefined);
      queue.done(info.key);
      recorder.event(info.pod, 'Normal', 'Scheduled', `Successfully assigned ${info.key} to ${node}`);
    })();
  };

  // --- the loop ---
  let stopped = false;
  const loop = async (): Promise<void> => {
    let lastYield = Date.now();
    for (;;) {
      const qp = await queue.pop();
      if (!qp || stopped) return;
      try {
        await scheduleOne(qp);
      } catch (err) {
        log(`scheduler: scheduling ${qp.info.key}: ${(err as Error).stack ?? String(err)}`);
        queue.addBackoff(qp);
      }
      // Let informer events and bind responses in between long runs of cycles.
      if (Date.now() - lastYield > 20) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
  };
  const syncAbort = new AbortController();
  const onAbort = () => void stop();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const all: SharedInformer<never>[] = [pods, nodes, ...Object.values(li)] as unknown as SharedInformer<never>[];
  const ready = waitForCacheSync(all, AbortSignal.any([opts.signal, syncAbort.signal])).then((ok) => {
    if (!ok || stopped) return false;
    running = loop();
    return true;
  });
  let running: Promise<void> | undefined;

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    opts.signal.removeEventListener('abort', onAbort);
    syncAbort.abort();
    queue.close();
    for (const u of unsubscribe) u();
    await ready;
    await running;
  }

  return {
    stop,
    ready,
    metrics: () => metrics.snapshot(queue.lengths(), cache.nodeCount(), cache.podCount()),
    decisionFor: (namespace, name) => decisions.get(namespace, name),
    renderPrometheus: () => metrics.render(queue.lengths()),
  };
}
