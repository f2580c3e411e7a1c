/**
 * The disruption controller (pkg/controller/disruption): keeps every
 * PodDisruptionBudget's status — expected, desired and currently healthy pods, how many
 * disruptions are allowed now, the DisruptionAllowed condition — so the eviction
 * subresource (which decrements disruptionsAllowed and records disruptedPods) can
 * refuse evictions that would break the budget. Budgets are recomputed when their
 * pods or the pods' controllers change, and again when a recorded disruption expires.
 */
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { StatusError } from '../../api/status.js';
import {
  DEPLOYMENTS,
  PODDISRUPTIONBUDGETS,
  PODS,
  REPLICASETS,
  REPLICATIONCONTROLLERS,
  RateLimitingQueue,
  STATEFULSETS,
  metaNamespaceKey,
  runController,
} from '../../client/index.js';
import type { KubeObject, SharedInformer } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { ScaleResolver } from '../podautoscaler/scale-resolver.js';
import { computeBudgetStatus, failSafeStatus, needsControllerScale, sameStatus } from './budget.js';
import { getExpectedScale } from './expected-scale.js';
import type { ScaleReader } from './expected-scale.js';

export interface DisruptionControllerOptions {
  workers?: number;
  /** Injectable clock, ms since the epoch. */
  now?: () => number;
}

export function startDisruptionController(ctx: ControllerContext, opts: DisruptionControllerOptions = {}): RunningController {
  const name = 'disruption';
  const now = opts.now ?? Date.now;
  const recorder = ctx.recorder('controllermanager');
  const queue = new RateLimitingQueue<string>();
  const pdbs = ctx.informers.informerFor<PodDisruptionBudget>(PODDISRUPTIONBUDGETS);
  const pods = ctx.informers.informerFor<Pod>(PODS);
  const replicaSets = ctx.informers.informerFor<ReplicaSet>(REPLICASETS);
  const deployments = ctx.informers.informerFor<Deployment>(DEPLOYMENTS);
  const rcs = ctx.informers.informerFor<ReplicationController>(REPLICATIONCONTROLLERS);
  const statefulSets = ctx.informers.informerFor<StatefulSet>(STATEFULSETS);
  const resolver = new ScaleResolver(ctx.client);

  const enqueue = (pdb: PodDisruptionBudget) => queue.add(metaNamespaceKey(pdb));
  const budgetsSelecting = (pod: Pod) =>
    pdbs.indexer.listInNamespace(pod.metadata?.namespace ?? '').filter((p) => safeSelector(p)?.matches(pod.metadata?.labels));
  const onPod = (pod: Pod) => budgetsSelecting(pod).forEach(enqueue);
  const onWorkload = (obj: KubeObject) => pdbs.indexer.listInNamespace(obj.metadata?.namespace ?? '').forEach(enqueue);

  pdbs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  pods.addEventHandler({
    onAdd: onPod,
    // Budgets selecting the pod before and after (its labels may have changed).
    onUpdate: (o, n) => {
      onPod(n);
      onPod(o);
    },
    onDelete: onPod,
  });
  for (const inf of [replicaSets, deployments, rcs, statefulSets] as SharedInformer<KubeObject>[]) {
    inf.addEventHandler({ onAdd: onWorkload, onUpdate: (_o, n) => onWorkload(n), onDelete: onWorkload });
  }

  // getScaleController: the scale subresource of any other controller kind.
  const readScale: ScaleReader = async (ref, namespace) => {
    const gvr = await resolver.resolve(ref.apiVersion, ref.kind);
    let scale: Scale;
    try {
      scale = await ctx.client.getScale(gvr, ref.name, { namespace, signal: ctx.signal });
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
    if (scale.metadata?.uid !== ref.uid) return undefined;
    return { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 };
  };

  async function trySync(pdb: PodDisruptionBudget): Promise<number | undefined> {
    const ns = pdb.metadata!.namespace!;
    const selector = selectorFromLabelSelector(pdb.spec?.selector);
    const selected = pods.indexer.listInNamespace(ns, selector);
    if (selected.length === 0) recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let controllerScale: number | undefined;
    if (needsControllerScale(pdb.spec)) {
      try {
        const expected = await getExpectedScale(selected, ns, {
          replicaSets: replicaSets.indexer,
          deployments: deployments.indexer,
          replicationControllers: rcs.indexer,
          statefulSets: statefulSets.indexer,
        }, readScale);
        controllerScale = expected.expectedCount;
        if (expected.unmanagedPods.length) {
          recorder.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${selector.toString()}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
        }
      } catch (err) {
        recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
        throw err;
      }
    }
    const t = now();
    const { status, recheckAt, overdue } = computeBudgetStatus({ spec: pdb.spec, status: pdb.status, generation: pdb.metadata?.generation, pods: selected, controllerScale, now: t });
    for (const podName of overdue) {
      const pod = pods.indexer.getByName(ns, podName);
      if (pod) recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${ns}/${pdb.metadata?.name} to be deleted but it wasn't`);
    }
    if (!sameStatus(pdb.status, status)) await writeStatus(pdb, status);
    return recheckAt;
  }

  async function writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudget['status']): Promise<void> {
    try {
      await ctx.client.updateStatus<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, { ...pdb, status }, { signal: ctx.signal });
    } catch (err) {
      // A newer budget (an eviction just wrote it) is on its way through the watch and will be synced then.
      if (err instanceof StatusError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
  }

  async function reconcile(key: string): Promise<void> {
    const pdb = pdbs.indexer.get(key);
    if (!pdb) return;
    let recheckAt: number | undefined;
    try {
      recheckAt = await trySync(pdb);
    } catch (err) {
      // failSafe: no disruptions while the budget cannot be computed; retried with backoff.
      await writeStatus(pdb, failSafeStatus(pdb.status, err, now()));
      throw err;
    }
    if (recheckAt !== undefined) queue.addAfter(key, Math.max(0, recheckAt - now()) + 1);
  }

  const c = runController({ name, queue, workers: opts.workers ?? 2, reconcile, waitFor: [pdbs, pods, replicaSets, deployments, rcs, statefulSets], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}

function safeSelector(pdb: PodDisruptionBudget) {
  try {
    return selectorFromLabelSelector(pdb.spec?.selector);
  } catch {
    return undefined;
  }
}
