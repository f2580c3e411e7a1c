/** NodePorts: a pod's hostPorts must be free on the node (same protocol and port, on 0.0.0.0 or the same IP). */
import type { NodeInfo } from '../node-info.js';
import type { HostPort, PodInfo } from '../pod-info.js';
import { SKIP, status } from '../types.js';
import type { ClusterEvent, CycleState, FilterPlugin, PreFilterPlugin, Status } from '../types.js';

export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP. */
export function portConflicts(hp: HostPort, used: ReadonlyMap<string, number>): boolean {
  if (used.has(`${hp.protocol}/${hp.ip}/${hp.port}`)) return true;
  if (hp.ip === '0.0.0.0') {
    const suffix = `/${hp.port}`;
    for (const k of used.keys()) if (k.startsWith(`${hp.protocol}/`) && k.endsWith(suffix)) return true;
    return false;
  }
  return used.has(`${hp.protocol}/0.0.0.0/${hp.port}`);
}

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = 'NodePorts';
  events(): ClusterEvent[] {
    return ['NodeAdd', 'PodDelete'];
  }
  preFilter(_s: CycleState, pod: PodInfo): Status | null {
    return pod.hostPorts.length ? null : SKIP;
  }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    for (const hp of pod.hostPorts) if (portConflicts(hp, node.usedPorts)) return status('Unschedulable', ERR_NODE_PORTS);
    return null;
  }
}
