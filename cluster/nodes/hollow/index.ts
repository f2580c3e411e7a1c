/**
 * Hollow nodes: node agents that need no container, as kwok's and kubemark's — each
 * registers a Node, heartbeats through its Lease and reports status, and "runs" the pods
 * bound to it by writing the statuses a kubelet would. Many nodes share one process
 * cheaply: one pod informer (bound pods only, `spec.nodeName!=`, indexed by node) and
 * one node informer for all of them, one work queue for their pods, one timer wheel.
 * They reach the cluster only through the API server (cluster/client).
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NODE_NAME_INDEX, NODES, PODS, podNodeNameIndexFunc, SharedInformerFactory } from '../../client/index.js';
import type { ControllerHealth, EventRecorder, RestClient } from '../../client/index.js';
import { hollowNodeIP } from './addresses.js';
import { NodeAgent } from './node-agent.js';
import type { NodeAgentStats } from './node-agent.js';
import { DEFAULT_CAPACITY, goArch, NODE_LEASE_DURATION_SECONDS, validateCapacity } from './node-status.js';
import type { HollowNodeCapacity } from './node-status.js';
import { PodWorker } from './pod-worker.js';
import type { PodCounts } from './pod-worker.js';
import { TimerWheel } from './timer-wheel.js';
import { podUsage } from './usage.js';
import type { PodUsage, ResourceUsage } from './usage.js';

export type { HollowNodeCapacity } from './node-status.js';
export type { PodUsage, ResourceUsage } from './usage.js';
export type { PodCounts } from './pod-worker.js';
export { COMPLETE_AFTER_ANNOTATION, EXIT_CODE_ANNOTATION } from './pod-worker.js';
export { KUBELET_VERSION, CONTAINER_RUNTIME_VERSION, DEFAULT_CAPACITY, INSTANCE_TYPE } from './node-status.js';

export interface HollowNodesOptions {
  /** The process's client of the API server (one identity for all its hollow nodes). */
  client: RestClient;
  /** Nodes to register now (may be 0; add more later). */
  count: number;
  /** Node names are `<namePrefix>-<ordinal>`. Default `hollow-node`. */
  namePrefix?: string;
  /** Per-node capacity; allocatable is derived as the kubelet does. Default 4 CPU, 16Gi, 110 pods, 100Gi. */
  capacity?: Partial<HollowNodeCapacity>;
  /** Extra node labels. */
  labels?: Record<string, string>;
  /** GOARCH to report; default the host's. */
  arch?: string;
  log: (line: string) => void;
  /** Stops everything when aborted. */
  signal?: AbortSignal;
  /** ContainerCreating time before Running. Default 500 ms; 0 = straight to Running. */
  podStartDelayMs?: number;
  /** Run time of Never/OnFailure pods before they complete. Default 5,000 ms. */
  completeAfterMs?: number;
  /** Share (0..1) of completions that fail with exit code 1. Default 0. */
  failureRate?: number;
  /** Lease renew period (kubelet: 10 s). */
  leaseRenewIntervalMs?: number;
  /** kubelet --node-lease-duration-seconds (40). */
  leaseDurationSeconds?: number;
  /** Unconditional node status report period (kubelet nodeStatusReportFrequency: 5 min). */
  nodeStatusReportMs?: number;
  /** Concurrent pod status writes. Default 32. */
  workers?: number;
  /** Concurrent node registrations. Default 32. */
  registerConcurrency?: number;
  /** Records kubelet-style Events (Starting, NodeReady, Pulled/Created/Started) when given. */
  recorder?: EventRecorder;
}

export interface HollowNodeStatus extends NodeAgentStats {
  name: string;
  internalIP: string;
  podCIDR: string;
  pods: PodCounts;
}

export interface HollowNodePool {
  /** Names of the nodes this pool runs now. */
  readonly nodes: string[];
  /** Registers `n` more nodes; resolves to their names. */
  add(n: number): Promise<string[]>;
  /**
   * Stops a node's kubelet: no more heartbeats or pod updates (the Node and its pods stay,
   * so the node lifecycle controller will mark it Unknown). With `deleteNode` the Node is
   * deleted too.
   */
  remove(name: string, opts?: { deleteNode?: boolean }): Promise<void>;
  /** Per-node state, for the UI. */
  status(): HollowNodeStatus[];
  /** Health of the shared pod worker queue. */
  health(): ControllerHealth;
  /** Simulated usage of every running hollow pod (metrics.k8s.io source). */
  podUsage(): PodUsage[];
  /** Simulated usage summed per node. */
  nodeUsage(): Array<ResourceUsage & { name: string }>;
  stop(): Promise<void>;
}

/** Runs `tasks` with at most `limit` in flight; rejects with the first error after all settled. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]);
      } catch (err) {
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError) throw firstError;
  return out;
}

function validate(o: HollowNodesOptions): void {
  if (!Number.isInteger(o.count) || o.count < 0) throw new Error(`hollow nodes: count must be a whole number, got ${o.count}`);
  const rate = o.failureRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`hollow nodes: failureRate must be within 0..1, got ${rate}`);
  for (const [k, v] of Object.entries({ podStartDelayMs: o.podStartDelayMs, completeAfterMs: o.completeAfterMs })) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`hollow nodes: ${k} must be ≥ 0, got ${v}`);
  }
  if (o.namePrefix !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.namePrefix)) throw new Error(`hollow nodes: namePrefix "${o.namePrefix}" is not a valid DNS subdomain prefix`);
}

export async function startHollowNodes(opts: HollowNodesOptions): Promise<HollowNodePool> {
  validate(opts);
  const { client, log } = opts;
  const prefix = opts.namePrefix ?? 'hollow-node';
  const capacity: HollowNodeCapacity = { ...DEFAULT_CAPACITY, ...opts.capacity };
  validateCapacity(capacity);
  const arch = opts.arch ?? goArch();
  const leaseRenewIntervalMs = opts.leaseRenewIntervalMs ?? 10_000;
  const leaseDurationSeconds = opts.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS;
  const nodeStatusReportMs = opts.nodeStatusReportMs ?? 300_000;

  const wheel = new TimerWheel();
  const agents = new Map<string, NodeAgent>();
  const informers = new SharedInformerFactory(client, { log });
  // Only pods bound to some node; the node index picks each agent's share.
  const podInformer = informers.informerFor<Pod>(PODS, { fieldSelector: 'spec.nodeName!=', indexers: { [NODE_NAME_INDEX]: podNodeNameIndexFunc } });
  const nodeInformer = informers.informerFor<Node>(NODES);
  const worker = new PodWorker({
    client,
    informer: podInformer,
    wheel,
    agentFor: (name) => agents.get(name),
    timing: { podStartDelayMs: opts.podStartDelayMs ?? 500, completeAfterMs: opts.completeAfterMs ?? 5_000, failureRate: opts.failureRate ?? 0 },
    workers: opts.workers ?? 32,
    recorder: opts.recorder,
    log,
  });
  nodeInformer.addEventHandler({
    onDelete: (node) => {
      const agent = agents.get(node.metadata?.name ?? '');
      if (!agent) return;
      // A kubelet whose Node was deleted stops being useful here; it is not re-registered.
      log(`hollow node ${agent.name}: Node deleted; stopping its agent`);
      agent.stop();
      agents.delete(agent.name);
      worker.dropNode(agent.name);
    },
  });
  informers.start();

  let nextOrdinal = 0;
  let stopped = false;
  const add = async (n: number): Promise<string[]> => {
    if (stopped) throw new Error('hollow nodes: pool is stopped');
    if (!Number.isInteger(n) || n < 0) throw new Error(`hollow nodes: add() needs a whole number, got ${n}`);
    const fresh: NodeAgent[] = [];
    while (fresh.length < n) {
      const ordinal = nextOrdinal++;
      const name = `${prefix}-${ordinal}`;
      if (agents.has(name)) continue;
      fresh.push(
        new NodeAgent({
          client,
          spec: { name, capacity, internalIP: hollowNodeIP(ordinal), arch, labels: opts.labels },
          ordinal,
          wheel,
          observed: () => nodeInformer.indexer.get(name),
          leaseRenewIntervalMs,
          leaseDurationSeconds,
          nodeStatusReportMs,
          recorder: opts.recorder,
          log,
        }),
      );
    }
    await mapLimit(fresh, opts.registerConcurrency ?? 32, async (agent) => {
      await agent.register(opts.signal);
      agents.set(agent.name, agent);
      agent.startHeartbeat();
      worker.resync(agent.name);
    });
    if (n > 0) log(`hollow nodes: registered ${n} (${fresh[0].name}…${fresh[fresh.length - 1].name}); ${agents.size} running`);
    return fresh.map((a) => a.name);
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const a of agents.values()) a.stop();
    wheel.stop();
    await worker.stop();
    await informers.shutdown();
  };
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });

  try {
    await add(opts.count);
  } catch (err) {
    await stop();
    throw err;
  }

  const running = () => [...agents.values()];
  return {
    get nodes() {
      return [...agents.keys()];
    },
    add,
    async remove(name, o = {}) {
      const agent = agents.get(name);
      if (!agent) throw new Error(`hollow nodes: no node "${name}" in this pool`);
      agent.stop();
      agents.delete(name);
      worker.dropNode(name);
      if (o.deleteNode) await client.delete(NODES, name);
    },
    status: () => {
      const counts = worker.countsByNode();
      return running().map((a) => ({
        name: a.name,
        internalIP: a.hostIP,
        podCIDR: a.allocator().cidr,
        pods: counts.get(a.name) ?? { pending: 0, running: 0, terminated: 0 },
        ...a.stats(),
      }));
    },
    health: () => worker.health(),
    podUsage: () => {
      const now = Date.now();
      return worker.runningPods().map((p) => podUsage(p, now));
    },
    nodeUsage: () => {
      const now = Date.now();
      const sums = new Map<string, ResourceUsage>(running().map((a) => [a.name, { cpuMillis: 0, memoryBytes: 0 }]));
      for (const p of worker.runningPods()) {
        const u = podUsage(p, now);
        const s = sums.get(u.node);
        if (!s) continue;
        s.cpuMillis += u.cpuMillis;
        s.memoryBytes += u.memoryBytes;
      }
      return [...sums].map(([name, u]) => ({ name, ...u }));
    },
    stop,
  };
}
