/**
 * The node lifecycle controller (pkg/controller/nodelifecycle) and NoExecute taint
 * eviction (pkg/controller/tainteviction):
 * - every `nodeMonitorPeriodMs`, each node whose Lease in kube-node-lease (or Ready
 *   heartbeat) is older than `nodeMonitorGracePeriodMs` gets its conditions set Unknown;
 * - taints follow the conditions: not-ready / unreachable (NoSchedule and NoExecute),
 *   the pressure taints, unschedulable; they go away when the node is Ready again;
 * - pods on a node with NoExecute taints they do not tolerate are deleted at once, or
 *   after their tolerationSeconds.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { isDeepStrictEqual } from 'node:util';
import { StatusError } from '../../api/status.js';
import { LEASES, metaNamespaceKey, NODE_NAME_INDEX, NODES, PODS, podNodeNameIndexFunc, RateLimitingQueue, runController, splitMetaNamespaceKey } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { desiredTaints, evictionTime, lastProbe, unknownConditions } from './health.js';

export interface NodeLifecycleOptions {
  /** Upstream --node-monitor-grace-period: 40 s. */
  nodeMonitorGracePeriodMs?: number;
  /** Upstream --node-monitor-period: 5 s. */
  nodeMonitorPeriodMs?: number;
  workers?: number;
}

const rfc3339 = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const isStatus = (err: unknown, ...codes: number[]) => err instanceof StatusError && codes.includes(err.code);

export function startNodeLifecycleController(ctx: ControllerContext, opts: NodeLifecycleOptions = {}): RunningController[] {
  const grace = opts.nodeMonitorGracePeriodMs ?? 40_000;
  const period = opts.nodeMonitorPeriodMs ?? 5_000;
  const nodes = ctx.informers.informerFor<Node>(NODES);
  const leases = ctx.informers.informerFor<Lease>(LEASES, { namespace: 'kube-node-lease' });
  const pods = ctx.informers.informerFor<Pod>(PODS, { indexers: { [NODE_NAME_INDEX]: podNodeNameIndexFunc } });
  const recorder = ctx.recorder('node-controller');
  const evictRecorder = ctx.recorder('taint-eviction-controller');

  const nodeQueue = new RateLimitingQueue<string>();
  const podQueue = new RateLimitingQueue<string>();
  const enqueuePodsOf = (nodeName: string) => {
    for (const p of pods.indexer.byIndex(NODE_NAME_INDEX, nodeName)) podQueue.add(metaNamespaceKey(p));
  };
  nodes.addEventHandler({
    onAdd: (n) => {
      nodeQueue.add(n.metadata!.name!);
      enqueuePodsOf(n.metadata!.name!);
    },
    onUpdate: (o, n) => {
      nodeQueue.add(n.metadata!.name!);
      if (!isDeepStrictEqual(o.spec?.taints, n.spec?.taints)) enqueuePodsOf(n.metadata!.name!);
    },
  });
  leases.addEventHandler({ onUpdate: (_o, l) => nodeQueue.add(l.metadata!.name!) });
  pods.addEventHandler({ onAdd: (p) => p.spec?.nodeName && podQueue.add(metaNamespaceKey(p)), onUpdate: (_o, p) => p.spec?.nodeName && podQueue.add(metaNamespaceKey(p)) });
  const tick = setInterval(() => {
    for (const k of nodes.indexer.listKeys()) nodeQueue.add(k);
  }, period);
  tick.unref();

  async function updateNode(name: string, change: (n: Node) => Node | undefined, status: boolean): Promise<Node | undefined> {
    for (let i = 0; i < 5; i++) {
      const cur = await ctx.client.get<Node>(NODES, name, { signal: ctx.signal }).catch((err) => (isStatus(err, 404) ? undefined : Promise.reject(err)));
      if (!cur) return undefined;
      const next = change(cur);
      if (!next) return cur;
      try {
        return status ? await ctx.client.updateStatus<Node>(NODES, next, { signal: ctx.signal }) : await ctx.client.update<Node>(NODES, next, { signal: ctx.signal });
      } catch (err) {
        if (isStatus(err, 404)) return undefined;
        if (!isStatus(err, 409)) throw err;
      }
    }
    throw new Error(`node ${name}: too many conflicts`);
  }

  async function reconcileNode(name: string): Promise<void> {
    const cached = nodes.indexer.get(name);
    if (!cached) return;
    let node: Node | undefined = cached;
    const probe = lastProbe(cached, leases.indexer.getByName('kube-node-lease', name)?.spec?.renewTime);
    const wait = probe + grace - Date.now();
    if (wait <= 0) {
      // monitorNodeHealth: the kubelet stopped posting; mark conditions Unknown.
      const before = cached.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      node = await updateNode(name, (n) => {
        if (lastProbe(n, leases.indexer.getByName('kube-node-lease', name)?.spec?.renewTime) + grace > Date.now()) return undefined;
        const conditions = unknownConditions(n, rfc3339());
        return conditions && { ...n, status: { ...n.status, conditions } };
      }, true);
      if (node && before !== 'Unknown' && node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown') {
        recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      }
    } else {
      nodeQueue.addAfter(name, wait + 50);
    }
    if (!node) return;
    await updateNode(name, (n) => {
      const taints = desiredTaints(n, rfc3339());
      if (isDeepStrictEqual(taints, n.spec?.taints ?? [])) return undefined;
      return { ...n, spec: { ...n.spec, taints: taints.length ? taints : undefined } };
    }, false);
  }

  async function reconcilePod(key: string): Promise<void> {
    const pod = pods.indexer.get(key);
    if (!pod?.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
    const node = nodes.indexer.get(pod.spec.nodeName);
    if (!node) return;
    const at = evictionTime(node.spec?.taints ?? [], pod.spec.tolerations ?? []);
    if (at === undefined) return;
    const wait = at - Date.now();
    if (wait > 0) return podQueue.addAfter(key, wait + 10);
    const { namespace, name } = splitMetaNamespaceKey(key);
    evictRecorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    await ctx.client.delete(PODS, name, { namespace, preconditions: { uid: pod.metadata!.uid }, signal: ctx.signal }).catch((err) => {
      if (!isStatus(err, 404, 409)) throw err;
    });
  }

  const lifecycle = runController({ name: 'node-lifecycle', queue: nodeQueue, workers: opts.workers ?? 3, reconcile: reconcileNode, waitFor: [nodes, leases, pods], log: ctx.log });
  const eviction = runController({ name: 'taint-eviction', queue: podQueue, workers: opts.workers ?? 3, reconcile: reconcilePod, waitFor: [nodes, pods], log: ctx.log });
  return [
    {
      name: 'node-lifecycle',
      health: lifecycle.health,
      async stop() {
        clearInterval(tick);
        await lifecycle.stop();
      },
    },
    { name: 'taint-eviction', health: eviction.health, stop: eviction.stop },
  ];
}
