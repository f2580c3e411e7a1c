/**
 * The kubelet Summary API (pkg/kubelet/apis/stats/v1alpha1/types.go), the part we fill:
 * what `/stats/summary` serves and the Prometheus endpoints are rendered from.
 * Times are RFC 3339; CPU usage is cumulative core-nanoseconds plus the rate since the
 * previous collection in nanocores.
 */

export interface CPUStats {
  time: string;
  /** Average over the interval since the previous collection; absent on the first one. */
  usageNanoCores?: number;
  usageCoreNanoSeconds: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes: number;
  /** usage − inactive_file (what the kubelet evicts on and metrics-server reports). */
  workingSetBytes: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface InterfaceStats {
  name: string;
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

export interface NetworkStats extends InterfaceStats {
  time: string;
  interfaces: InterfaceStats[];
}

export interface FsStats {
  time: string;
  availableBytes: number;
  capacityBytes: number;
  usedBytes: number;
  inodesFree?: number;
  inodes?: number;
  inodesUsed?: number;
}

export interface ContainerStats {
  name: string;
  startTime: string;
  cpu: CPUStats;
  memory: MemoryStats;
}

export interface PodReference {
  name: string;
  namespace: string;
  uid: string;
}

export interface PodStats {
  podRef: PodReference;
  startTime: string;
  containers: ContainerStats[];
  cpu: CPUStats;
  memory: MemoryStats;
  network?: NetworkStats;
}

export interface NodeStats {
  nodeName: string;
  startTime: string;
  cpu: CPUStats;
  memory: MemoryStats;
  network?: NetworkStats;
  fs?: FsStats;
}

export interface Summary {
  node: NodeStats;
  pods: PodStats[];
}
