/**
 * The kubelet's main loop (pkg/kubelet/kubelet.go Run + syncLoop), over a container
 * runtime: it registers its Node, heartbeats through its Lease and reports node status,
 * watches only the pods bound to it (`spec.nodeName=<node>`), syncs each pod through the
 * PodSyncer in a per-pod work queue, writes pod status when it changed (the status
 * manager), finishes the deletion of terminated pods, and removes the containers of pods
 * no longer in the API (HandlePodCleanups). Like every component, it reaches the
 * cluster only through the API server.
 */
import type { ConfigMap, Node, NodeAddress, NodeSystemInfo, Pod, PodStatus, Secret, Service } from 'kubernetes-types/core/v1.js';
import { isDeepStrictEqual } from 'node:util';
import { StatusError } from '../api/status.js';
import { CONFIGMAPS, EventRecorder, NODES, PODS, RateLimitingQueue, runController, SECRETS, SERVICES, SharedInformerFactory } from '../client/index.js';
import type { ControllerHealth, RestClient, SharedInformer } from '../client/index.js';
import { podDnsConfig } from './dns-config.js';
import type { HostDnsConfig } from './dns-config.js';
import type { EnvSources } from './env.js';
import { NodeLease } from './node-lease.js';
import { buildNode, nodeStatus, NODE_LEASE_DURATION_SECONDS } from './node-status.js';
import type { NodeCapacity, NodeDescription } from './node-status.js';
import { deletePodObject, writePodStatus } from './pod-api.js';
import { PodSyncer } from './pod-sync.js';
import { execVia, ProbeManager } from './prober/index.js';
import type { StreamingRuntime } from './runtime/types.js';
import { VolumeManager } from './volumes/index.js';
import { serviceEnv } from './service-env.js';
import type { ContainerRuntime } from './runtime/types.js';

export interface KubeletOptions {
  client: RestClient;
  nodeName: string;
  /** The node's engine; exec probes need its streaming half. */
  runtime: ContainerRuntime & StreamingRuntime;
  /** The kubelet's state directory (pods/<uid>/volumes, …); must be the runtime's rootDir. Default /var/lib/kubelet. */
  rootDir?: string;
  /** The node's address (InternalIP, and every pod's status.hostIP). */
  hostIP: string;
  capacity: NodeCapacity;
  nodeInfo: NodeSystemInfo;
  labels?: Record<string, string>;
  /** The port of this kubelet's HTTPS server (Node.status.daemonEndpoints). */
  kubeletPort?: number;
  cgroupParent?: string;
  /** The pod range the node's engine was started with (Node spec.podCIDR at registration). */
  podCIDR?: string;
  /** --node-status-update-frequency: how often status is computed, 10 s. */
  nodeStatusUpdateMs?: number;
  /** --node-status-report-frequency: status is written at least this often when nothing changed, 5 min. */
  nodeStatusReportMs?: number;
  leaseDurationSeconds?: number;
  /** Lease renewal: a quarter of the duration, as upstream (10 s). */
  leaseRenewIntervalMs?: number;
  /** How often containers of pods no longer in the API are looked for (housekeeping, 2 s). */
  housekeepingMs?: number;
  /** --cluster-dns: the cluster DNS Service's IP(s) for pods with dnsPolicy ClusterFirst. */
  clusterDNS?: string[];
  /** --cluster-domain. Default cluster.local. */
  clusterDomain?: string;
  /** The node's own resolver settings (its /etc/resolv.conf), for dnsPolicy Default and to extend ClusterFirst's search list. */
  hostDNS?: HostDnsConfig;
  /** Pods synced in parallel (upstream runs one pod worker goroutine per pod). Default 32. */
  workers?: number;
  log?: (line: string) => void;
}

export interface RunningKubelet {
  readonly nodeName: string;
  /** The kubelet's view of its pods (the kubelet server's lookup). */
  pod(namespace: string, name: string): Pod | undefined;
  pods(): Pod[];
  node(): Node | undefined;
  health(): ControllerHealth;
  stop(): Promise<void>;
}

const key = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** JSON-equal, ignoring key order and undefined members. */
function sameStatus(a: PodStatus | undefined, b: PodStatus | undefined): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? {})), JSON.parse(JSON.stringify(b ?? {})));
}

function describe(o: KubeletOptions): NodeDescription {
  const addresses: NodeAddress[] = [
    { type: 'InternalIP', address: o.hostIP },
    { type: 'Hostname', address: o.nodeName },
  ];
  return { name: o.nodeName, capacity: o.capacity, addresses, nodeInfo: o.nodeInfo, labels: o.labels, kubeletPort: o.kubeletPort, podCIDR: o.podCIDR };
}

async function getOrUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}

/** Registers the Node (kubelet registerWithAPIServer): create, or adopt the existing one and report fresh status. */
async function register(o: KubeletOptions, desc: NodeDescription, signal: AbortSignal): Promise<Node> {
  try {
    return await o.client.create<Node>(NODES, buildNode(desc, Date.now()), { signal });
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
    const existing = await o.client.get<Node>(NODES, o.nodeName, { signal });
    return o.client.patch<Node>(NODES, o.nodeName, { status: nodeStatus(desc, Date.now(), existing.status?.conditions) }, { subresource: 'status', type: 'strategic', signal });
  }
}

export async function startKubelet(o: KubeletOptions): Promise<RunningKubelet> {
  const log = o.log ?? (() => {});
  const { client, nodeName, runtime } = o;
  const abort = new AbortController();
  const signal = abort.signal;
  const desc = describe(o);
  const recorder = new EventRecorder({ client, component: 'kubelet', host: nodeName, log });
  const nodeRef = { kind: 'Node', name: nodeName, uid: nodeName };

  // Registration is retried until the API server takes it (a node may start before the control plane answers).
  let node: Node | undefined;
  for (let attempt = 0; !node; attempt++) {
    try {
      node = await register(o, desc, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      if (attempt % 10 === 0) log(`kubelet: registering node ${nodeName}: ${(err as Error).message}; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(7000, 200 * 2 ** Math.min(attempt, 5))));
    }
  }
  log(`kubelet: node ${nodeName} registered`);
  recorder.event(nodeRef, 'Normal', 'Starting', 'Starting kubelet.');
  recorder.event(nodeRef, 'Normal', 'NodeReady', `Node ${nodeName} status is now: NodeReady`);

  const informers = new SharedInformerFactory(client, { log });
  const podInformer: SharedInformer<Pod> = informers.informerFor<Pod>(PODS, { fieldSelector: `spec.nodeName=${nodeName}` });
  const nodeInformer: SharedInformer<Node> = informers.informerFor<Node>(NODES, { fieldSelector: `metadata.name=${nodeName}` });
  // Services for the pods' link variables (the kubelet's service lister).
  const serviceInformer: SharedInformer<Service> = informers.informerFor<Service>(SERVICES);

  // Heartbeat: the Lease every renew interval; status when it changed or the report period passed.
  const lease = new NodeLease(client, nodeName, o.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS);
  lease.ownerUid = node.metadata?.uid;
  let lastReport = Date.now();
  let heartbeatFailing = false;
  const heartbeat = async () => {
    try {
      await lease.renew(signal);
      const current = nodeInformer.indexer.get(nodeName);
      if (current?.metadata?.uid) lease.ownerUid = current.metadata.uid;
      const ready = current?.status?.conditions?.find((c) => c.type === 'Ready');
      const drifted = current !== undefined && ready?.status !== 'True';
      if (drifted || Date.now() - lastReport >= (o.nodeStatusReportMs ?? 300_000)) {
        await client.patch<Node>(NODES, nodeName, { status: nodeStatus(desc, Date.now(), current?.status?.conditions) }, { subresource: 'status', type: 'strategic', signal });
        lastReport = Date.now();
        if (drifted) recorder.event(nodeRef, 'Normal', 'NodeReady', `Node ${nodeName} status is now: NodeReady`);
      }
      if (heartbeatFailing) log('kubelet: heartbeat recovered');
      heartbeatFailing = false;
    } catch (err) {
      if (!heartbeatFailing && !signal.aborted) log(`kubelet: heartbeat failed: ${(err as Error).message}`);
      heartbeatFailing = true;
    }
  };
  const renewMs = o.leaseRenewIntervalMs ?? ((o.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS) * 1000) / 4;
  const heartbeatTimer = setInterval(() => void heartbeat(), Math.min(renewMs, o.nodeStatusUpdateMs ?? 10_000));
  void heartbeat();

  const envSources: EnvSources = {
    configMap: (ns, name) => getOrUndefined(client.get<ConfigMap>(CONFIGMAPS, name, { namespace: ns, signal })),
    secret: (ns, name) => getOrUndefined(client.get<Secret>(SECRETS, name, { namespace: ns, signal })),
    services: (pod) => serviceEnv(pod, serviceInformer.indexer.list()),
  };
  const allocatable = nodeStatus(desc, Date.now()).allocatable;
  const onEvent = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => recorder.event(pod, type, reason, message);
  // Volumes (configMap, secret, projected service-account tokens, emptyDir, hostPath, PVCs) and probes.
  const volumes = new VolumeManager({ client, rootDir: o.rootDir ?? '/var/lib/kubelet', nodeAllocatable: allocatable, onEvent });
  const probes = new ProbeManager({ exec: execVia(runtime), killContainer: (id, grace) => runtime.stopContainer(id, grace), onEvent, log });
  const syncer = new PodSyncer({
    runtime,
    hostIP: o.hostIP,
    envSources,
    volumes,
    probes,
    nodeAllocatable: allocatable,
    cgroupParent: o.cgroupParent,
    dns: (pod) => {
      const cfg = podDnsConfig(pod, o.clusterDNS ?? [], o.clusterDomain ?? 'cluster.local', o.hostDNS);
      for (const w of cfg.warnings) recorder.event(pod, 'Warning', w.reason, w.message);
      return { servers: cfg.servers, searches: cfg.searches, options: cfg.options };
    },
    onEvent,
  });

  // The status manager: what was last written per pod uid, so unchanged status is not written again.
  const written = new Map<string, PodStatus>();
  const queue = new RateLimitingQueue<string>();
  podInformer.addEventHandler({
    onAdd: (p) => queue.add(key(p)),
    onUpdate: (_, p) => queue.add(key(p)),
    onDelete: (p) => written.delete(p.metadata?.uid ?? ''),
  });
  // A probe result that changes readiness or kills a container: sync the pod now.
  probes.onChange((p) => queue.add(key(p)));

  async function syncPod(k: string): Promise<void> {
    const pod = podInformer.indexer.get(k);
    if (!pod || pod.spec?.nodeName !== nodeName) return;
    const uid = pod.metadata?.uid ?? '';
    const result = await syncer.syncPod(pod);
    probes.sync(pod, result.status);
    let exists = true;
    if (!sameStatus(result.status, written.get(uid) ?? pod.status) || result.terminated) {
      exists = await writePodStatus(client, pod, result.status);
      written.set(uid, result.status);
    }
    if (result.terminated) {
      // Containers are stopped and the final status is out: finish the deletion the API server waits for.
      if (exists) await deletePodObject(client, pod);
      probes.removePod(uid);
      await syncer.removePod(uid);
      written.delete(uid);
      return;
    }
    if (result.requeueAfterMs !== undefined) queue.addAfter(k, result.requeueAfterMs);
  }

  const controller = runController({ name: 'kubelet-pod-workers', queue, workers: o.workers ?? 32, reconcile: syncPod, waitFor: [podInformer, serviceInformer], log });

  // HandlePodCleanups: sandboxes of pods the API no longer has are stopped and removed.
  let cleaning = false;
  const housekeeping = setInterval(() => {
    if (cleaning || !podInformer.hasSynced()) return;
    cleaning = true;
    void (async () => {
      const known = new Set(podInformer.indexer.list().map((p) => p.metadata?.uid));
      for (const s of await runtime.listPodSandboxes()) {
        if (known.has(s.pod.uid)) continue;
        log(`kubelet: removing containers of pod ${s.pod.namespace}/${s.pod.name} (${s.pod.uid}), no longer bound here`);
        await syncer.killPod({ metadata: { uid: s.pod.uid, name: s.pod.name, namespace: s.pod.namespace } }, 0);
        probes.removePod(s.pod.uid);
        await syncer.removePod(s.pod.uid);
      }
    })()
      .catch((err: Error) => log(`kubelet: housekeeping: ${err.message}`))
      .finally(() => (cleaning = false));
  }, o.housekeepingMs ?? 2000);

  informers.start();

  let stopped: Promise<void> | undefined;
  return {
    nodeName,
    pod: (ns, name) => podInformer.indexer.get(`${ns}/${name}`),
    pods: () => podInformer.indexer.list(),
    node: () => nodeInformer.indexer.get(nodeName),
    health: () => controller.health(),
    stop: () =>
      (stopped ??= (async () => {
        abort.abort();
        probes.stop();
        clearInterval(heartbeatTimer);
        clearInterval(housekeeping);
        await controller.stop();
        await informers.shutdown();
        await recorder.flush();
      })()),
  };
}
