/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go), serving
 * ReplicationControllers through the same code: keeps `spec.replicas` active pods per
 * owner — creating in slow-start bursts of 1, 2, 4, ... (at most 500 per sync),
 * deleting the cheapest pods first — adopts matching orphans, releases owned pods
 * that stopped matching, and reports status. Expectations keep it from acting twice
 * while its pod cache catches up with its own writes.
 */
import type { ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { metaNamespaceKey, PODS, RateLimitingQueue, runController, splitMetaNamespaceKey } from '../../client/index.js';
import type { EventRecorder, SharedInformer } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { ControllerExpectations } from '../shared/expectations.js';
import { ControllerRefManager, getControllerOf, ignoreConflict, newControllerRef } from '../shared/controller-ref.js';
import { podsToDelete } from '../shared/pod-ranking.js';
import { isPodActive, isPodReady } from '../shared/pod-status.js';
import { podFromTemplate } from '../shared/pod-template.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../shared/slow-start.js';
import { REPLICA_SET_KIND, REPLICATION_CONTROLLER_KIND } from './kinds.js';
import type { ReplicaSetKind, ReplicaSetLike } from './kinds.js';
import { calculateStatus, statusChanged } from './status.js';
import type { ManageError } from './status.js';

/** Upstream's BurstReplicas: the most pods created or deleted in one sync. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetControllerOptions {
  workers?: number;
  burstReplicas?: number;
  now?: () => number;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

class ReplicaSetController {
  readonly queue = new RateLimitingQueue<string>();
  readonly expectations: ControllerExpectations;
  private readonly rsInformer: SharedInformer<ReplicaSetLike>;
  private readonly podInformer: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;
  private readonly burst: number;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly kind: ReplicaSetKind,
    opts: ReplicaSetControllerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.burst = opts.burstReplicas ?? BURST_REPLICAS;
    this.expectations = new ControllerExpectations(this.now);
    this.recorder = ctx.recorder(kind.component);
    this.rsInformer = ctx.informers.informerFor<ReplicaSetLike>(kind.gvr);
    this.podInformer = ctx.informers.informerFor<Pod>(PODS);
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.queue.add(metaNamespaceKey(rs)),
      onUpdate: (_old, rs) => this.queue.add(metaNamespaceKey(rs)),
      onDelete: (rs) => {
        const key = metaNamespaceKey(rs);
        this.expectations.delete(key);
        this.queue.add(key);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  start(workers: number): RunningController {
    const c = runController({
      name: this.kind.component,
      queue: this.queue,
      workers,
      reconcile: (key) => ignoreConflict(this.sync(key)),
      waitFor: [this.rsInformer, this.podInformer],
      log: this.ctx.log,
    });
    return { name: this.kind.component, health: () => c.health(), stop: () => c.stop() };
  }

  /** The owner named by `pod`'s controllerRef, if it is one of ours and still the same object. */
  private resolveOwner(pod: Pod): ReplicaSetLike | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== this.kind.gvr.kind) return undefined;
    const rs = this.rsInformer.indexer.getByName(pod.metadata?.namespace, ref.name);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** Owners whose selector matches an orphan pod (getPodReplicaSets). */
  private matchingOwners(pod: Pod): ReplicaSetLike[] {
    return this.rsInformer.indexer
      .listInNamespace(pod.metadata?.namespace ?? '')
      .filter((rs) => this.kind.selector(rs).matches(pod.metadata?.labels) && !this.kind.selector(rs).isEmpty());
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    if (getControllerOf(pod)) {
      const rs = this.resolveOwner(pod);
      if (!rs) return;
      const key = metaNamespaceKey(rs);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    for (const rs of this.matchingOwners(pod)) this.queue.add(metaNamespaceKey(rs));
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
    if (pod.metadata?.deletionTimestamp) {
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = getControllerOf(old);
    const curRef = getControllerOf(pod);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const prev = this.resolveOwner(old);
      if (prev) this.queue.add(metaNamespaceKey(prev));
    }
    if (curRef) {
      const rs = this.resolveOwner(pod);
      if (!rs) return;
      const key = metaNamespaceKey(rs);
      this.queue.add(key);
      // A pod that just became ready becomes available minReadySeconds later: look again then.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0) this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingOwners(pod)) this.queue.add(metaNamespaceKey(rs));
  }

  private podDeleted(pod: Pod): void {
    const rs = this.resolveOwner(pod);
    if (!rs) return;
    const key = metaNamespaceKey(rs);
    this.expectations.deletionObserved(key, metaNamespaceKey(pod));
    this.queue.add(key);
  }

  /** syncReplicaSet. */
  private async sync(key: string): Promise<void> {
    const cached = this.rsInformer.indexer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = structuredClone(cached);
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selector(rs);
    const { namespace } = splitMetaNamespaceKey(key);
    const active = this.podInformer.indexer.listInNamespace(namespace ?? '').filter(isPodActive);
    const pods = await new ControllerRefManager<Pod>({ client: this.ctx.client, owner: rs, ownerGVR: this.kind.gvr, childGVR: PODS, selector }).claim(active);

    let manageError: ManageError | undefined;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      const diff = pods.length - (rs.spec?.replicas ?? 1);
      try {
        await this.manageReplicas(key, rs, pods, diff);
      } catch (err) {
        manageError = { diff, message: errorMessage(err) };
      }
    }
    const status = calculateStatus(rs, pods, manageError, this.now());
    const updated = statusChanged(rs, status) ? await this.updateStatus(rs, status) : rs;
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const s: Partial<ReplicaSetStatus> = updated.status ?? {};
    if (!manageError && minReady > 0 && s.readyReplicas === (rs.spec?.replicas ?? 1) && s.availableReplicas !== s.readyReplicas) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageError) throw new Error(manageError.message);
  }

  private async manageReplicas(key: string, rs: ReplicaSetLike, pods: Pod[], diff: number): Promise<void> {
    if (diff < 0) {
      const n = Math.min(-diff, this.burst);
      this.expectations.expectCreations(key, n);
      const ref = newControllerRef(rs, this.kind.apiVersion, this.kind.gvr.kind);
      const { successes, error } = await slowStartBatch(n, SLOW_START_INITIAL_BATCH_SIZE, () => this.createPod(rs, ref));
      // Batches never started will never be observed: stop expecting them.
      for (let i = successes; i < n; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      const n = Math.min(diff, this.burst);
      const victims = podsToDelete(pods, this.relatedPods(rs), n, this.now());
      this.expectations.expectDeletions(key, victims.map(metaNamespaceKey));
      const results = await Promise.allSettled(victims.map((p) => this.deletePod(key, rs, p)));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  }

  /** Active pods of every ReplicaSet with the same controller (getIndirectlyRelatedPods), for the doubled-up rule. */
  private relatedPods(rs: ReplicaSetLike): Pod[] {
    const owner = getControllerOf(rs);
    if (!owner) return [];
    const siblings = new Set(
      this.rsInformer.indexer
        .listInNamespace(rs.metadata?.namespace ?? '')
        .filter((o) => getControllerOf(o)?.uid === owner.uid)
        .map((o) => o.metadata?.uid),
    );
    return this.podInformer.indexer.listInNamespace(rs.metadata?.namespace ?? '').filter((p) => siblings.has(getControllerOf(p)?.uid));
  }

  private async createPod(rs: ReplicaSetLike, ref: ReturnType<typeof newControllerRef>): Promise<void> {
    const pod = podFromTemplate(rs.spec?.template, rs.metadata?.name ?? '', rs.metadata?.namespace, ref);
    try {
      const created = await this.ctx.client.create<Pod>(PODS, pod, { namespace: rs.metadata?.namespace });
      this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (err) {
      this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  }

  private async deletePod(key: string, rs: ReplicaSetLike, pod: Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      await this.ctx.client.delete(PODS, name, { namespace: pod.metadata?.namespace, preconditions: { uid: pod.metadata?.uid } });
      this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      // Its deletion will never be observed now.
      this.expectations.deletionObserved(key, metaNamespaceKey(pod));
      if (err instanceof StatusError && err.code === 404) return;
      this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** updateReplicaSetStatus: PUT status, re-reading once on a conflict. */
  private async updateStatus(rs: ReplicaSetLike, status: ReplicaSetLike['status']): Promise<ReplicaSetLike> {
    const client = this.ctx.client;
    try {
      return await client.updateStatus<ReplicaSetLike>(this.kind.gvr, { ...rs, status } as ReplicaSetLike);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      const fresh = await client.get<ReplicaSetLike>(this.kind.gvr, rs.metadata?.name ?? '', { namespace: rs.metadata?.namespace });
      const next = { ...fresh, status: { ...status, observedGeneration: fresh.metadata?.generation } } as ReplicaSetLike;
      return client.updateStatus<ReplicaSetLike>(this.kind.gvr, next);
    }
  }
}

function start(ctx: ControllerContext, kind: ReplicaSetKind, opts: ReplicaSetControllerOptions = {}): RunningController {
  return new ReplicaSetController(ctx, kind, opts).start(opts.workers ?? 5);
}

/** ControllerStarter for apps/v1 ReplicaSets (kube-controller-manager's `replicaset`, 5 workers). */
export function startReplicaSetController(ctx: ControllerContext, opts?: ReplicaSetControllerOptions): RunningController {
  return start(ctx, REPLICA_SET_KIND, opts);
}

/** ControllerStarter for v1 ReplicationControllers (`replicationcontroller`), the same code. */
export function startReplicationControllerController(ctx: ControllerContext, opts?: ReplicaSetControllerOptions): RunningController {
  return start(ctx, REPLICATION_CONTROLLER_KIND, opts);
}
