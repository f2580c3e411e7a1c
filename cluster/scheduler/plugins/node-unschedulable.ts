/** NodeUnschedulable: nodes with spec.unschedulable (cordoned) take only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { status } from '../types.js';
import type { ClusterEvent, FilterPlugin, Status } from '../types.js';
import { tolerated } from './helpers.js';

export const ERR_NODE_UNSCHEDULABLE = 'node(s) were unschedulable';
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin {
  readonly name = 'NodeUnschedulable';
  events(): ClusterEvent[] {
    return ['NodeAdd', 'NodeUpdate'];
  }
  filter(_s: unknown, pod: PodInfo, node: NodeInfo): Status | null {
    if (!node.node?.spec?.unschedulable) return null;
    if (tolerated(pod.pod.spec?.tolerations, TAINT)) return null;
    return status('UnschedulableAndUnresolvable', ERR_NODE_UNSCHEDULABLE);
  }
}
