/**
 * The Deployment controller (pkg/controller/deployment/deployment_controller.go):
 * watches Deployments, ReplicaSets and pods through the shared informers, enqueues
 * the owning Deployment's key, and syncs one Deployment at a time (sync.ts).
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { DEPLOYMENTS, metaNamespaceKey, PODS, RateLimitingQueue, REPLICASETS, runController } from '../../client/index.js';
import type { EventRecorder, SharedInformer } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { ControllerRefManager, getControllerOf, ignoreConflict } from '../shared/controller-ref.js';
import { DeploymentSync } from './sync.js';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';



export interface DeploymentControllerOptions {
  workers?: number;
  now?: () => number;
}

class DeploymentController {
  readonly queue = new RateLimitingQueue<string>();
  private readonly dInformer: SharedInformer<Deployment>;
  private readonly rsInformer: SharedInformer<ReplicaSet>;
  private readonly podInformer: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: DeploymentControllerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.recorder = ctx.recorder(DEPLOYMENT_CONTROLLER);
    this.dInformer = ctx.informers.informerFor<Deployment>(DEPLOYMENTS);
    this.rsInformer = ctx.informers.informerFor<ReplicaSet>(REPLICASETS);
    this.podInformer = ctx.informers.informerFor<Pod>(PODS);
    const enqueue = (d: Deployment) => this.queue.add(metaNamespaceKey(d));
    this.dInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.rsChanged(undefined, rs),
      onUpdate: (old, rs) => this.rsChanged(old, rs),
      onDelete: (rs) => {
        const d = this.resolveOwner(rs);
        if (d) enqueue(d);
      },
    });
    // Recreate waits for old pods to be gone: look again when one goes.
    this.podInformer.addEventHandler({
      onDelete: (pod) => {
        const rsRef = getControllerOf(pod);
        const rs = rsRef?.kind === 'ReplicaSet' ? this.rsInformer.indexer.getByName(pod.metadata?.namespace, rsRef.name) : undefined;
        const d = rs && this.resolveOwner(rs);
        if (d?.spec?.strategy?.type === 'Recreate') enqueue(d);
      },
    });
  }

  start(workers: number): RunningController {
    const c = runController({
      name: DEPLOYMENT_CONTROLLER,
      queue: this.queue,
      workers,
      reconcile: (key) => ignoreConflict(this.sync(key)),
      waitFor: [this.dInformer, this.rsInformer, this.podInformer],
      log: this.ctx.log,
    });
    return { name: DEPLOYMENT_CONTROLLER, health: () => c.health(), stop: () => c.stop() };
  }

  private resolveOwner(rs: ReplicaSet): Deployment | undefined {
    const ref = getControllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.dInformer.indexer.getByName(rs.metadata?.namespace, ref.name);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  /** addReplicaSet / updateReplicaSet: the controller (old and new), or for orphans every matching Deployment. */
  private rsChanged(old: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (old && old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
    const oldRef = old && getControllerOf(old);
    const ref = getControllerOf(rs);
    if (old && oldRef && oldRef.uid !== ref?.uid) {
      const prev = this.resolveOwner(old);
      if (prev) this.queue.add(metaNamespaceKey(prev));
    }
    if (ref) {
      const d = this.resolveOwner(rs);
      if (d) this.queue.add(metaNamespaceKey(d));
      return;
    }
    const labelsChanged = !old || JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(rs.metadata?.labels ?? {});
    if (!labelsChanged && !oldRef) return;
    for (const d of this.dInformer.indexer.listInNamespace(rs.metadata?.namespace ?? '')) {
      const sel = selectorFromLabelSelector(d.spec?.selector);
      if (!sel.isEmpty() && sel.matches(rs.metadata?.labels)) this.queue.add(metaNamespaceKey(d));
    }
  }

  /** syncDeployment. */
  private async sync(key: string): Promise<void> {
    const cached = this.dInformer.indexer.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const ns = d.metadata?.namespace ?? '';
    const selector = selectorFromLabelSelector(d.spec?.selector);
    if (selector.isEmpty()) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await this.ctx.client.updateStatus<Deployment>(DEPLOYMENTS, { ...d, status: { ...d.status, observedGeneration: d.metadata?.generation } });
      }
      return;
    }
    const candidates = this.rsInformer.indexer.listInNamespace(ns).map((rs) => structuredClone(rs));
    const rsList = await new ControllerRefManager<ReplicaSet>({ client: this.ctx.client, owner: d, ownerGVR: DEPLOYMENTS, childGVR: REPLICASETS, selector }).claim(candidates);
    // getPodMapForDeployment: this Deployment's pods grouped by owning ReplicaSet.
    const podMap = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata?.uid ?? '', []]));
    for (const pod of this.podInformer.indexer.listInNamespace(ns, selector)) {
      const uid = getControllerOf(pod)?.uid;
      if (uid && podMap.has(uid)) podMap.get(uid)!.push(pod);
    }
    const deps = { client: this.ctx.client, recorder: this.recorder, now: this.now, requeueAfter: (ms: number) => this.queue.addAfter(key, ms) };
    await new DeploymentSync(deps, d, rsList, podMap).run();
  }
}

/** ControllerStarter for apps/v1 Deployments (kube-controller-manager's `deployment`, 5 workers). */
export function startDeploymentController(ctx: ControllerContext, opts: DeploymentControllerOptions = {}): RunningController {
  return new DeploymentController(ctx, opts).start(opts.workers ?? 5);
}
