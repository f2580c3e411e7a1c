/**
 * The StatefulSet controller (pkg/controller/statefulset): stable pod names and claims,
 * ordered (or parallel) creation and scale-down, RollingUpdate with partition via
 * ControllerRevisions, claim retention (whenDeleted / whenScaled) through owner
 * references left for the garbage collector, and status for `kubectl rollout status sts/x`.
 */
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { StatusError } from '../../api/status.js';
import {
  CONTROLLERREVISIONS,
  PERSISTENTVOLUMECLAIMS,
  PODS,
  RateLimitingQueue,
  STATEFULSETS,
  metaNamespaceKey,
  runController,
  type KubeObject,
  type SharedInformer,
} from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  CONTROLLER_UID_INDEX,
  controllerOf,
  controllerUidIndexFunc,
  ensureCurrentRevision,
  revisionsToPrune,
  sameStatus,
  templateOfRevision,
} from '../history/index.js';
import { claimsFor, newStatefulSetPod, ordinalOf } from './identity.js';
import { planStatefulSet } from './plan.js';

export interface StatefulSetControllerOptions {
  workers?: number;
  now?: () => number;
}

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;
const isAlreadyExists = (err: unknown) => err instanceof StatusError && err.code === 409;

function ownerRef(obj: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: obj.metadata?.name ?? '', uid: obj.metadata?.uid ?? '' };
}

export function startStatefulSetController(ctx: ControllerContext, opts: StatefulSetControllerOptions = {}): RunningController {
  const name = 'statefulset-controller';
  const now = opts.now ?? Date.now;
  const recorder = ctx.recorder(name);
  const queue = new RateLimitingQueue<string>();
  const sets = ctx.informers.informerFor<StatefulSet>(STATEFULSETS);
  const pods = ctx.informers.informerFor<Pod>(PODS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUidIndexFunc } });
  const revisions = ctx.informers.informerFor<ControllerRevision>(CONTROLLERREVISIONS, { indexers: { [CONTROLLER_UID_INDEX]: controllerUidIndexFunc } });
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);

  const enqueue = (obj: KubeObject) => queue.add(metaNamespaceKey(obj));
  const enqueueOwner = (obj: KubeObject) => {
    const ref = controllerOf(obj.metadata);
    if (ref?.kind === 'StatefulSet') queue.add(`${obj.metadata?.namespace}/${ref.name}`);
  };
  sets.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  pods.addEventHandler({ onAdd: enqueueOwner, onUpdate: (o, n) => (enqueueOwner(o), enqueueOwner(n)), onDelete: enqueueOwner });
  revisions.addEventHandler({ onDelete: enqueueOwner });

  /** Creates the pod's missing claims (the set owns them when whenDeleted is Delete). */
  async function ensureClaims(set: StatefulSet, ordinal: number, podName: string): Promise<void> {
    const retainOnDelete = (set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain') === 'Retain';
    for (const claim of claimsFor(set, ordinal)) {
      if (claims.indexer.getByName(claim.metadata?.namespace, claim.metadata!.name!)) continue;
      if (!retainOnDelete) claim.metadata!.ownerReferences = [ownerRef(set, 'apps/v1', 'StatefulSet')];
      try {
        await ctx.client.create(PERSISTENTVOLUMECLAIMS, claim);
        recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata?.name} Pod ${podName} in StatefulSet ${set.metadata?.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata?.name} for Pod ${podName} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  /** whenScaled: Delete — a condemned pod's claims get the pod as owner, so they go with it. */
  async function releaseClaimsWithPod(set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
    if ((set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') !== 'Delete') return;
    for (const c of claimsFor(set, ordinal)) {
      const live = claims.indexer.getByName(c.metadata?.namespace, c.metadata!.name!);
      if (!live || live.metadata?.ownerReferences?.some((o) => o.uid === pod.metadata?.uid)) continue;
      const refs = [...(live.metadata?.ownerReferences ?? []), ownerRef(pod, 'v1', 'Pod')];
      await ctx.client.patch(PERSISTENTVOLUMECLAIMS, live.metadata!.name!, { metadata: { ownerReferences: refs, resourceVersion: live.metadata?.resourceVersion } }, { namespace: live.metadata?.namespace, type: 'merge' });
    }
  }

  async function reconcile(key: string): Promise<void> {
    const set = sets.indexer.get(key);
    if (!set || set.metadata?.deletionTimestamp) return;
    const uid = set.metadata?.uid ?? '';
    const namespace = set.metadata?.namespace ?? '';
    const parent: StatefulSet = { ...set, apiVersion: 'apps/v1', kind: 'StatefulSet' };
    const owned = revisions.indexer.byIndex(CONTROLLER_UID_INDEX, uid);
    const { revision: update, collisionCount } = await ensureCurrentRevision(ctx.client, parent, owned, set.status?.collisionCount ?? 0);
    const known = [...owned.filter((r) => r.metadata?.name !== update.metadata?.name), update];
    const current = known.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    const byName = new Map(known.map((r) => [r.metadata?.name ?? '', r]));
    const children = pods.indexer.byIndex(CONTROLLER_UID_INDEX, uid);
    const plan = planStatefulSet({ set, pods: children, currentRevision: current.metadata!.name!, updateRevision: update.metadata!.name!, nowMs: now(), collisionCount });

    for (const pod of plan.deletePods) {
      if (plan.condemned.includes(pod)) await releaseClaimsWithPod(set, pod, ordinalOf(set, pod)!);
      try {
        await ctx.client.delete(PODS, pod.metadata!.name!, { namespace, preconditions: { uid: pod.metadata?.uid } });
        recorder.event(parent, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const created = await Promise.allSettled(
      plan.create.map(async ({ ordinal, revision }) => {
        const rev = byName.get(revision) ?? update;
        const pod = newStatefulSetPod(set, templateOfRevision(rev), ordinal, rev.metadata!.name!);
        await ensureClaims(set, ordinal, pod.metadata!.name!);
        try {
          await ctx.client.create<Pod>(PODS, pod, { namespace });
          recorder.event(parent, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
        } catch (err) {
          if (isAlreadyExists(err)) return; // the old pod is still going away
          recorder.event(parent, 'Warning', 'FailedCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`);
          throw err;
        }
      }),
    );

    // truncateHistory: keep revisionHistoryLimit revisions besides the current and update ones and those pods use.
    const liveRevisions = new Set(children.map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? ''));
    const prune = revisionsToPrune(known, new Set([current.metadata!.name!, update.metadata!.name!, ...liveRevisions]), new Set(), set.spec?.revisionHistoryLimit ?? 10);
    await Promise.all(prune.map((r) => ctx.client.delete(CONTROLLERREVISIONS, r.metadata!.name!, { namespace }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)))));

    if (!sameStatus(plan.status, set.status)) await ctx.client.updateStatus<StatefulSet>(STATEFULSETS, { ...set, status: plan.status });
    const failed = created.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (plan.requeueAfterMs !== undefined) queue.addAfter(key, plan.requeueAfterMs + 10);
  }

  const controller = runController({
    name,
    queue,
    workers: opts.workers ?? 2,
    reconcile,
    waitFor: [sets, pods, revisions, claims] as unknown as SharedInformer<KubeObject>[],
    log: ctx.log,
  });
  return { name, health: controller.health, stop: controller.stop };
}
