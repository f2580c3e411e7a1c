/** NodeName: a pod that names its node (spec.nodeName set before scheduling, e.g. by a test) fits only there. */
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { status } from '../types.js';
import type { ClusterEvent, FilterPlugin, Status } from '../types.js';

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin {
  readonly name = 'NodeName';
  events(): ClusterEvent[] {
    return ['NodeAdd'];
  }
  filter(_s: unknown, pod: PodInfo, node: NodeInfo): Status | null {
    const want = pod.pod.spec?.nodeName;
    return !want || want === node.name ? null : status('UnschedulableAndUnresolvable', ERR_NODE_NAME);
  }
}
