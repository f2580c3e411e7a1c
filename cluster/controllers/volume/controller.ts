/**
 * The persistent volume controller (pkg/controller/volume/persistentvolume, reduced) with
 * the local-path provisioner built in:
 * - claims bind to the best matching Available volume (both sides written: PV claimRef
 *   and phase Bound; claim volumeName, bind-completed annotations and phase Bound);
 * - claims of a class whose provisioner is `kubarium.io/local-path` get a hostPath PV
 *   pinned to the node the scheduler picked (`volume.kubernetes.io/selected-node`) for
 *   WaitForFirstConsumer, or at once for Immediate;
 * - volumes whose claim is gone are Released, and deleted when their policy is Delete;
 * - a default StorageClass `standard` is created at start if there is no default class,
 *   and class-less claims get the default class (retroactive assignment, KEP-3333).
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { StatusError } from '../../api/status.js';
import { metaNamespaceKey, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, RateLimitingQueue, runController, splitMetaNamespaceKey, STORAGECLASSES } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { claimClass, defaultStorageClass, findBestMatch, isDefaultClass, PROVISIONER, provisionedVolume, SELECTED_NODE_ANNOTATION } from './matching.js';

export interface VolumeControllerOptions {
  workers?: number;
  /** Create the `standard` default class when no default exists (default true). */
  createDefaultStorageClass?: boolean;
  /** Where provisioned hostPath volumes live on nodes. */
  localPathBaseDir?: string;
}

const isStatus = (err: unknown, ...codes: number[]) => err instanceof StatusError && codes.includes(err.code);

export function startVolumeController(ctx: ControllerContext, opts: VolumeControllerOptions = {}): RunningController {
  const name = 'persistentvolume-binder';
  const client = ctx.client;
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
  const volumes = ctx.informers.informerFor<PersistentVolume>(PERSISTENTVOLUMES);
  const classes = ctx.informers.informerFor<StorageClass>(STORAGECLASSES);
  const recorder = ctx.recorder('persistentvolume-controller');
  const queue = new RateLimitingQueue<string>();
  const claimKey = (c: PersistentVolumeClaim) => queue.add(`claim:${metaNamespaceKey(c)}`);
  const volumeKey = (v: PersistentVolume) => {
    queue.add(`volume:${v.metadata!.name}`);
    const ref = v.spec?.claimRef;
    if (ref?.name) queue.add(`claim:${ref.namespace}/${ref.name}`);
  };
  claims.addEventHandler({ onAdd: claimKey, onUpdate: (_o, n) => claimKey(n), onDelete: (c) => {
    for (const v of volumes.indexer.list()) if (v.spec?.claimRef?.uid === c.metadata?.uid) queue.add(`volume:${v.metadata!.name}`);
  } });
  volumes.addEventHandler({ onAdd: volumeKey, onUpdate: (_o, n) => volumeKey(n) });
  classes.addEventHandler({ onAdd: () => { for (const c of claims.indexer.list()) if (c.status?.phase !== 'Bound') claimKey(c); } });
  queue.add('storageclass:default');

  async function ensureDefaultClass(): Promise<void> {
    if (opts.createDefaultStorageClass === false || classes.indexer.list().some(isDefaultClass)) return;
    await client.create(STORAGECLASSES, defaultStorageClass(), { signal: ctx.signal }).catch((err) => {
      if (!isStatus(err, 409)) throw err;
    });
  }

  async function setClaimBound(c: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    let claim = c;
    if (claim.spec?.volumeName !== pv.metadata!.name || claim.metadata?.annotations?.['pv.kubernetes.io/bind-completed'] !== 'yes') {
      const annotations: Record<string, string> = { ...claim.metadata?.annotations, 'pv.kubernetes.io/bind-completed': 'yes' };
      if (!claim.spec?.volumeName) annotations['pv.kubernetes.io/bound-by-controller'] = 'yes';
      claim = await client.update<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, { ...claim, metadata: { ...claim.metadata, annotations }, spec: { ...claim.spec, volumeName: pv.metadata!.name } }, { signal: ctx.signal });
    }
    if (claim.status?.phase !== 'Bound') {
      await client.updateStatus<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, { ...claim, status: { ...claim.status, phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity } }, { signal: ctx.signal });
    }
  }

  async function bindVolume(pv: PersistentVolume, c: PersistentVolumeClaim): Promise<PersistentVolume> {
    let v = pv;
    const ref = v.spec?.claimRef;
    if (!ref || ref.uid !== c.metadata?.uid) {
      const claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: c.metadata!.namespace, name: c.metadata!.name, uid: c.metadata!.uid, resourceVersion: c.metadata!.resourceVersion };
      const annotations = ref ? v.metadata?.annotations : { ...v.metadata?.annotations, 'pv.kubernetes.io/bound-by-controller': 'yes' };
      v = await client.update<PersistentVolume>(PERSISTENTVOLUMES, { ...v, metadata: { ...v.metadata, annotations }, spec: { ...v.spec, claimRef } }, { signal: ctx.signal });
    }
    if (v.status?.phase !== 'Bound') v = await client.updateStatus<PersistentVolume>(PERSISTENTVOLUMES, { ...v, status: { ...v.status, phase: 'Bound' } }, { signal: ctx.signal });
    return v;
  }

  async function syncClaim(key: string): Promise<void> {
    const c = claims.indexer.get(key);
    if (!c || c.metadata?.deletionTimestamp) return;
    if (c.spec?.volumeName) {
      const pv = volumes.indexer.get(c.spec.volumeName);
      if (!pv) {
        if (c.status?.phase === 'Bound') {
          await client.updateStatus(PERSISTENTVOLUMECLAIMS, { ...c, status: { ...c.status, phase: 'Lost' } }, { signal: ctx.signal });
          recorder.event(c, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
        }
        return;
      }
      if (pv.spec?.claimRef && pv.spec.claimRef.uid && pv.spec.claimRef.uid !== c.metadata?.uid) {
        recorder.event(c, 'Warning', 'FailedBinding', 'volume is already bound to another claim');
        return;
      }
      await setClaimBound(c, await bindVolume(pv, c));
      return;
    }
    if (c.spec?.storageClassName === undefined || c.spec.storageClassName === null) {
      // Retroactive default StorageClass assignment (KEP-3333): a class-less unbound claim gets the default.
      const def = classes.indexer.list().filter(isDefaultClass).sort((a, b) => (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? ''))[0];
      if (def) {
        try {
          await client.update(PERSISTENTVOLUMECLAIMS, { ...c, spec: { ...c.spec, storageClassName: def.metadata!.name } }, { signal: ctx.signal });
          return;
        } catch (err) {
          // An API server that refuses nil → class updates (422): treat the claim as class-less.
          if (!isStatus(err, 422)) throw err;
        }
      }
    }
    const pv = findBestMatch(volumes.indexer.list(), c);
    const sc = claimClass(c) ? classes.indexer.get(claimClass(c)) : undefined;
    const delayed = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const node = c.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    if (delayed && !node) {
      await pending(c);
      recorder.event(c, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    if (pv) {
      await setClaimBound(c, await bindVolume(pv, c));
      recorder.event(c, 'Normal', 'Bound', `Successfully bound to volume ${pv.metadata!.name}`);
      return;
    }
    await pending(c);
    if (sc?.provisioner === PROVISIONER) {
      const target = node ?? '';
      if (!target) {
        recorder.event(c, 'Warning', 'ProvisioningFailed', 'local-path volumes need a node: use volumeBindingMode WaitForFirstConsumer');
        return;
      }
      const annotations = { ...c.metadata?.annotations, 'volume.kubernetes.io/storage-provisioner': PROVISIONER, 'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER };
      if (c.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'] !== PROVISIONER) {
        await client.update(PERSISTENTVOLUMECLAIMS, { ...c, metadata: { ...c.metadata, annotations } }, { signal: ctx.signal });
      }
      try {
        const v = await client.create<PersistentVolume>(PERSISTENTVOLUMES, provisionedVolume(c, sc, target, opts.localPathBaseDir), { signal: ctx.signal });
        recorder.event(c, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${v.metadata!.name}`);
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
    } else if (!sc) {
      recorder.event(c, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    } else {
      recorder.event(c, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator.`);
    }
  }

  async function pending(c: PersistentVolumeClaim): Promise<void> {
    if (c.status?.phase === 'Pending') return;
    await client.updateStatus(PERSISTENTVOLUMECLAIMS, { ...c, status: { ...c.status, phase: 'Pending' } }, { signal: ctx.signal });
  }

  async function syncVolume(pvName: string): Promise<void> {
    const pv = volumes.indexer.get(pvName);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    const setPhase = async (phase: string) => {
      if (pv.status?.phase !== phase) await client.updateStatus(PERSISTENTVOLUMES, { ...pv, status: { ...pv.status, phase } }, { signal: ctx.signal });
    };
    if (!ref) return setPhase('Available');
    const c = claims.indexer.get(`${ref.namespace}/${ref.name}`);
    if (c && (!ref.uid || ref.uid === c.metadata?.uid)) {
      if (c.spec?.volumeName === pvName) await setPhase('Bound');
      return;
    }
    if (!ref.uid) return; // pre-bound to a claim that does not exist yet
    // The claim is gone: verify with the API (the cache may lag a new claim), then release.
    const live = await client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, ref.name!, { namespace: ref.namespace, signal: ctx.signal }).catch((err) => (isStatus(err, 404) ? undefined : Promise.reject(err)));
    if (live && live.metadata?.uid === ref.uid) return;
    await setPhase('Released');
    if ((pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain') === 'Delete') {
      await client.delete(PERSISTENTVOLUMES, pvName, { signal: ctx.signal }).catch((err) => {
        if (!isStatus(err, 404)) throw err;
      });
    }
  }

  async function reconcile(key: string): Promise<void> {
    const i = key.indexOf(':');
    const kind = key.slice(0, i);
    const rest = key.slice(i + 1);
    try {
      if (kind === 'storageclass') return await ensureDefaultClass();
      if (kind === 'claim') return await syncClaim(rest);
      if (kind === 'volume') return await syncVolume(splitMetaNamespaceKey(rest).name);
    } catch (err) {
      if (isStatus(err, 404)) return;
      throw err;
    }
  }

  const c = runController({ name, queue, workers: opts.workers ?? 1, reconcile, waitFor: [claims, volumes, classes], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}
