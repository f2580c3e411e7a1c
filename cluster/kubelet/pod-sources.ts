/**
 * The kubelet's pod sources merged (pkg/kubelet/config/config.go PodConfig + the pod
 * manager): the pods the API server binds to this node, less mirror pods, and the
 * static pods of the manifest directory. Both feed the same pod workers by key
 * (`namespace/name`); a mirror pod's key is its static pod's, so a change to the mirror
 * wakes the static pod's sync. A static pod whose file went away (or changed, making a
 * new uid) stays here as a terminating pod, under `static-removed/<uid>`, until its
 * containers are stopped (`finished`).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { SharedInformer } from '../client/index.js';
import { isMirrorPod } from './mirror-pods.js';
import { isStaticPod } from './static-pods.js';
import type { StaticPodSource } from './static-pods.js';
import { DEFAULT_GRACE_PERIOD_SECONDS } from './pod-sync.js';

export const podKey = (p: Pod): string => `${p.metadata?.namespace}/${p.metadata?.name}`;
const REMOVED_PREFIX = 'static-removed/';

export interface PodSourcesOptions {
  /** The pods bound to this node (spec.nodeName=<node>). */
  api: SharedInformer<Pod>;
  staticPods?: StaticPodSource;
  now?: () => number;
}

export class PodSources {
  private readonly listeners: Array<(key: string) => void> = [];
  /** The static pods as last read, by key. */
  private statics = new Map<string, Pod>();
  /** Static pods no longer in the directory, being stopped, by `static-removed/<uid>`. */
  private readonly removed = new Map<string, Pod>();
  private readonly now: () => number;

  constructor(private readonly opts: PodSourcesOptions) {
    this.now = opts.now ?? Date.now;
    const emit = (p: Pod) => this.emit(podKey(p));
    opts.api.addEventHandler({ onAdd: emit, onUpdate: (_, p) => emit(p), onDelete: emit });
    opts.staticPods?.onChange(() => this.refreshStatic());
  }

  onChange(fn: (key: string) => void): void {
    this.listeners.push(fn);
  }

  private emit(key: string): void {
    for (const fn of this.listeners) fn(key);
  }

  private refreshStatic(): void {
    const next = new Map((this.opts.staticPods?.pods() ?? []).map((p) => [podKey(p), p]));
    for (const [key, old] of this.statics) {
      const cur = next.get(key);
      if (cur?.metadata?.uid === old.metadata?.uid) continue;
      // Gone, or a new version: the old one is stopped with its grace period (a REMOVE to its pod worker).
      const grace = old.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
      const removedKey = `${REMOVED_PREFIX}${old.metadata?.uid}`;
      this.removed.set(removedKey, { ...old, metadata: { ...old.metadata, deletionTimestamp: new Date(this.now()).toISOString(), deletionGracePeriodSeconds: grace } });
      this.emit(removedKey);
    }
    const changed = [...next].filter(([key, p]) => this.statics.get(key)?.metadata?.uid !== p.metadata?.uid).map(([key]) => key);
    this.statics = next;
    for (const key of changed) this.emit(key);
  }

  /** The pod to sync under `key`: a static pod, a terminating former static pod, or the API's (never a mirror pod). */
  get(key: string): Pod | undefined {
    if (key.startsWith(REMOVED_PREFIX)) return this.removed.get(key);
    const s = this.statics.get(key);
    if (s) return s;
    const p = this.opts.api.indexer.get(key);
    return p && !isMirrorPod(p) ? p : undefined;
  }

  /** Every pod the kubelet runs (the kubelet server's /pods, housekeeping's known uids). */
  list(): Pod[] {
    const api = this.opts.api.indexer.list().filter((p) => !isMirrorPod(p) && !this.statics.has(podKey(p)));
    return [...this.statics.values(), ...this.removed.values(), ...api];
  }

  /** The pod `kubectl` names: for a static pod the running static pod (whose uid labels the containers), not its mirror. */
  byName(namespace: string, name: string): Pod | undefined {
    return this.get(`${namespace}/${name}`);
  }

  isStatic(pod: Pod): boolean {
    return isStaticPod(pod);
  }

  /** The mirror pod in the API for a static pod's name, if any (whatever its hash). */
  mirrorPod(pod: Pod): Pod | undefined {
    const p = this.opts.api.indexer.get(podKey(pod));
    return p && isMirrorPod(p) ? p : undefined;
  }

  /** Mirror pods without a current static pod (HandlePodCleanups deleteOrphanedMirrorPods); none before both sources have synced. */
  orphanedMirrorPods(): Pod[] {
    if (!this.opts.api.hasSynced() || (this.opts.staticPods && !this.opts.staticPods.hasSynced())) return [];
    // A stale mirror of a current static pod is replaced by that pod's sync.
    return this.opts.api.indexer.list().filter((p) => isMirrorPod(p) && !this.statics.has(podKey(p)));
  }

  /** A current static pod of this name (a terminating old version's mirror may belong to its successor). */
  hasStatic(key: string): boolean {
    return this.statics.has(key);
  }

  /** A terminating former static pod's containers are gone: forget it. */
  finished(pod: Pod): void {
    this.removed.delete(`${REMOVED_PREFIX}${pod.metadata?.uid}`);
  }
}
