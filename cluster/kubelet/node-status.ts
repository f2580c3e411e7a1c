/**
 * The Node and Lease objects a kubelet writes, built the way the kubelet builds them
 * (pkg/kubelet/kubelet_node_status.go initialNode + pkg/kubelet/nodestatus/setters.go;
 * pkg/kubelet/nodelease): well-known labels, capacity and allocatable, addresses,
 * daemon endpoints, nodeInfo, the pressure and Ready conditions with the kubelet's
 * reasons and messages. Pure functions, shared by the real kubelet and hollow nodes.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeAddress, NodeCondition, NodeStatus, NodeSystemInfo } from 'kubernetes-types/core/v1.js';
import { formatQuantity, parseQuantity } from '../api/quantity.js';
import { rfc3339 } from '../api/time.js';
import { microTime } from '../client/index.js';

export const KUBELET_VERSION = 'v1.34.0-kubarium';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** kubelet --node-lease-duration-seconds default. */
export const NODE_LEASE_DURATION_SECONDS = 40;
/** The kubelet's HTTPS port (--port). */
export const KUBELET_PORT = 10250;

export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
  'ephemeral-storage': string;
}

/** What a kubelet knows about its machine and reports in Node.status. */
export interface NodeDescription {
  name: string;
  capacity: NodeCapacity;
  addresses: NodeAddress[];
  nodeInfo: NodeSystemInfo;
  /** Labels beyond the well-known ones (kubernetes.io/hostname, arch, os). */
  labels?: Record<string, string>;
  kubeletPort?: number;
  /** The node's pod range when the node was made with one (the engine's bridge already uses it); else nodeipam assigns it. */
  podCIDR?: string;
  /**
   * Hollow nodes also report NetworkUnavailable=False as a cloud route controller
   * would; a real kubelet does not write that condition.
   */
  reportsNetwork?: boolean;
}

/** The host architecture in GOARCH spelling. */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/**
 * Allocatable = capacity − the kubelet's default hard eviction thresholds
 * (memory.available<100Mi, nodefs.available<10%) with no system/kube reservations.
 */
export function allocatableFor(c: NodeCapacity): NodeCapacity {
  const mem = parseQuantity(c.memory) ?? 0;
  const disk = parseQuantity(c['ephemeral-storage']) ?? 0;
  return {
    cpu: c.cpu,
    memory: formatQuantity(Math.max(0, mem - 100 * 2 ** 20), true),
    pods: c.pods,
    'ephemeral-storage': formatQuantity(Math.floor(disk * 0.9), true),
  };
}

/** The healthy conditions, in the order the kubelet (plus a route controller for NetworkUnavailable) writes them. */
export function healthyConditions(heartbeatMs: number, transitionMs: number, reportsNetwork = false): NodeCondition[] {
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    lastHeartbeatTime: rfc3339(heartbeatMs),
    lastTransitionTime: rfc3339(transitionMs),
    reason,
    message,
  });
  return [
    ...(reportsNetwork ? [c('NetworkUnavailable', 'False', 'RouteCreated', 'RouteController created a route')] : []),
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/**
 * Conditions for a status report: healthy, keeping each condition's lastTransitionTime
 * when its status did not change (setters.go only moves it on a transition).
 */
export function reportConditions(previous: readonly NodeCondition[] | undefined, nowMs: number, reportsNetwork = false): NodeCondition[] {
  return healthyConditions(nowMs, nowMs, reportsNetwork).map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return old && old.status === c.status && old.lastTransitionTime ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
}

export function nodeStatus(desc: NodeDescription, nowMs: number, previous?: readonly NodeCondition[]): NodeStatus {
  return {
    capacity: { ...desc.capacity },
    allocatable: { ...allocatableFor(desc.capacity) },
    conditions: reportConditions(previous, nowMs, desc.reportsNetwork),
    addresses: desc.addresses.map((a) => ({ ...a })),
    daemonEndpoints: { kubeletEndpoint: { Port: desc.kubeletPort ?? KUBELET_PORT } },
    nodeInfo: { ...desc.nodeInfo },
  };
}

/** The Node a kubelet registers (kubelet initialNode: well-known labels, status in the create). */
export function buildNode(desc: NodeDescription, nowMs: number): Node {
  const arch = desc.nodeInfo.architecture;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: desc.name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': desc.name,
        'kubernetes.io/os': 'linux',
        ...desc.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: desc.podCIDR ? { podCIDR: desc.podCIDR, podCIDRs: [desc.podCIDR] } : {},
    status: nodeStatus(desc, nowMs),
  };
}

/** The node's heartbeat Lease (pkg/kubelet/nodelease: owned by the Node so it goes when the Node does). */
export function buildNodeLease(node: Pick<Node, 'metadata'>, nowMs: number, durationSeconds = NODE_LEASE_DURATION_SECONDS): Lease {
  const name = node.metadata!.name!;
  const uid = node.metadata?.uid;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds: durationSeconds, renewTime: microTime(nowMs) },
  };
}
