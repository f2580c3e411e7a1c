/**
 * The garbage collector (pkg/controller/garbagecollector): informers over every
 * deletable resource found by discovery (custom resources included, re-discovered
 * periodically) feed a dependency graph built from ownerReferences. Then, per object:
 * - all owners gone (verified with a GET: absent, or the name has another uid) → delete
 *   it (background);
 * - an owner deleting in the foreground (foregroundDeletion finalizer) → delete its
 *   dependents (in the foreground when they have dependents of their own), and remove
 *   the finalizer once no dependent with blockOwnerDeletion remains;
 * - an owner being deleted with the `orphan` finalizer → remove the reference to it from
 *   every dependent, then the finalizer.
 * Events are ignored, as upstream's ignoredResources.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { StatusError } from '../../api/status.js';
import { CUSTOMRESOURCEDEFINITIONS, RateLimitingQueue, runController } from '../../client/index.js';
import type { GVR, KubeObject, SharedInformer, Syncable } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { discoverResources, supports } from '../namespace/discovery.js';
import type { DiscoveredResource } from '../namespace/discovery.js';
import { classifyOwners, decide } from './classify.js';
import type { OwnerState } from './classify.js';
import { DependencyGraph, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, isDeletingDependents, isOrphaning, nodeOf } from './graph.js';
import type { GraphNode } from './graph.js';
import { setMaxListeners } from 'node:events';

export interface GarbageCollectorOptions {
  workers?: number;
  /** How often to re-run discovery for new resources (custom resources), ms. Upstream: 30 s. */
  discoveryPeriodMs?: number;
}

const IGNORED = new Set(['events', 'events.events.k8s.io']);
const isStatus = (err: unknown, ...codes: number[]) => err instanceof StatusError && codes.includes(err.code);

export function startGarbageCollector(ctx: ControllerContext, opts: GarbageCollectorOptions = {}): RunningController {
  const name = 'garbage-collector';
  const client = ctx.client;
  const graph = new DependencyGraph();
  const queue = new RateLimitingQueue<string>();
  const informers = new Map<string, SharedInformer<KubeObject>>();
  /** `group/Kind` → resource, to resolve ownerReferences. */
  const byKind = new Map<string, DiscoveredResource>();
  const abort = new AbortController();
  const signal = AbortSignal.any([abort.signal, ctx.signal]);

  const enqueueOwnersBeingDeleted = (n: GraphNode) => {
    for (const o of n.owners) {
      const owner = graph.get(o.uid);
      if (owner && isDeletingDependents(owner)) queue.add(owner.uid);
    }
  };

  function observe(gvr: GVR, obj: KubeObject): void {
    const n = nodeOf(gvr, obj);
    if (!n) return;
    const old = graph.upsert(n);
    if (n.owners.length || isDeletingDependents(n) || isOrphaning(n)) queue.add(n.uid);
    // A dependent that changed (deleting, references dropped or unblocked) may release a foreground owner.
    enqueueOwnersBeingDeleted(n);
    if (old) enqueueOwnersBeingDeleted(old);
  }

  function forget(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const old = graph.remove(uid);
    if (!old) return;
    for (const d of graph.dependents(uid)) queue.add(d.uid);
    enqueueOwnersBeingDeleted(old);
  }

  function watch(r: DiscoveredResource): void {
    const key = `${r.group}/${r.resource}`;
    if (informers.has(key)) return;
    const inf = ctx.informers.informerFor<KubeObject>(r);
    informers.set(key, inf);
    inf.addEventHandler({ onAdd: (o) => observe(r, o), onUpdate: (_o, n) => observe(r, n), onDelete: (o) => forget(o) });
  }

  async function discover(): Promise<DiscoveredResource[]> {
    const { resources } = await discoverResources(client, signal);
    const deletable = resources.filter((r) => supports(r, 'list', 'watch', 'delete') && !IGNORED.has(r.group ? `${r.resource}.${r.group}` : r.resource));
    for (const r of resources) byKind.set(`${r.group}/${r.kind}`, r);
    for (const r of deletable) watch(r);
    return deletable;
  }

  function resourceFor(ref: OwnerReference): DiscoveredResource | undefined {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    return byKind.get(`${group}/${ref.kind}`);
  }

  /** solid / dangling / waiting for one owner of `n`, asking the API when the graph does not know it. */
  async function ownerState(n: GraphNode, ref: OwnerReference): Promise<OwnerState> {
    const known = graph.get(ref.uid);
    if (known) return isDeletingDependents(known) ? 'waiting' : 'solid';
    const r = resourceFor(ref);
    if (!r) throw new Error(`owner ${ref.apiVersion}/${ref.kind} ${ref.name} of ${n.gvr.resource} ${n.namespace ?? ''}/${n.name}: kind not served`);
    // A cluster-scoped dependent cannot have a namespaced owner: upstream treats it as absent.
    if (r.namespaced && !n.namespace) return 'dangling';
    try {
      const owner = await client.get<KubeObject>(r, ref.name, { namespace: r.namespaced ? n.namespace : undefined, signal });
      if (owner.metadata?.uid !== ref.uid) return 'dangling';
      return owner.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(FINALIZER_FOREGROUND) ? 'waiting' : 'solid';
    } catch (err) {
      if (isStatus(err, 404, 410)) return 'dangling';
      throw err;
    }
  }

  /** GET, change, PUT with retries on conflict; no-op if the object is gone or its uid changed. */
  async function mutate(n: GraphNode, change: (o: KubeObject) => boolean): Promise<void> {
    for (let i = 0; i < 5; i++) {
      let cur: KubeObject;
      try {
        cur = await client.get<KubeObject>(n.gvr, n.name, { namespace: n.namespace, signal });
      } catch (err) {
        if (isStatus(err, 404)) return;
        throw err;
      }
      if (cur.metadata?.uid !== n.uid || !change(cur)) return;
      try {
        await client.update(n.gvr, cur, { namespace: n.namespace, signal });
        return;
      } catch (err) {
        if (isStatus(err, 404)) return;
        if (!isStatus(err, 409)) throw err;
      }
    }
    throw new Error(`too many conflicts updating ${n.gvr.resource} ${n.namespace ?? ''}/${n.name}`);
  }

  const removeFinalizer = (n: GraphNode, f: string) =>
    mutate(n, (o) => {
      const fs = o.metadata?.finalizers ?? [];
      if (!fs.includes(f)) return false;
      o.metadata!.finalizers = fs.filter((x) => x !== f);
      return true;
    });

  async function deleteObject(n: GraphNode, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    try {
      await client.delete(n.gvr, n.name, { namespace: n.namespace, propagationPolicy, preconditions: { uid: n.uid }, signal });
    } catch (err) {
      // Gone, or the name now belongs to another object (the uid precondition failed).
      if (!isStatus(err, 404, 409)) throw err;
    }
  }

  async function orphanDependents(owner: GraphNode): Promise<void> {
    await Promise.all(
      graph.dependents(owner.uid).map((d) =>
        mutate(d, (o) => {
          const refs = o.metadata?.ownerReferences ?? [];
          if (!refs.some((r) => r.uid === owner.uid)) return false;
          o.metadata!.ownerReferences = refs.filter((r) => r.uid !== owner.uid);
          return true;
        }),
      ),
    );
    await removeFinalizer(owner, FINALIZER_ORPHAN);
  }

  async function reconcile(uid: string): Promise<void> {
    const n = graph.get(uid);
    if (!n) return;
    if (isOrphaning(n)) return orphanDependents(n);
    if (isDeletingDependents(n)) {
      // processDeletingDependentsItem: finish when no blocking dependent is left.
      const blocking = graph.blockingDependents(uid);
      if (!blocking.length) return removeFinalizer(n, FINALIZER_FOREGROUND);
      for (const d of blocking) if (!d.beingDeleted) queue.add(d.uid);
      if (!n.owners.length) return;
    } else if (n.beingDeleted) {
      return;
    }
    if (!n.owners.length) return;
    const states = new Map<string, OwnerState>();
    for (const ref of n.owners) states.set(ref.uid, await ownerState(n, ref));
    const action = decide(classifyOwners(n.owners, (o) => states.get(o.uid)!), { hasDependents: graph.dependents(uid).length > 0, finalizers: n.finalizers });
    if (action.kind === 'none') return;
    if (action.kind === 'delete') {
      if (n.beingDeleted) return;
      return deleteObject(n, action.propagationPolicy);
    }
    await mutate(n, (o) => {
      const refs = o.metadata?.ownerReferences ?? [];
      const next = refs.filter((r) => !action.remove.includes(r.uid)).map((r) => (action.unblock.includes(r.uid) ? { ...r, blockOwnerDeletion: false } : r));
      if (JSON.stringify(next) === JSON.stringify(refs)) return false;
      o.metadata!.ownerReferences = next;
      return true;
    });
  }

  const waitFor: Syncable = {
    hasSynced: () => [...informers.values()].every((i) => i.hasSynced()),
    waitForSync: async (s) => {
      await initial;
      // One abort listener per watched resource while they sync (dozens): expected, not a leak.
      if (s) setMaxListeners(0, s);
      return Promise.all([...informers.values()].map((i) => i.waitForSync(s))).then((r) => r.every(Boolean));
    },
  };
  const initial = (async () => {
    for (;;) {
      try {
        await discover();
        return;
      } catch (err) {
        if (signal.aborted) return;
        ctx.log(`${name}: discovery failed (retrying): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  // A new CustomResourceDefinition: look for its resource soon rather than at the next period.
  let soon: NodeJS.Timeout | undefined;
  const discoverSoon = () => {
    clearTimeout(soon);
    soon = setTimeout(() => void discover().catch((err: Error) => ctx.log(`${name}: discovery failed: ${err.message}`)), 300);
  };
  ctx.informers.informerFor(CUSTOMRESOURCEDEFINITIONS).addEventHandler({ onAdd: (_o, initialList) => !initialList && discoverSoon(), onUpdate: discoverSoon });
  const rediscover = setInterval(() => void discover().catch((err: Error) => ctx.log(`${name}: discovery failed: ${err.message}`)), opts.discoveryPeriodMs ?? 30_000);
  rediscover.unref();

  const c = runController({ name, queue, workers: opts.workers ?? 20, reconcile, waitFor: [waitFor], log: ctx.log });
  return {
    name,
    health: c.health,
    async stop() {
      clearInterval(rediscover);
      clearTimeout(soon);
      abort.abort();
      await c.stop();
    },
  };
}
