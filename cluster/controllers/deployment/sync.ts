/**
 * One Deployment sync with its writes (sync.go, rolling.go, recreate.go, progress.go):
 * find or create the new ReplicaSet (`<name>-<pod-template-hash>`, next revision),
 * then roll out (RollingUpdate or Recreate), scale (paused or scaling event), clean up
 * old ReplicaSets beyond revisionHistoryLimit, and write status. Decisions come from
 * the pure modules beside it; this file only applies them through the API.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { DEPLOYMENTS, REPLICASETS } from '../../client/index.js';
import type { EventRecorder, RestClient } from '../../client/index.js';
import { canonicalJson, computeHash } from '../shared/hash.js';
import { equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from '../shared/pod-template.js';
import { getControllerOf, newControllerRef } from '../shared/controller-ref.js';
import * as C from './conditions.js';
import { planScale } from './proportional.js';
import { planNewReplicaSet, planOldReplicaSets } from './rolling.js';
import type { ScaleStep } from './rolling.js';
import { calculateStatus, rolloutStatus, stuckRequeueAfterMs } from './status.js';
import * as U from './util.js';

export interface SyncDeps {
  client: RestClient;
  recorder: EventRecorder;
  now: () => number;
  /** Look at this Deployment again later (progress deadline checks). */
  requeueAfter(ms: number): void;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
const isCode = (err: unknown, code: number) => err instanceof StatusError && err.code === code;

export class DeploymentSync {
  /** The Deployment as last written (resourceVersion and status kept current). */
  private d: Deployment;

  constructor(
    private readonly deps: SyncDeps,
    d: Deployment,
    private rsList: ReplicaSet[],
    /** Active-or-not pods of this Deployment's ReplicaSets, by ReplicaSet UID (for Recreate). */
    private readonly podMap: Map<string, Pod[]>,
  ) {
    this.d = d;
  }

  async run(): Promise<void> {
    const d = this.d;
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly();
    await this.checkPausedConditions();
    if (d.spec?.paused) return this.sync();
    if (await this.isScalingEvent()) return this.sync();
    if (d.spec?.strategy?.type === 'Recreate') return this.rolloutRecreate();
    return this.rolloutRolling();
  }

  // ---- ReplicaSets and revisions ----

  /** getAllReplicaSetsAndSyncRevision. */
  private async getAllReplicaSets(create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const { allOld } = U.findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.getNewReplicaSet(allOld, create);
    return { newRS, oldRSs: allOld };
  }

  private async getNewReplicaSet(oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const existing = U.findNewReplicaSet(d, this.rsList);
    const newRevision = U.maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = U.setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsChanged || minReadyChanged) {
        copy.spec!.minReadySeconds = d.spec?.minReadySeconds;
        return this.replaceRS(await this.deps.client.update<ReplicaSet>(REPLICASETS, copy));
      }
      let needsUpdate = U.setDeploymentRevision(d, copy.metadata?.annotations?.[U.REVISION_ANNOTATION] ?? '');
      if (!C.getCondition(d.status, C.PROGRESSING) && U.hasProgressDeadline(d)) {
        d.status ??= {};
        C.setCondition(d.status, C.newCondition(C.PROGRESSING, 'True', C.FOUND_NEW_RS, `Found new replica set "${copy.metadata?.name}"`, this.deps.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateStatus(d.status ?? {});
      return copy;
    }
    if (!create) return undefined;

    const template = structuredClone(d.spec?.template ?? {});
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    template.metadata ??= {};
    template.metadata.labels = { ...template.metadata.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata?.name}-${hash}`,
        namespace: d.metadata?.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
    };
    rs.spec!.replicas = U.newRSNewReplicas(d, [...oldRSs, rs], rs);
    U.setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.deps.client.create<ReplicaSet>(REPLICASETS, rs);
    } catch (err) {
      if (!isCode(err, 409)) {
        if (U.hasProgressDeadline(d)) {
          d.status ??= {};
          const msg = `Failed to create new replica set "${rs.metadata!.name}": ${errorMessage(err)}`;
          C.setCondition(d.status, C.newCondition(C.PROGRESSING, 'False', C.FAILED_RS_CREATE, msg, this.deps.now()));
          await this.updateStatus(d.status).catch(() => undefined);
        }
        throw err;
      }
      // Ours already (the cache lags)? Otherwise a hash collision: bump collisionCount and retry.
      const found = await this.deps.client.get<ReplicaSet>(REPLICASETS, rs.metadata!.name!, { namespace: d.metadata?.namespace });
      if (getControllerOf(found)?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
        created = found;
        alreadyExisted = true;
      } else {
        const status = structuredClone(d.status ?? {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        await this.updateStatus(status);
        throw err;
      }
    }
    this.rsList.push(created);
    if (!alreadyExisted && U.rsReplicas(created) > 0) {
      this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} from 0 to ${U.rsReplicas(created)}`);
    }
    let needsUpdate = U.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && U.hasProgressDeadline(d)) {
      d.status ??= {};
      C.setCondition(d.status, C.newCondition(C.PROGRESSING, 'True', C.NEW_RS_CREATED, `Created new replica set "${created.metadata?.name}"`, this.deps.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus(d.status ?? {});
    return created;
  }

  /** Keeps rsList (and so every later decision) on the API server's latest copy. */
  private replaceRS(updated: ReplicaSet): ReplicaSet {
    const i = this.rsList.findIndex((r) => r.metadata?.uid === updated.metadata?.uid);
    if (i >= 0) Object.assign(this.rsList[i], updated);
    return i >= 0 ? this.rsList[i] : updated;
  }

  /** scaleReplicaSet: size and the desired/max annotations; ScalingReplicaSet event when the size changed. */
  private async scaleReplicaSet(rs: ReplicaSet, replicas: number): Promise<boolean> {
    const d = this.d;
    const desired = U.specReplicas(d);
    const max = desired + U.maxSurge(d);
    const sizeChanged = U.rsReplicas(rs) !== replicas;
    if (!sizeChanged && !U.replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
    const from = U.rsReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec!.replicas = replicas;
    U.setReplicasAnnotations(copy, desired, max);
    const updated = await this.deps.client.update<ReplicaSet>(REPLICASETS, copy);
    Object.assign(rs, updated);
    this.replaceRS(updated);
    if (sizeChanged) {
      const dir = from < replicas ? 'up' : 'down';
      this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata?.name} from ${from} to ${replicas}`);
    }
    return sizeChanged;
  }

  private async apply(steps: ScaleStep[]): Promise<boolean> {
    let scaled = false;
    for (const s of steps) if (await this.scaleReplicaSet(s.rs, s.replicas)) scaled = true;
    return scaled;
  }

  // ---- strategies ----

  private async rolloutRolling(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSets(true);
    const all = [...oldRSs, newRS!];
    const next = planNewReplicaSet(this.d, all, newRS!);
    if (next !== undefined && (await this.scaleReplicaSet(newRS!, next))) return this.syncRolloutStatus(all, newRS);
    if (await this.apply(planOldReplicaSets(this.d, all, U.filterActive(oldRSs), newRS!))) return this.syncRolloutStatus(all, newRS);
    if (U.deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(oldRSs);
    return this.syncRolloutStatus(all, newRS);
  }

  private async rolloutRecreate(): Promise<void> {
    let { newRS, oldRSs } = await this.getAllReplicaSets(false);
    let all = [...oldRSs, ...(newRS ? [newRS] : [])];
    if (await this.apply(U.filterActive(oldRSs).map((rs) => ({ rs, replicas: 0 })))) return this.syncRolloutStatus(all, newRS);
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(all, newRS);
    if (!newRS) {
      ({ newRS, oldRSs } = await this.getAllReplicaSets(true));
      all = [...oldRSs, newRS!];
    }
    await this.scaleReplicaSet(newRS!, U.specReplicas(this.d));
    if (U.deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(oldRSs);
    return this.syncRolloutStatus(all, newRS);
  }

  /** oldPodsRunning: Recreate waits until no old pod is left in a non-terminal phase. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (U.actualReplicaCount(oldRSs) > 0) return true;
    for (const [uid, pods] of this.podMap) {
      if (uid === newRS?.metadata?.uid) continue;
      if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
    }
    return false;
  }

  /** sync: scaling (and a paused Deployment's bookkeeping) without rolling out. */
  private async sync(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSets(false);
    await this.apply(planScale(this.d, newRS, oldRSs));
    if (this.d.spec?.paused) await this.cleanup(oldRSs);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    const status = calculateStatus(all, newRS, this.d, this.deps.now());
    if (canonicalJson(status) !== canonicalJson(this.d.status)) await this.updateStatus(status);
  }

  private async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSets(false);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    const status = calculateStatus(all, newRS, this.d, this.deps.now());
    if (canonicalJson(status) !== canonicalJson(this.d.status)) await this.updateStatus(status);
  }

  /** isScalingEvent: an active ReplicaSet's desired-replicas annotation disagrees with spec.replicas. */
  private async isScalingEvent(): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSets(false);
    return U.filterActive([...oldRSs, newRS]).some((rs) => {
      const v = rs.metadata?.annotations?.[U.DESIRED_REPLICAS_ANNOTATION];
      return v !== undefined && Number(v) !== U.specReplicas(this.d);
    });
  }

  /** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
  private async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!U.hasProgressDeadline(d)) return;
    const cond = C.getCondition(d.status, C.PROGRESSING);
    if (cond?.reason === C.TIMED_OUT) return;
    const paused = !!d.spec?.paused;
    const pausedCond = cond?.reason === C.PAUSED;
    let next: DeploymentStatus | undefined;
    if (paused && !pausedCond) {
      next = structuredClone(d.status ?? {});
      C.setCondition(next, C.newCondition(C.PROGRESSING, 'Unknown', C.PAUSED, 'Deployment is paused', this.deps.now()));
    } else if (!paused && pausedCond) {
      next = structuredClone(d.status ?? {});
      C.setCondition(next, C.newCondition(C.PROGRESSING, 'Unknown', C.RESUMED, 'Deployment is resumed', this.deps.now()));
    }
    if (next) await this.updateStatus(next);
  }

  /** cleanupDeployment: delete the oldest idle ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    if (!U.hasRevisionHistoryLimit(d)) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp).sort(U.byRevision);
    const diff = cleanable.length - (d.spec!.revisionHistoryLimit ?? 10);
    for (const rs of cleanable.slice(0, Math.max(0, diff))) {
      if ((rs.status?.replicas ?? 0) !== 0 || U.rsReplicas(rs) !== 0) continue;
      if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.deps.client.delete(REPLICASETS, rs.metadata!.name!, { namespace: rs.metadata?.namespace, preconditions: { uid: rs.metadata?.uid } });
      } catch (err) {
        if (!isCode(err, 404)) throw err;
      }
    }
  }

  private async syncRolloutStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.deps.now();
    const status = rolloutStatus(all, newRS, this.d, now);
    if (canonicalJson(status) === canonicalJson(this.d.status)) {
      const after = stuckRequeueAfterMs(this.d, status, now);
      if (after !== undefined) this.deps.requeueAfter(after);
      return;
    }
    await this.updateStatus(status);
  }

  /** UpdateStatus (annotations ride along, as upstream writes the revision this way). */
  private async updateStatus(status: DeploymentStatus): Promise<void> {
    const updated = await this.deps.client.updateStatus<Deployment>(DEPLOYMENTS, { ...this.d, status });
    this.d.metadata = updated.metadata;
    this.d.status = updated.status;
  }
}
