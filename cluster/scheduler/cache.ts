/**
 * The scheduler's cache (pkg/scheduler/backend/cache): node infos kept current from
 * informer events plus pods the scheduler has *assumed* onto a node before the API
 * server confirmed the binding, so the next cycle already sees their requests. Every
 * change touches one NodeInfo — no relist per pod — and the cache itself serves as the
 * cycle's Snapshot (cycles run one at a time on the event loop, so no copy is needed).
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Snapshot } from './types.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache implements Snapshot {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly imageCounts = new Map<string, number>();
  private nodeList: NodeInfo[] = [];
  private listDirty = false;
  private affinityList?: NodeInfo[];
  private antiAffinityList?: NodeInfo[];
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withAntiAffinity = new Set<NodeInfo>();

  // --- Snapshot ---
  list(): readonly NodeInfo[] {
    if (this.listDirty) {
      this.nodeList = [...this.nodes.values()].filter((n) => n.node);
      this.listDirty = false;
    }
    return this.nodeList;
  }

  get(name: string): NodeInfo | undefined {
    const n = this.nodes.get(name);
    return n?.node ? n : undefined;
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    return (this.affinityList ??= [...this.withAffinity].filter((n) => n.node));
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    return (this.antiAffinityList ??= [...this.withAntiAffinity].filter((n) => n.node));
  }

  imageNodeCount(image: string): number {
    return this.imageCounts.get(image) ?? 0;
  }

  // --- nodes ---
  private nodeInfo(name: string): NodeInfo {
    let n = this.nodes.get(name);
    if (!n) {
      n = new NodeInfo(name);
      this.nodes.set(name, n);
    }
    return n;
  }

  addOrUpdateNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    const n = this.nodeInfo(name);
    if (!n.node) this.listDirty = true;
    for (const img of n.images.keys()) this.countImage(img, -1);
    n.setNode(node);
    for (const img of n.images.keys()) this.countImage(img, 1);
    this.affinityList = this.antiAffinityList = undefined;
    return n;
  }

  removeNode(name: string): void {
    const n = this.nodes.get(name);
    if (!n) return;
    for (const img of n.images.keys()) this.countImage(img, -1);
    // Pods may still point at a deleted node; keep their info until they go (as upstream's cache does).
    if (n.pods.size) {
      n.node = undefined;
      n.images = new Map();
    } else this.nodes.delete(name);
    this.listDirty = true;
    this.affinityList = this.antiAffinityList = undefined;
  }

  private countImage(img: string, d: number): void {
    const c = (this.imageCounts.get(img) ?? 0) + d;
    if (c > 0) this.imageCounts.set(img, c);
    else this.imageCounts.delete(img);
  }

  nodeCount(): number {
    return this.list().length;
  }

  // --- pods ---
  /** A bound pod observed (add or update); confirms an assumed pod. */
  addOrUpdatePod(info: PodInfo, nodeName: string): void {
    const prev = this.pods.get(info.key);
    if (prev) this.detach(prev);
    const state = { info, nodeName, assumed: false };
    this.pods.set(info.key, state);
    this.attach(state);
  }

  removePod(key: string): void {
    const prev = this.pods.get(key);
    if (!prev) return;
    this.detach(prev);
    this.pods.delete(key);
  }

  /** Optimistically places the pod on the node before binding (Cache.AssumePod). */
  assumePod(info: PodInfo, nodeName: string): void {
    const prev = this.pods.get(info.key);
    if (prev) this.detach(prev);
    const state = { info, nodeName, assumed: true };
    this.pods.set(info.key, state);
    this.attach(state);
  }

  /** Undoes assumePod after a failed bind (Cache.ForgetPod); a confirmed pod is left alone. */
  forgetPod(key: string): void {
    const s = this.pods.get(key);
    if (s?.assumed) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  hasPod(key: string): boolean {
    return this.pods.has(key);
  }

  podNode(key: string): string | undefined {
    return this.pods.get(key)?.nodeName;
  }

  podCount(): number {
    return this.pods.size;
  }

  private attach(s: PodState): void {
    const n = this.nodeInfo(s.nodeName);
    n.addPod(s.info);
    this.track(n);
  }

  private detach(s: PodState): void {
    const n = this.nodes.get(s.nodeName);
    if (!n) return;
    n.removePod(s.info.key);
    this.track(n);
    if (!n.node && !n.pods.size) this.nodes.delete(n.name);
  }

  private track(n: NodeInfo): void {
    const a = n.podsWithAffinity > 0;
    if (a !== this.withAffinity.has(n)) {
      if (a) this.withAffinity.add(n);
      else this.withAffinity.delete(n);
      this.affinityList = undefined;
    }
    const r = n.podsWithRequiredAntiAffinity.size > 0;
    if (r !== this.withAntiAffinity.has(n)) {
      if (r) this.withAntiAffinity.add(n);
      else this.withAntiAffinity.delete(n);
      this.antiAffinityList = undefined;
    }
  }
}
