/**
 * Controller references and the ControllerRefManager (pkg/controller/
 * controller_ref_manager.go): an owner claims the objects its selector matches —
 * adopting orphans (adding an ownerReference with controller: true), keeping those it
 * already controls, and releasing those it controls that no longer match. Adoption
 * first re-reads the owner from the API server (RecheckDeletionTimestamp), so a
 * deleted-and-recreated or terminating owner never adopts.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Selector } from '../../api/labels.js';
import { StatusError } from '../../api/status.js';
import type { GVR, KubeObject, RestClient } from '../../client/index.js';

/** metav1.GetControllerOf. */
export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef (blockOwnerDeletion so foreground deletion waits for the child). */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export type ClaimDecision = 'own' | 'adopt' | 'release' | 'ignore';

/** ClaimObject's decision for one object, without I/O. */
export function claimDecision(owner: KubeObject, obj: KubeObject, selector: Selector): ClaimDecision {
  const ref = getControllerOf(obj);
  const matches = selector.matches(obj.metadata?.labels);
  const ownerDeleting = !!owner.metadata?.deletionTimestamp;
  if (ref) {
    if (ref.uid !== owner.metadata?.uid) return 'ignore';
    if (matches) return 'own';
    // Ours but no longer matching: release, unless the owner is going away anyway.
    return ownerDeleting ? 'ignore' : 'release';
  }
  if (ownerDeleting || !matches) return 'ignore';
  if (obj.metadata?.deletionTimestamp) return 'ignore';
  if (obj.metadata?.namespace !== owner.metadata?.namespace) return 'ignore';
  return 'adopt';
}

export interface RefManagerOptions {
  client: RestClient;
  /** The owner, as the informer cache has it. */
  owner: KubeObject;
  ownerGVR: GVR;
  /** The children's resource (pods, replicasets). */
  childGVR: GVR;
  selector: Selector;
}

const isCode = (err: unknown, ...codes: number[]) => err instanceof StatusError && codes.includes(err.code);

export class ControllerRefManager<T extends KubeObject> {
  private adoptable?: Promise<void>;

  constructor(private readonly o: RefManagerOptions) {}

  /**
   * Claims `objs`: returns those the owner controls afterwards (adopted ones included,
   * as the API server returned them). Throws the first adopt/release error after trying all.
   */
  async claim(objs: readonly T[]): Promise<T[]> {
    const claimed: T[] = [];
    let firstError: unknown;
    for (const obj of objs) {
      try {
        switch (claimDecision(this.o.owner, obj, this.o.selector)) {
          case 'own':
            claimed.push(obj);
            break;
          case 'adopt': {
            const adopted = await this.adopt(obj);
            if (adopted) claimed.push(adopted);
            break;
          }
          case 'release':
            await this.release(obj);
            break;
          case 'ignore':
            break;
        }
      } catch (err) {
        firstError ??= err;
      }
    }
    if (firstError !== undefined) throw firstError;
    return claimed;
  }

  /** RecheckDeletionTimestamp: an uncached read of the owner, once per claim. */
  private canAdopt(): Promise<void> {
    this.adoptable ??= (async () => {
      const { owner, ownerGVR, client } = this.o;
      const m = owner.metadata ?? {};
      const fresh = await client.get<KubeObject>(ownerGVR, m.name ?? '', { namespace: m.namespace });
      if (fresh.metadata?.uid !== m.uid) throw new Error(`original ${ownerGVR.kind} ${m.namespace}/${m.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${m.uid}`);
      if (fresh.metadata?.deletionTimestamp) throw new Error(`${m.namespace}/${m.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    })();
    return this.adoptable;
  }

  private async adopt(obj: T): Promise<T | undefined> {
    await this.canAdopt();
    const { owner, ownerGVR, childGVR, client } = this.o;
    const ref = newControllerRef(owner, ownerGVR.group ? `${ownerGVR.group}/${ownerGVR.version}` : ownerGVR.version, ownerGVR.kind);
    const m = obj.metadata ?? {};
    // JSON patch guarded by uid and resourceVersion: the object must still be the orphan we saw.
    const patch = [
      { op: 'test', path: '/metadata/uid', value: m.uid },
      { op: 'test', path: '/metadata/resourceVersion', value: m.resourceVersion },
      { op: 'add', path: '/metadata/ownerReferences', value: [...(m.ownerReferences ?? []), ref] },
    ];
    try {
      return await client.patch<T>(childGVR, m.name ?? '', patch, { namespace: m.namespace, type: 'json' });
    } catch (err) {
      if (isCode(err, 404)) return undefined; // gone: nothing to adopt
      throw err;
    }
  }

  private async release(obj: T): Promise<void> {
    const { owner, childGVR, client } = this.o;
    const m = obj.metadata ?? {};
    const i = (m.ownerReferences ?? []).findIndex((r) => r.uid === owner.metadata?.uid);
    if (i < 0) return;
    const patch = [
      { op: 'test', path: '/metadata/uid', value: m.uid },
      { op: 'test', path: `/metadata/ownerReferences/${i}/uid`, value: owner.metadata?.uid },
      { op: 'remove', path: `/metadata/ownerReferences/${i}` },
    ];
    try {
      await client.patch<T>(childGVR, m.name ?? '', patch, { namespace: m.namespace, type: 'json' });
    } catch (err) {
      // Gone, or (Invalid) recreated / references changed: nothing left to release, as upstream's ReleasePod.
      if (isCode(err, 404, 422)) return;
      throw err;
    }
  }
}

/**
 * A write refused as a Conflict means our cache is behind: the newer object is on its
 * way through the watch and will enqueue this key again, so there is nothing to retry.
 */
export async function ignoreConflict(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof StatusError && err.reason === 'Conflict')) throw err;
  }
}
