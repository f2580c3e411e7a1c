/**
 * The DaemonSet controller (pkg/controller/daemon/daemon_controller.go): one pod per
 * eligible node, pinned with node affinity so the scheduler binds it; rolling updates
 * driven by ControllerRevisions and the `controller-revision-hash` label; status for
 * `kubectl rollout status ds/x`.
 */
import type { ControllerRevision, DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import {
  CONTROLLERREVISIONS,
  DAEMONSETS,
  NODES,
  PODS,
  RateLimitingQueue,
  metaNamespaceKey,
  runController,
  type KubeObject,
  type SharedInformer,
} from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { ControllerExpectations } from '../shared/index.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  CONTROLLER_UID_INDEX,
  controllerOf,
  controllerRefTo,
  controllerUidIndexFunc,
  ensureCurrentRevision,
  revisionHash,
  revisionsToPrune,
  sameStatus,
} from '../history/index.js';
import { pinToNode, withDaemonTolerations } from './eligibility.js';
import { planDaemonSet } from './plan.js';

export interface DaemonSetControllerOptions {
  workers?: number;
  now?: () => number;
}

/** Label upstream still sets on daemon pods (deprecated, the DaemonSet's generation). */
export const DAEMONSET_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** The pod for one node: template + hash label + daemon tolerations + node pinning + controller ref. */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const template = structuredClone(ds.spec?.template ?? {});
  const spec = pinToNode({ ...(template.spec ?? { containers: [] }), tolerations: withDaemonTolerations(template.spec) }, nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...template.metadata,
      generateName: `${ds.metadata?.name}-`,
      namespace: ds.metadata?.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash, [DAEMONSET_TEMPLATE_GENERATION_LABEL]: String(ds.metadata?.generation ?? 1) },
      ownerReferences: [controllerRefTo({ ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet' })],
    },
    spec,
  };
}

const ignoreNotFound = (err: unknown) => {
  if (!(err instanceof StatusError && err.code === 404)) throw err;
};

export function startDaemonSetController(ctx: ControllerContext, opts: DaemonSetControllerOptions = {}): RunningController {
  const name = 'daemonset-controller';
  const now = opts.now ?? Date.now;
  const recorder = ctx.recorder(name);
  const queue = new RateLimitingQueue<string>();
  const sets = ctx.informers.informerFor<DaemonSet>(DAEMONSETS);
  const nodes = ctx.informers.informerFor<Node>(NODES);
  const pods = ctx.informers.informerFor<Pod>(PODS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUidIndexFunc } });
  const revisions = ctx.informers.informerFor<ControllerRevision>(CONTROLLERREVISIONS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUidIndexFunc } });

  // Pods asked for but not yet in the cache: no more until they are (upstream's expectations).
  const expectations = new ControllerExpectations();
  const enqueue = (obj: KubeObject) => queue.add(metaNamespaceKey(obj));
  const ownerKey = (obj: KubeObject) => {
    const ref = controllerOf(obj.metadata);
    return ref?.kind === 'DaemonSet' ? `${obj.metadata?.namespace}/${ref.name}` : undefined;
  };
  const enqueueOwner = (obj: KubeObject) => {
    const k = ownerKey(obj);
    if (k) queue.add(k);
  };
  const enqueueAll = () => {
    for (const k of sets.indexer.listKeys()) queue.add(k);
  };
  sets.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  pods.addEventHandler({
    onAdd: (p) => {
      const k = ownerKey(p);
      if (k) expectations.creationObserved(k);
      enqueueOwner(p);
    },
    onUpdate: (o, n) => {
      const k = ownerKey(n);
      if (k && n.metadata?.deletionTimestamp && !o.metadata?.deletionTimestamp) expectations.deletionObserved(k, metaNamespaceKey(n));
      enqueueOwner(o);
      enqueueOwner(n);
    },
    onDelete: (p) => {
      const k = ownerKey(p);
      if (k) expectations.deletionObserved(k, metaNamespaceKey(p));
      enqueueOwner(p);
    },
  });
  revisions.addEventHandler({ onDelete: enqueueOwner });
  // Any node change may change eligibility (labels, taints) — resync every DaemonSet, as upstream's node handlers do in effect.
  nodes.addEventHandler({ onAdd: enqueueAll, onUpdate: (o, n) => (o.metadata?.resourceVersion !== n.metadata?.resourceVersion ? enqueueAll() : undefined), onDelete: enqueueAll });

  async function reconcile(key: string): Promise<void> {
    const ds = sets.indexer.get(key);
    if (!ds) return expectations.delete(key);
    if (ds.metadata?.deletionTimestamp) return;
    const uid = ds.metadata?.uid ?? '';
    const namespace = ds.metadata?.namespace ?? '';
    const parent = { ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet' };
    const owned = revisions.indexer.byIndex(CONTROLLER_UID_INDEX, uid);
    const { revision, collisionCount } = await ensureCurrentRevision(ctx.client, parent, owned, ds.status?.collisionCount ?? 0);
    const hash = revisionHash(revision);
    const children = pods.indexer.byIndex(CONTROLLER_UID_INDEX, uid);
    const nowMs = now();
    const plan = planDaemonSet({ ds, nodes: nodes.indexer.list(), pods: children, hash, nowMs, collisionCount });
    if (!expectations.satisfied(key)) {
      plan.createOn = [];
      plan.deletePods = [];
    } else if (plan.deletePods.length) {
      // One kind of expectation at a time (creations follow once the deletions are seen).
      if (plan.createOn.length) queue.add(key);
      plan.createOn = [];
      expectations.expectDeletions(key, plan.deletePods.map(metaNamespaceKey));
    } else if (plan.createOn.length) {
      expectations.expectCreations(key, plan.createOn.length);
    }

    const results = await Promise.allSettled([
      ...plan.createOn.map(async (nodeName) => {
        try {
          const pod = await ctx.client.create<Pod>(PODS, newDaemonPod(ds, nodeName, hash), { namespace });
          recorder.event(parent, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
        } catch (err) {
          expectations.creationObserved(key);
          throw err;
        }
      }),
      ...plan.deletePods.map(async (p) => {
        try {
          await ctx.client.delete(PODS, p.metadata!.name!, { namespace });
          recorder.event(parent, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
        } catch (err) {
          expectations.deletionObserved(key, metaNamespaceKey(p));
          ignoreNotFound(err);
        }
      }),
    ]);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) recorder.event(parent, 'Warning', 'FailedDaemonPod', (failure.reason as Error).message);

    // cleanupHistory: keep revisionHistoryLimit old revisions that no live pod uses.
    const liveHashes = new Set(children.map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? ''));
    const prune = revisionsToPrune(owned, new Set([revision.metadata?.name ?? '']), liveHashes, ds.spec?.revisionHistoryLimit ?? 10);
    await Promise.all(prune.map((r) => ctx.client.delete(CONTROLLERREVISIONS, r.metadata!.name!, { namespace }).catch(ignoreNotFound)));

    if (!sameStatus(plan.status, ds.status)) await ctx.client.updateStatus<DaemonSet>(DAEMONSETS, { ...ds, status: plan.status });
    if (failure) throw failure.reason;
    if (plan.requeueAfterMs !== undefined) queue.addAfter(key, plan.requeueAfterMs + 10);
  }

  const controller = runController({
    name,
    queue,
    workers: opts.workers ?? 2,
    reconcile,
    waitFor: [sets, nodes, pods, revisions] as unknown as SharedInformer<KubeObject>[],
    log: ctx.log,
  });
  return { name, health: controller.health, stop: controller.stop };
}

