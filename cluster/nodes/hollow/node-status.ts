/**
 * The Node and Lease objects a hollow node writes, built the way the kubelet builds them
 * (pkg/kubelet/kubelet_node_status.go initialNode + pkg/kubelet/nodestatus/setters.go;
 * pkg/kubelet/nodelease): labels, capacity and allocatable, addresses, nodeInfo, the
 * pressure and Ready conditions with kubelet's reasons and messages. Pure functions.
 */
import { createHash } from 'node:crypto';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { formatQuantity, parseQuantity } from '../../api/quantity.js';
import { microTime } from '../../client/index.js';

export const KUBELET_VERSION = 'v1.34.0-kubarium';
export const CONTAINER_RUNTIME_VERSION = 'hollow://1.0';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** kubelet --node-lease-duration-seconds default. */
export const NODE_LEASE_DURATION_SECONDS = 40;
export const INSTANCE_TYPE = 'hollow';

export interface HollowNodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
  'ephemeral-storage': string;
}

export const DEFAULT_CAPACITY: HollowNodeCapacity = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

export interface HollowNodeSpec {
  name: string;
  capacity: HollowNodeCapacity;
  internalIP: string;
  /** `amd64` or `arm64`; default the host's. */
  arch: string;
  labels?: Record<string, string>;
}

/** metav1.Time: RFC 3339, whole seconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The host architecture in GOARCH spelling. */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** Stable per-name identifiers (machine-id, system UUID, boot id), so a restarted process re-registers the same node. */
function stableId(name: string, salt: string): string {
  return createHash('sha256').update(`${salt}\u0000${name}`).digest('hex').slice(0, 32);
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Allocatable = capacity − the kubelet's default hard eviction thresholds
 * (memory.available<100Mi, nodefs.available<10%) with no system/kube reservations.
 */
export function allocatableFor(c: HollowNodeCapacity): HollowNodeCapacity {
  const mem = parseQuantity(c.memory) ?? 0;
  const disk = parseQuantity(c['ephemeral-storage']) ?? 0;
  return {
    cpu: c.cpu,
    memory: formatQuantity(Math.max(0, mem - 100 * 2 ** 20), true),
    pods: c.pods,
    'ephemeral-storage': formatQuantity(Math.floor(disk * 0.9), true),
  };
}

/** Checks a capacity: every quantity must parse and be positive; pods a whole number. */
export function validateCapacity(c: HollowNodeCapacity): void {
  for (const [k, v] of Object.entries(c)) {
    const n = parseQuantity(v);
    if (n === undefined || !(n > 0)) throw new Error(`hollow node capacity ${k}: "${v}" is not a positive quantity`);
  }
  if (!Number.isInteger(parseQuantity(c.pods))) throw new Error(`hollow node capacity pods: "${c.pods}" is not a whole number`);
}

/** The healthy conditions, in the order a kubelet (plus the route controller for NetworkUnavailable) writes them. */
export function healthyConditions(heartbeatMs: number, transitionMs: number): NodeCondition[] {
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    lastHeartbeatTime: rfc3339(heartbeatMs),
    lastTransitionTime: rfc3339(transitionMs),
    reason,
    message,
  });
  return [
    c('NetworkUnavailable', 'False', 'RouteCreated', 'RouteController created a route'),
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
export function reportConditions(previous: readonly NodeCondition[] | undefined, nowMs: number): NodeCondition[] {
  return healthyConditions(nowMs, nowMs).map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return old && old.status === c.status && old.lastTransitionTime ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
}

export function nodeStatus(spec: HollowNodeSpec, nowMs: number, previous?: readonly NodeCondition[]): NodeStatus {
  const machine = stableId(spec.name, 'machine-id');
  return {
    capacity: { ...spec.capacity },
    allocatable: { ...allocatableFor(spec.capacity) },
    conditions: reportConditions(previous, nowMs),
    addresses: [
      { type: 'InternalIP', address: spec.internalIP },
      { type: 'Hostname', address: spec.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: machine,
      systemUUID: uuidFrom(stableId(spec.name, 'system-uuid')),
      bootID: uuidFrom(stableId(spec.name, 'boot-id')),
      kernelVersion: '6.8.0-hollow',
      osImage: 'Kubarium Hollow Node',
      containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: spec.arch,
    },
  };
}

/** The Node a hollow kubelet registers (kubelet initialNode: well-known labels, status in the create). */
export function buildNode(spec: HollowNodeSpec, nowMs: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'beta.kubernetes.io/arch': spec.arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': spec.arch,
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': INSTANCE_TYPE,
        ...spec.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {},
    status: nodeStatus(spec, nowMs),
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
