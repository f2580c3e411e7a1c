/**
 * ImageLocality: favours nodes that already have the pod's images, weighting each
 * image's size by how widely it is spread (to avoid piling pods on one node), then
 * scaling between 23 MB and 1000 MB per container as upstream does.
 */
import type { NodeInfo } from '../node-info.js';
import { normalizedImageName } from '../pod-info.js';
import type { PodInfo } from '../pod-info.js';
import { MAX_NODE_SCORE } from '../types.js';
import type { CycleState, ScorePlugin, Snapshot } from '../types.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function imageLocalityScore(sumScores: number, numContainers: number): number {
  const max = MAX_CONTAINER_THRESHOLD * numContainers;
  const s = Math.min(Math.max(sumScores, MIN_THRESHOLD), max);
  return Math.floor((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

export class ImageLocality implements ScorePlugin {
  readonly name = 'ImageLocality';
  constructor(private readonly snapshot: () => Snapshot) {}
  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    if (!node.images.size) return imageLocalityScore(0, containers.length);
    const snap = this.snapshot();
    const total = snap.list().length || 1;
    let sum = 0;
    for (const c of containers) {
      if (!c.image) continue;
      const name = normalizedImageName(c.image);
      const size = node.images.get(name);
      if (size !== undefined) sum += size * (snap.imageNodeCount(name) / total);
    }
    return imageLocalityScore(sum, containers.length);
  }
}
