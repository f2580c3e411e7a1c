/**
 * One hollow node's kubelet half that is about the Node itself: registration
 * (kubelet registerWithAPIServer: create, or on AlreadyExists adopt the existing Node
 * and report status), the Lease heartbeat in kube-node-lease (pkg/kubelet/nodelease:
 * renew every renewInterval, re-read on conflict, recreate if gone), and node status
 * reports (kubelet tryUpdateNodeStatus: patch when something changed — e.g. the node
 * lifecycle controller marked Ready Unknown — or when nodeStatusReportFrequency passed).
 * Pod IPs come from its PodIPAllocator. Ticks come from the pool's shared TimerWheel.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { NODES } from '../../client/index.js';
import { NodeLease } from '../../kubelet/node-lease.js';
import type { EventRecorder, RestClient } from '../../client/index.js';
import { fallbackPodCIDR, PodIPAllocator } from './addresses.js';
import { buildNode, nodeStatus } from './node-status.js';
import type { HollowNodeSpec } from './node-status.js';
import type { TimerWheel } from './timer-wheel.js';

export interface NodeAgentOptions {
  client: RestClient;
  spec: HollowNodeSpec;
  ordinal: number;
  wheel: TimerWheel;
  /** The Node as the shared node informer last saw it (undefined if not (yet) there). */
  observed: () => Node | undefined;
  leaseRenewIntervalMs: number;
  leaseDurationSeconds: number;
  nodeStatusReportMs: number;
  recorder?: EventRecorder;
  log: (line: string) => void;
  now?: () => number;
}

export interface NodeAgentStats {
  registered: boolean;
  heartbeats: number;
  heartbeatFailures: number;
  statusReports: number;
  lastHeartbeatAt?: string;
}

export class NodeAgent {
  readonly name: string;
  readonly hostIP: string;
  private readonly opts: NodeAgentOptions;
  private readonly now: () => number;
  private readonly heartbeat: NodeLease;
  private uid?: string;
  private lastReportMs = 0;
  private stopped = false;
  private failing = false;
  private ipam: PodIPAllocator;
  private readonly st: NodeAgentStats = { registered: false, heartbeats: 0, heartbeatFailures: 0, statusReports: 0 };

  constructor(opts: NodeAgentOptions) {
    this.opts = opts;
    this.name = opts.spec.name;
    this.hostIP = opts.spec.internalIP;
    this.now = opts.now ?? Date.now;
    this.ipam = new PodIPAllocator(fallbackPodCIDR(opts.ordinal));
    this.heartbeat = new NodeLease(opts.client, this.name, opts.leaseDurationSeconds, this.now);
  }

  stats(): NodeAgentStats {
    return { ...this.st };
  }

  /** Creates the Node (with its status, as the kubelet does) or adopts an existing one; then the Lease. */
  async register(signal?: AbortSignal): Promise<void> {
    const { client, spec } = this.opts;
    const now = this.now();
    let node: Node;
    try {
      node = await client.create<Node>(NODES, buildNode(spec, now), { signal });
      this.opts.recorder?.event(this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
      this.opts.recorder?.event(this.nodeRef(), 'Normal', 'NodeReady', `Node ${this.name} status is now: NodeReady`);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      // Already registered (a restarted process): take it over and report fresh status.
      const existing = await client.get<Node>(NODES, this.name, { signal });
      node = await client.patch<Node>(NODES, this.name, { status: nodeStatus(spec, now, existing.status?.conditions) }, { subresource: 'status', type: 'strategic', signal });
    }
    this.uid = node.metadata?.uid;
    this.lastReportMs = now;
    this.usePodCIDR(node.spec?.podCIDR);
    this.st.registered = true;
    await this.renewLease(signal);
  }

  /** Starts the heartbeat; the first tick lands at a random point of the interval, so 1,000 nodes spread out. */
  startHeartbeat(): void {
    this.schedule(Math.random() * this.opts.leaseRenewIntervalMs);
  }

  /** Stops heartbeating (the Node and Lease stay, as when a kubelet dies). */
  stop(): void {
    this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Whether the Node has a pod CIDR yet (nodeipam sets it shortly after registration). */
  hasPodCIDR(): boolean {
    return !!this.opts.observed()?.spec?.podCIDR;
  }

  /** The pod IP allocator, switched to the Node's spec.podCIDR once nodeipam set one. */
  allocator(): PodIPAllocator {
    this.usePodCIDR(this.opts.observed()?.spec?.podCIDR);
    return this.ipam;
  }

  private usePodCIDR(cidr: string | undefined): void {
    if (!cidr || cidr === this.ipam.cidr || cidr.includes(':')) return;
    try {
      this.ipam = new PodIPAllocator(cidr);
    } catch (err) {
      this.opts.log(`hollow node ${this.name}: ignoring podCIDR ${cidr}: ${(err as Error).message}`);
    }
  }

  private nodeRef() {
    // The kubelet's node reference uses the node name as UID (kubelet.go nodeRef).
    return { kind: 'Node', name: this.name, uid: this.name };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.opts.wheel.after(delayMs, () => void this.tick());
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.renewLease();
      await this.maybeReportStatus();
      this.st.heartbeats++;
      this.st.lastHeartbeatAt = new Date(this.now()).toISOString();
      if (this.failing) this.opts.log(`hollow node ${this.name}: heartbeat recovered`);
      this.failing = false;
    } catch (err) {
      this.st.heartbeatFailures++;
      if (!this.failing && !this.stopped) this.opts.log(`hollow node ${this.name}: heartbeat failed: ${(err as Error).message}`);
      this.failing = true;
    } finally {
      this.schedule(this.opts.leaseRenewIntervalMs);
    }
  }

  private renewLease(signal?: AbortSignal): Promise<void> {
    this.heartbeat.ownerUid = this.uid;
    return this.heartbeat.renew(signal);
  }

  /** Patch status when the API's copy is not what this kubelet would report, or when the report period passed. */
  private async maybeReportStatus(): Promise<void> {
    const node = this.opts.observed();
    const now = this.now();
    if (node?.metadata?.uid && node.metadata.uid !== this.uid) this.uid = node.metadata.uid;
    const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
    const drifted = node !== undefined && ready?.status !== 'True';
    if (!drifted && now - this.lastReportMs < this.opts.nodeStatusReportMs) return;
    await this.opts.client.patch<Node>(NODES, this.name, { status: nodeStatus(this.opts.spec, now, node?.status?.conditions) }, { subresource: 'status', type: 'strategic' });
    this.lastReportMs = now;
    this.st.statusReports++;
    if (drifted) this.opts.recorder?.event(this.nodeRef(), 'Normal', 'NodeReady', `Node ${this.name} status is now: NodeReady`);
  }
}
