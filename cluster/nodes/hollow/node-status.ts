/**
 * What a hollow node reports about itself: a fixed machine description (capacity,
 * a made-up address, stable per-name identifiers) fed to the kubelet's own Node and
 * Lease builders (cluster/kubelet/node-status.ts).
 */
import { createHash } from 'node:crypto';
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/quantity.js';
import * as kubelet from '../../kubelet/node-status.js';
import type { NodeCapacity, NodeDescription } from '../../kubelet/node-status.js';

export { allocatableFor, buildNodeLease, goArch, KUBELET_VERSION, NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE } from '../../kubelet/node-status.js';
export const CONTAINER_RUNTIME_VERSION = 'hollow://1.0';
export const INSTANCE_TYPE = 'hollow';

export type HollowNodeCapacity = NodeCapacity;

export const DEFAULT_CAPACITY: HollowNodeCapacity = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

export interface HollowNodeSpec {
  name: string;
  capacity: HollowNodeCapacity;
  internalIP: string;
  /** `amd64` or `arm64`; default the host's. */
  arch: string;
  labels?: Record<string, string>;
}

/** Stable per-name identifiers (machine-id, system UUID, boot id), so a restarted process re-registers the same node. */
function stableId(name: string, salt: string): string {
  return createHash('sha256').update(`${salt}\u0000${name}`).digest('hex').slice(0, 32);
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Checks a capacity: every quantity must parse and be positive; pods a whole number. */
export function validateCapacity(c: HollowNodeCapacity): void {
  for (const [k, v] of Object.entries(c)) {
    const n = parseQuantity(v);
    if (n === undefined || !(n > 0)) throw new Error(`hollow node capacity ${k}: "${v}" is not a positive quantity`);
  }
  if (!Number.isInteger(parseQuantity(c.pods))) throw new Error(`hollow node capacity pods: "${c.pods}" is not a whole number`);
}

/** The hollow node as the kubelet's builders describe a machine. */
export function describeHollowNode(spec: HollowNodeSpec): NodeDescription {
  return {
    name: spec.name,
    capacity: spec.capacity,
    addresses: [
      { type: 'InternalIP', address: spec.internalIP },
      { type: 'Hostname', address: spec.name },
    ],
    nodeInfo: {
      machineID: stableId(spec.name, 'machine-id'),
      systemUUID: uuidFrom(stableId(spec.name, 'system-uuid')),
      bootID: uuidFrom(stableId(spec.name, 'boot-id')),
      kernelVersion: '6.8.0-hollow',
      osImage: 'Kubarium Hollow Node',
      containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
      kubeletVersion: kubelet.KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: spec.arch,
    },
    labels: { 'node.kubernetes.io/instance-type': INSTANCE_TYPE, ...spec.labels },
    reportsNetwork: true,
  };
}

export const reportConditions = (previous: readonly NodeCondition[] | undefined, nowMs: number): NodeCondition[] => kubelet.reportConditions(previous, nowMs, true);
export const nodeStatus = (spec: HollowNodeSpec, nowMs: number, previous?: readonly NodeCondition[]): NodeStatus => kubelet.nodeStatus(describeHollowNode(spec), nowMs, previous);
export const buildNode = (spec: HollowNodeSpec, nowMs: number): Node => kubelet.buildNode(describeHollowNode(spec), nowMs);
