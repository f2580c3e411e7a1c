/**
 * The default profile (pkg/scheduler/apis/config/v1 default plugins): filters in
 * upstream's order, and upstream's score weights — TaintToleration 3, NodeAffinity 2,
 * PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit 1,
 * NodeResourcesBalancedAllocation 1, ImageLocality 1.
 */
import type { Plugin, Snapshot } from '../types.js';
import { NodeResourcesBalancedAllocation } from './balanced-allocation.js';
import { ImageLocality } from './image-locality.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import { NodeAffinity } from './node-affinity.js';
import { NodeName } from './node-name.js';
import { NodePorts } from './node-ports.js';
import { NodeResourcesFit } from './node-resources-fit.js';
import { NodeUnschedulable } from './node-unschedulable.js';
import { PodTopologySpread } from './pod-topology-spread.js';
import type { DefaultSelectorFunc } from './pod-topology-spread.js';
import { TaintToleration } from './taint-toleration.js';
import { VolumeBinding } from './volume-binding.js';
import type { VolumeListers } from './volume-binding.js';

export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  TaintToleration: 3,
  NodeAffinity: 2,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
  ImageLocality: 1,
});

export interface DefaultPluginDeps {
  snapshot: () => Snapshot;
  volumes: VolumeListers;
  /** Selector for system-default topology spreading (Services / owners of the pod). */
  defaultSelector?: DefaultSelectorFunc;
}

export const noVolumes: VolumeListers = { claim: () => undefined, volume: () => undefined, storageClass: () => undefined };

/** The default plugins minus the ones that need the API (DefaultPreemption, DefaultBinder). */
export function defaultPlugins(deps: DefaultPluginDeps): Plugin[] {
  return [
    new NodeUnschedulable(),
    new NodeName(),
    new TaintToleration(),
    new NodeAffinity(),
    new NodePorts(),
    new NodeResourcesFit(),
    new VolumeBinding(deps.volumes),
    new PodTopologySpread(deps.defaultSelector),
    new InterPodAffinity(),
    new NodeResourcesBalancedAllocation(),
    new ImageLocality(deps.snapshot),
  ];
}
