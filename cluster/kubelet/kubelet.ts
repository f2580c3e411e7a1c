/**
 * The kubelet's main loop (pkg/kubelet/kubelet.go Run + syncLoop), over a container
 * runtime: it registers its Node, heartbeats through its Lease and reports node status,
 * watches only the pods bound to it (`spec.nodeName=<node>`), syncs each pod through the
 * PodSyncer in a per-pod work queue, writes pod status when it changed (the status
 * manager), finishes the deletion of terminated pods, and removes the containers of pods
 * no longer in the API (HandlePodCleanups). Static pods from a manifest directory feed the
 * same workers (pod-sources.ts), with mirror pods in the API (mirror-pods.ts); unused
 * images are garbage-collected (images/). Like every component, it reaches the cluster
 * only through the API server.
 */
import type { ConfigMap, Node, NodeAddress, NodeSystemInfo, Pod, PodStatus, Secret, Service } from 'kubernetes-types/core/v1.js';
import { isDeepStrictEqual } from 'node:util';
import { StatusError } from '../api/status.js';
import { CONFIGMAPS, EventRecorder, getOrUndefined, NODES, PODS, RateLimitingQueue, runController, SECRETS, SERVICES, SharedInformerFactory } from '../client/index.js';
import type { ControllerHealth, RestClient, SharedInformer } from '../client/index.js';
import { podDnsConfig } from './dns-config.js';
import type { HostDnsConfig } from './dns-config.js';
import type { EnvSources } from './env.js';
import { NodeLease } from './node-lease.js';
import { buildNode, nodeStatus, NODE_LEASE_DURATION_SECONDS } from './node-status.js';
import type { NodeCapacity, NodeDescription } from './node-status.js';
import { ImageGCManager } from './images/index.js';
import type { ImageGCPolicy } from './images/index.js';
import { HookRunner } from './lifecycle.js';
import { MirrorPodClient, isMirrorPodOf } from './mirror-pods.js';
import { deletePodObject, writePodStatus } from './pod-api.js';
import { PodSources } from './pod-sources.js';
import { PodSyncer, RELIST_PERIOD_MS } from './pod-sync.js';
import { StaticPodSource } from './static-pods.js';
import { execVia, ProbeManager } from './prober/index.js';
import type { StreamingRuntime } from './runtime/types.js';
import { VolumeManager } from './volumes/index.js';
import { serviceEnv } from './service-env.js';
import type { ContainerRuntime, ImageGCRuntime } from './runtime/types.js';

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
  /** staticPodPath: the directory of static pod manifests (nodes: /etc/kubernetes/manifests). Unset: no static pods. */
  staticPodPath?: string;
  /** How often the manifest directory is read again besides on changes (--file-check-frequency, 20 s). */
  fileCheckFrequencyMs?: number;
  /**
   * Image garbage collection over the runtime's images (imageGCHigh/LowThresholdPercent,
   * imageMinimumGCAge; every 5 min). Off unless given: tests share the host's engine.
   */
  imageGC?: { runtime: ImageGCRuntime; policy?: Partial<ImageGCPolicy>; periodMs?: number };
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


/** How often a pod whose containers simply run is synced again when the PLEG watches it (the kubelet's --sync-frequency is 1 min; probes and the PLEG cover the rest). */
const POD_RESYNC_MS = 10_000;

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
  // A probe kill goes through the syncer so the container's preStop hook runs first.
  const probes = new ProbeManager({ exec: execVia(runtime), killContainer: (id, grace) => syncer.killContainerById(id, grace), onEvent, log });
  const syncer: PodSyncer = new PodSyncer({
    runtime,
    hooks: HookRunner.forRuntime(runtime),
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

  // Pod sources: the API's pods bound here and the static pods of the manifest directory, into one queue.
  const staticPods = o.staticPodPath ? new StaticPodSource({ dir: o.staticPodPath, nodeName, periodMs: o.fileCheckFrequencyMs, log }) : undefined;
  const sources = new PodSources({ api: podInformer, staticPods });
  const mirrors = new MirrorPodClient(client, nodeName, () => nodeInformer.indexer.get(nodeName)?.metadata?.uid ?? node?.metadata?.uid);

  // The status manager: what was last written per API object uid, so unchanged status is not written again.
  const written = new Map<string, PodStatus>();
  // Static pods have no API object of their own: their last status is fed back into their next sync.
  const staticStatus = new Map<string, PodStatus>();
  const queue = new RateLimitingQueue<string>();
  sources.onChange((k) => queue.add(k));
  podInformer.addEventHandler({ onDelete: (p) => written.delete(p.metadata?.uid ?? '') });
  // A probe result that changes readiness or kills a container: sync the pod now.
  probes.onChange((p) => queue.add(`${p.metadata?.namespace}/${p.metadata?.name}`));

  /**
   * The mirror pod of a static pod, made to match it (SyncPod's mirror handling): one
   * being deleted or of another version is deleted and made again.
   */
  async function ensureMirror(pod: Pod): Promise<Pod | undefined> {
    let mirror = sources.mirrorPod(pod);
    if (mirror && (mirror.metadata?.deletionTimestamp || !isMirrorPodOf(mirror, pod))) {
      log(`kubelet: replacing mirror pod ${mirror.metadata?.namespace}/${mirror.metadata?.name}`);
      await mirrors.delete(mirror);
      mirror = undefined;
    }
    const current = nodeInformer.indexer.get(nodeName);
    if (!mirror && !current?.metadata?.deletionTimestamp) mirror = await mirrors.create(pod);
    return mirror;
  }

  async function syncPod(k: string): Promise<void> {
    const source = sources.get(k);
    if (!source || source.spec?.nodeName !== nodeName) return;
    const uid = source.metadata?.uid ?? '';
    const isStatic = sources.isStatic(source);
    const pod = isStatic ? { ...source, status: staticStatus.get(uid) ?? source.status } : source;
    // Where the status goes: the pod itself, or a static pod's mirror (none for one whose file is gone).
    const target = !isStatic ? pod : pod.metadata?.deletionTimestamp ? undefined : await ensureMirror(pod);
    const result = await syncer.syncPod(pod);
    probes.sync(pod, result.status);
    if (isStatic) staticStatus.set(uid, result.status);
    let exists = true;
    const targetUid = target?.metadata?.uid ?? '';
    if (target && (!sameStatus(result.status, written.get(targetUid) ?? target.status) || result.terminated)) {
      exists = await writePodStatus(client, target, result.status);
      written.set(targetUid, result.status);
    }
    if (result.terminated) {
      // Containers are stopped and the final status is out: finish the deletion the API server waits for.
      if (!isStatic && exists) await deletePodObject(client, pod);
      probes.removePod(uid);
      await syncer.removePod(uid);
      written.delete(targetUid);
      staticStatus.delete(uid);
      if (isStatic) {
        // A static pod whose file went away: its mirror goes too (a new version replaces it itself).
        sources.finished(pod);
        const mirror = sources.mirrorPod(pod);
        if (mirror && !sources.hasStatic(k) && mirror.metadata?.annotations?.['kubernetes.io/config.mirror'] === uid) await mirrors.delete(mirror);
      }
      return;
    }
    if (result.requeueAfterMs === undefined) return;
    // With the PLEG watching every container, a pod whose containers just run needs no 1 s polling:
    // container changes wake it at once; only timers (back-off, pending starts) keep their own delay.
    queue.addAfter(k, pleg && result.requeueAfterMs === RELIST_PERIOD_MS ? POD_RESYNC_MS : result.requeueAfterMs);
  }

  // The PLEG (pkg/kubelet/pleg/generic.go): one relist of all containers per period; pods whose
  // containers appeared, changed state or vanished are synced now. Cost per relist: one engine call.
  const pleg = runtime.containerStates ? startPleg(runtime.containerStates.bind(runtime)) : undefined;
  function startPleg(list: NonNullable<ContainerRuntime['containerStates']>): { stop(): void } {
    let last = new Map<string, string>();
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void list()
        .then((states) => {
          const now = new Map(states.map((c) => [c.id, `${c.podUid}/${c.state}`]));
          const changed = new Set<string>();
          for (const [id, v] of now) if (last.get(id) !== v) changed.add(v.slice(0, v.lastIndexOf('/')));
          for (const [id, v] of last) if (!now.has(id)) changed.add(v.slice(0, v.lastIndexOf('/')));
          last = now;
          if (changed.size === 0) return;
          for (const p of sources.list()) if (changed.has(p.metadata?.uid ?? '')) queue.add(`${p.metadata?.namespace}/${p.metadata?.name}`);
        })
        .catch((err: Error) => log(`kubelet: PLEG relist: ${err.message}`))
        .finally(() => (busy = false));
    }, RELIST_PERIOD_MS);
    return { stop: () => clearInterval(timer) };
  }

  const controller = runController({ name: 'kubelet-pod-workers', queue, workers: o.workers ?? 32, reconcile: syncPod, waitFor: [podInformer, serviceInformer], log });

  // HandlePodCleanups: sandboxes of pods neither the API nor the manifests have are stopped and removed; orphaned mirror pods are deleted.
  let cleaning = false;
  const housekeeping = setInterval(() => {
    if (cleaning || !podInformer.hasSynced() || (staticPods && !staticPods.hasSynced())) return;
    cleaning = true;
    void (async () => {
      const known = new Set(sources.list().map((p) => p.metadata?.uid));
      for (const s of await runtime.listPodSandboxes()) {
        if (known.has(s.pod.uid)) continue;
        log(`kubelet: removing containers of pod ${s.pod.namespace}/${s.pod.name} (${s.pod.uid}), no longer bound here`);
        await syncer.killPod({ metadata: { uid: s.pod.uid, name: s.pod.name, namespace: s.pod.namespace } }, 0);
        probes.removePod(s.pod.uid);
        await syncer.removePod(s.pod.uid);
      }
      for (const m of sources.orphanedMirrorPods()) {
        log(`kubelet: deleting orphaned mirror pod ${m.metadata?.namespace}/${m.metadata?.name}`);
        await mirrors.delete(m);
      }
    })()
      .catch((err: Error) => log(`kubelet: housekeeping: ${err.message}`))
      .finally(() => (cleaning = false));
  }, o.housekeepingMs ?? 2000);

  const imageGC = o.imageGC
    ? new ImageGCManager({ runtime: o.imageGC.runtime, policy: o.imageGC.policy, log, onEvent: (type, reason, message) => recorder.event(nodeRef, type, reason, message) })
    : undefined;
  imageGC?.start(o.imageGC?.periodMs);
  staticPods?.start();

  informers.start();

  let stopped: Promise<void> | undefined;
  return {
    nodeName,
    pod: (ns, name) => sources.byName(ns, name),
    pods: () => sources.list(),
    node: () => nodeInformer.indexer.get(nodeName),
    health: () => controller.health(),
    stop: () =>
      (stopped ??= (async () => {
        abort.abort();
        staticPods?.stop();
        await imageGC?.stop();
        probes.stop();
        clearInterval(heartbeatTimer);
        clearInterval(housekeeping);
        pleg?.stop();
        await controller.stop();
        await informers.shutdown();
        await recorder.flush();
      })()),
  };
}
