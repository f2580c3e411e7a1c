/**
 * The pod half of the hollow kubelets of one process (kubelet syncPod + status manager,
 * minus every container): a work queue of `namespace/name` keys fed by the shared pod
 * informer, and a level-triggered reconcile that moves each pod bound to one of our
 * nodes along Pending (ContainerCreating) → Running → Succeeded/Failed, and finishes
 * pods being deleted (terminal status, then DELETE with gracePeriodSeconds=0, as the
 * status manager does once containers are gone). Delays ride the shared TimerWheel.
 * State only advances after the API accepted the write, so a failed write is retried
 * (with the queue's backoff) from the same state.
 */
import { randomBytes } from 'node:crypto';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { NODE_NAME_INDEX, PODS, RateLimitingQueue, runController } from '../../client/index.js';
import type { Controller, ControllerHealth, EventRecorder, RestClient, SharedInformer } from '../../client/index.js';
import type { NodeAgent } from './node-agent.js';
import { isTerminal, pendingStatus, runningStatus, runsToCompletion, terminatedStatus } from './pod-status.js';
import type { PodRuntime } from './pod-status.js';
import type { TimerWheel } from './timer-wheel.js';

/** Per-pod overrides of the pool's timing (handy in tests and demos). */
export const COMPLETE_AFTER_ANNOTATION = 'hollow.kubarium.io/complete-after-ms';
export const EXIT_CODE_ANNOTATION = 'hollow.kubarium.io/exit-code';

export interface PodTiming {
  /** Time in ContainerCreating before Running; 0 goes straight to Running (one write). */
  podStartDelayMs: number;
  /** Run time of containers of restartPolicy Never/OnFailure pods. */
  completeAfterMs: number;
  /** Share of completions that exit 1 instead of 0. */
  failureRate: number;
}

type Stage = 'new' | 'pending' | 'running' | 'terminated';

interface PodRecord {
  uid: string;
  node: string;
  stage: Stage;
  rt: PodRuntime;
  /** Whether rt.podIP came from the node's allocator (to give back). */
  ownsIP: boolean;
  runAtMs: number;
  completeAtMs?: number;
  wakeAtMs?: number;
}

export interface PodWorkerOptions {
  client: RestClient;
  informer: SharedInformer<Pod>;
  wheel: TimerWheel;
  agentFor: (node: string) => NodeAgent | undefined;
  timing: PodTiming;
  workers: number;
  recorder?: EventRecorder;
  log: (line: string) => void;
  random?: () => number;
  now?: () => number;
}

export interface PodCounts {
  pending: number;
  running: number;
  terminated: number;
}

const keyOf = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
const containerID = () => `hollow://${randomBytes(32).toString('hex')}`;

export class PodWorker {
  private readonly records = new Map<string, PodRecord>();
  private readonly queue = new RateLimitingQueue<string>();
  private readonly controller: Controller;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: PodWorkerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    opts.informer.addEventHandler({
      onAdd: (pod) => this.offer(pod),
      onUpdate: (_old, pod) => this.offer(pod),
      onDelete: (pod) => this.offer(pod),
    });
    this.controller = runController({
      name: 'hollow-kubelet',
      queue: this.queue,
      workers: opts.workers,
      waitFor: [opts.informer],
      reconcile: (key) => this.reconcile(key),
      log: opts.log,
    });
  }

  health(): ControllerHealth {
    return this.controller.health();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  /** Re-examines every pod of `node` (after it was added to the pool). */
  resync(node: string): void {
    for (const pod of this.opts.informer.indexer.byIndex(NODE_NAME_INDEX, node)) this.queue.add(keyOf(pod));
  }

  /** Forgets the pods of a node that left the pool (their objects stay as they are). */
  dropNode(node: string): void {
    for (const [key, rec] of this.records) if (rec.node === node) this.records.delete(key);
  }

  /** Pods per stage, per node. */
  countsByNode(): Map<string, PodCounts> {
    const out = new Map<string, PodCounts>();
    for (const rec of this.records.values()) {
      let c = out.get(rec.node);
      if (!c) out.set(rec.node, (c = { pending: 0, running: 0, terminated: 0 }));
      if (rec.stage === 'running') c.running++;
      else if (rec.stage === 'terminated') c.terminated++;
      else c.pending++;
    }
    return out;
  }

  /** Pods whose containers run right now, for simulated usage. */
  runningPods(node?: string): Pod[] {
    const out: Pod[] = [];
    for (const [key, rec] of this.records) {
      if (rec.stage !== 'running' || (node !== undefined && rec.node !== node)) continue;
      const pod = this.opts.informer.indexer.get(key);
      if (pod) out.push(pod);
    }
    return out;
  }

  private offer(pod: Pod): void {
    const node = pod.spec?.nodeName;
    if (node && this.opts.agentFor(node)) this.queue.add(keyOf(pod));
    else if (this.records.has(keyOf(pod))) this.queue.add(keyOf(pod));
  }

  private wakeAt(key: string, rec: PodRecord, atMs: number): void {
    if (rec.wakeAtMs !== undefined && rec.wakeAtMs <= atMs && rec.wakeAtMs > this.now()) return;
    rec.wakeAtMs = atMs;
    this.opts.wheel.at(atMs, () => this.queue.add(key));
  }

  private forget(key: string, rec: PodRecord): void {
    this.records.delete(key);
    if (rec.ownsIP) this.opts.agentFor(rec.node)?.allocator().release(rec.rt.podIP);
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.opts.informer.indexer.get(key);
    let rec = this.records.get(key);
    if (rec && (!pod || rec.uid !== pod.metadata?.uid)) {
      this.forget(key, rec);
      rec = undefined;
    }
    if (!pod) return;
    const agent = this.opts.agentFor(pod.spec?.nodeName ?? '');
    if (!agent || agent.isStopped) {
      if (rec) this.records.delete(key);
      return;
    }
    if (pod.metadata?.deletionTimestamp) return this.finishDeleted(key, pod, rec);
    if (isTerminal(pod)) {
      if (rec && rec.stage !== 'terminated') {
        rec.stage = 'terminated';
        if (rec.ownsIP) agent.allocator().release(rec.rt.podIP);
        rec.ownsIP = false;
      }
      return;
    }
    // No pod network before the node has its pod CIDR (kubelet: "network is not ready" until nodeipam set spec.podCIDR).
    if (!rec && !pod.spec?.hostNetwork && !agent.hasPodCIDR()) {
      this.opts.wheel.after(100, () => this.queue.add(key));
      return;
    }
    rec ??= this.adopt(key, pod, agent);
    const now = this.now();

    if (rec.stage === 'new') {
      if (this.opts.timing.podStartDelayMs > 0) {
        await this.writeStatus(pod, pendingStatus(pod, rec.rt, now));
        rec.stage = 'pending';
      } else {
        rec.runAtMs = now;
        rec.stage = 'pending';
      }
    }
    if (rec.stage === 'pending') {
      if (now < rec.runAtMs) return this.wakeAt(key, rec, rec.runAtMs);
      const rt = { ...rec.rt, startedAtMs: now };
      await this.writeStatus(pod, runningStatus(pod, rt, now));
      rec.rt = rt;
      rec.stage = 'running';
      if (runsToCompletion(pod)) rec.completeAtMs = now + this.completeAfter(pod);
      this.startedEvents(pod);
    }
    if (rec.stage === 'running' && rec.completeAtMs !== undefined) {
      if (now < rec.completeAtMs) return this.wakeAt(key, rec, rec.completeAtMs);
      const exitCode = this.exitCode(pod);
      if (exitCode !== 0 && pod.spec?.restartPolicy === 'OnFailure') {
        // The kubelet restarts a failed container of an OnFailure pod in place.
        const rt: PodRuntime = {
          ...rec.rt,
          restartCount: rec.rt.restartCount + 1,
          startedAtMs: now,
          lastTermination: { exitCode, reason: 'Error', startedAtMs: rec.rt.startedAtMs, finishedAtMs: now },
        };
        await this.writeStatus(pod, runningStatus(pod, rt, now));
        rec.rt = rt;
        rec.completeAtMs = now + this.completeAfter(pod);
        return this.wakeAt(key, rec, rec.completeAtMs);
      }
      await this.writeStatus(pod, terminatedStatus(pod, rec.rt, { exitCode, finishedAtMs: now }));
      rec.stage = 'terminated';
      if (rec.ownsIP) agent.allocator().release(rec.rt.podIP);
      rec.ownsIP = false;
    }
  }

  /** A record for a pod we have not handled in this process: fresh, or one a previous process started. */
  private adopt(key: string, pod: Pod, agent: NodeAgent): PodRecord {
    const now = this.now();
    const status = pod.status ?? {};
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    const statuses = status.containerStatuses ?? [];
    const ours = status.phase === 'Running' && statuses.length > 0 && statuses.every((s) => s.containerID?.startsWith('hollow://'));
    const hostNetwork = !!pod.spec?.hostNetwork;
    if (ours) {
      const ip = status.podIP ?? agent.hostIP;
      const ownsIP = !hostNetwork && agent.allocator().reserve(ip);
      const startedAtMs = Date.parse(statuses[0].state?.running?.startedAt ?? '') || now;
      const rec: PodRecord = {
        uid: pod.metadata?.uid ?? '',
        node: agent.name,
        stage: 'running',
        ownsIP,
        runAtMs: startedAtMs,
        rt: {
          hostIP: agent.hostIP,
          podIP: ip,
          startTimeMs: Date.parse(status.startTime ?? '') || startedAtMs,
          startedAtMs,
          containerIDs: Object.fromEntries(statuses.map((s) => [s.name, s.containerID ?? containerID()])),
          restartCount: statuses[0].restartCount ?? 0,
        },
      };
      if (runsToCompletion(pod)) rec.completeAtMs = startedAtMs + this.completeAfter(pod);
      this.records.set(key, rec);
      return rec;
    }
    let podIP = agent.hostIP;
    let ownsIP = false;
    if (!hostNetwork) {
      const ip = agent.allocator().allocate();
      if (!ip) throw new Error(`node ${agent.name}: no free pod IP in ${agent.allocator().cidr}`);
      podIP = ip;
      ownsIP = true;
    }
    const ids: Record<string, string> = {};
    for (const n of names) ids[n] = containerID();
    for (const c of pod.spec?.initContainers ?? []) ids[`init:${c.name}`] = containerID();
    const rec: PodRecord = {
      uid: pod.metadata?.uid ?? '',
      node: agent.name,
      stage: 'new',
      ownsIP,
      runAtMs: now + this.opts.timing.podStartDelayMs,
      rt: { hostIP: agent.hostIP, podIP, startTimeMs: now, startedAtMs: now, containerIDs: ids, restartCount: 0 },
    };
    this.records.set(key, rec);
    return rec;
  }

  /** Graceful deletion: containers stop at once (exit 0), the terminal status is written, then the object is removed. */
  private async finishDeleted(key: string, pod: Pod, rec: PodRecord | undefined): Promise<void> {
    if (!isTerminal(pod) && rec && rec.stage !== 'new') {
      await this.writeStatus(pod, terminatedStatus(pod, rec.rt, { exitCode: 0, finishedAtMs: this.now() }));
    }
    try {
      await this.opts.client.delete(PODS, pod.metadata!.name!, {
        namespace: pod.metadata?.namespace,
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata?.uid },
      });
    } catch (err) {
      // Gone already, or a newer pod of the same name (uid precondition): nothing left to do.
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
    if (rec) this.forget(key, rec);
  }

  /**
   * A patch of pods/status carrying the uid, as the kubelet's status manager sends it. JSON
   * merge patch: lists (conditions, containerStatuses) are replaced whole, so fields a
   * previous status had and this one lacks (a Pending reason) do not linger.
   */
  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    try {
      await this.opts.client.patch<Pod>(PODS, pod.metadata!.name!, { metadata: { uid: pod.metadata?.uid }, status }, {
        namespace: pod.metadata?.namespace,
        subresource: 'status',
        type: 'merge',
      });
    } catch (err) {
      // Deleted under us: the informer's DELETED event ends the record.
      if (err instanceof StatusError && err.code === 404) return;
      throw err;
    }
  }

  private completeAfter(pod: Pod): number {
    const v = Number(pod.metadata?.annotations?.[COMPLETE_AFTER_ANNOTATION]);
    return Number.isFinite(v) && v >= 0 ? v : this.opts.timing.completeAfterMs;
  }

  private exitCode(pod: Pod): number {
    const v = pod.metadata?.annotations?.[EXIT_CODE_ANNOTATION];
    if (v !== undefined && /^\d+$/.test(v)) return Number(v);
    return this.random() < this.opts.timing.failureRate ? 1 : 0;
  }

  private startedEvents(pod: Pod): void {
    const r = this.opts.recorder;
    if (!r) return;
    for (const c of pod.spec?.containers ?? []) {
      r.event(pod, 'Normal', 'Pulled', `Container image "${c.image ?? ''}" already present on machine`);
      r.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
      r.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    }
  }
}
