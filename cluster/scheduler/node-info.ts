/**
 * Per-node aggregate the filters and scores read (framework.NodeInfo): the Node, its
 * pods (bound and assumed), summed requests, used host ports, pods with affinity, the
 * images it has, and a label index so "how many pods here match this selector" costs a
 * map lookup rather than a scan. Updated incrementally as pods come and go.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import type { Selector } from '../api/labels.js';
import { normalizedImageName } from './pod-info.js';
import type { PodInfo } from './pod-info.js';
import { addResource, emptyResource, nodeAllocatable } from './resources.js';
import type { Resource } from './resources.js';

const labelKey = (ns: string, k: string, v: string) => `${ns}\u0000${k}\u0000${v}`;

export class NodeInfo {
  node?: Node;
  allocatable: Resource = emptyResource();
  readonly requested: Resource = emptyResource();
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  readonly pods = new Map<string, PodInfo>();
  /** `protocol/ip/port` → count. */
  readonly usedPorts = new Map<string, number>();
  podsWithAffinity = 0;
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Normalized image name → size in bytes. */
  images = new Map<string, number>();
  labels: Readonly<Record<string, string>> = {};
  taints: readonly Taint[] = [];
  /** Bumped on every change (framework.NodeInfo.Generation). */
  generation = 0;
  private readonly byLabel = new Map<string, Set<PodInfo>>();
  private readonly byNamespace = new Map<string, Set<PodInfo>>();

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) images.set(normalizedImageName(n), img.sizeBytes ?? 0);
    this.images = images;
    this.generation++;
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.key)) this.removePod(p.key);
    this.pods.set(p.key, p);
    this.update(p, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.update(p, -1);
    return p;
  }

  private update(p: PodInfo, sign: 1 | -1): void {
    addResource(this.requested, p.requests, sign);
    this.nonZeroCPU += sign * p.nonZeroCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const k = `${hp.protocol}/${hp.ip}/${hp.port}`;
      const n = (this.usedPorts.get(k) ?? 0) + sign;
      if (n > 0) this.usedPorts.set(k, n);
      else this.usedPorts.delete(k);
    }
    if (p.hasAffinity) this.podsWithAffinity += sign;
    if (p.requiredAntiAffinity.length) {
      if (sign > 0) this.podsWithRequiredAntiAffinity.add(p);
      else this.podsWithRequiredAntiAffinity.delete(p);
    }
    const index = (map: Map<string, Set<PodInfo>>, key: string) => {
      let set = map.get(key);
      if (sign > 0) (set ??= map.set(key, new Set()).get(key)!).add(p);
      else if (set) {
        set.delete(p);
        if (!set.size) map.delete(key);
      }
    };
    index(this.byNamespace, p.namespace);
    for (const [k, v] of Object.entries(p.labels)) index(this.byLabel, labelKey(p.namespace, k, v));
    this.generation++;
  }

  /**
   * Pods in `namespace` (all namespaces when undefined) matching `selector`, excluding
   * terminating ones when `skipTerminating` (countPodsMatchSelector skips pods being deleted).
   */
  countMatching(selector: Selector, namespace: string | undefined, skipTerminating = true): number {
    let n = 0;
    for (const p of this.candidates(selector, namespace)) {
      if (namespace !== undefined && p.namespace !== namespace) continue;
      if (skipTerminating && p.pod.metadata?.deletionTimestamp) continue;
      if (selector.matches(p.labels)) n++;
    }
    return n;
  }

  /** The smallest pod set that can hold every match: an equality requirement's index entry, else the namespace, else all. */
  candidates(selector: Selector, namespace: string | undefined): Iterable<PodInfo> {
    let best: Iterable<PodInfo> | undefined;
    let bestSize = Infinity;
    if (namespace !== undefined) {
      for (const r of selector.requirements) {
        if ((r.operator === 'Equals' || r.operator === 'In') && r.values.length === 1) {
          const set = this.byLabel.get(labelKey(namespace, r.key, r.values[0]));
          if (!set) return [];
          if (set.size < bestSize) {
            best = set;
            bestSize = set.size;
          }
        }
      }
      if (!best) best = this.byNamespace.get(namespace) ?? [];
    }
    return best ?? this.pods.values();
  }
}
