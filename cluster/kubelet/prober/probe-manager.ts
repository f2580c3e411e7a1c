/**
 * The kubelet's prober manager (pkg/kubelet/prober/prober_manager.go and worker.go): one
 * worker per container and probe, each probing every periodSeconds once the container
 * runs and initialDelaySeconds have passed; a result changes only after
 * successThreshold/failureThreshold equal outcomes in a row. Readiness gates the
 * container's ready (and the pod's Ready/ContainersReady); startup holds back liveness
 * and readiness until it succeeds; a liveness or startup failure kills the container,
 * which the pod sync then restarts under the restart policy. Results are per container
 * instance: a restarted container starts over (not ready, not started).
 */
import type { Container, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import { instancesByName } from '../pod-status.js';
import type { RuntimeContainer } from '../runtime/types.js';
import { runProbe } from './probes.js';
import type { ProbeTarget } from './probes.js';
import type { ExecFn, ProbeOutcome, ProbeResults, ProbeType } from './types.js';

/** Timers and time, replaceable in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ProbeManagerOptions {
  /** Exec probes run through this (execVia(runtime)); without it they fail. */
  exec?: ExecFn;
  /** Stops a container that failed its liveness or startup probe (the runtime's stopContainer). */
  killContainer(containerId: string, gracePeriodSeconds: number): Promise<void>;
  /** Unhealthy and Killing events, as the kubelet records them. */
  onEvent?: (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  clock?: Clock;
  /** Runs one probe; default the real probes (runProbe). */
  run?: (probe: Probe, target: ProbeTarget, timeoutMs: number) => Promise<ProbeOutcome>;
  log?: (line: string) => void;
}

type Result = 'success' | 'failure' | 'unknown';

const PROBE_NAMES: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
/** Before the first probe: not ready, not started, alive (the results managers' initial values). */
const INITIAL: Record<ProbeType, Result> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };
const DEFAULT_GRACE_SECONDS = 30;

const stripRuntime = (id: string | undefined): string => (id ?? '').replace(/^[a-z]+:\/\//, '');

interface PodEntry {
  pod: Pod;
  status: PodStatus;
  workers: Map<string, Worker>;
}

class Worker {
  containerId = '';
  result: Result;
  private lastResult: Result = 'unknown';
  private run = 0;
  private onHold = false;
  private timer: unknown;
  private busy = false;
  stopped = false;

  constructor(
    private readonly m: ProbeManager,
    readonly podUid: string,
    readonly container: Container,
    readonly type: ProbeType,
    readonly probe: Probe,
  ) {
    this.result = INITIAL[type];
  }

  private get periodMs(): number {
    return (this.probe.periodSeconds ?? 10) * 1000;
  }

  /** Probe now (if not probing already), then every period. */
  trigger(): void {
    if (this.stopped || this.busy) return;
    this.m.clock.clearTimeout(this.timer);
    this.timer = this.m.clock.setTimeout(() => void this.tick(), 0);
  }

  stop(): void {
    this.stopped = true;
    this.m.clock.clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.busy = true;
    let keep = true;
    try {
      keep = await this.doProbe();
    } catch (err) {
      this.m.log(`prober: ${this.type} probe of ${this.container.name}: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
    if (!keep) this.stopped = true;
    if (!this.stopped) this.timer = this.m.clock.setTimeout(() => void this.tick(), this.periodMs);
  }

  private set(result: Result, pod: Pod): void {
    if (this.result === result) return;
    this.result = result;
    if (this.type !== 'liveness') this.m.changed(pod);
  }

  /** worker.doProbe: false stops the worker. */
  private async doProbe(): Promise<boolean> {
    const entry = this.m.entry(this.podUid);
    if (!entry) return false;
    const { pod, status } = entry;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return false;
    const cs = status.containerStatuses?.find((c) => c.name === this.container.name);
    const id = stripRuntime(cs?.containerID);
    if (!cs || !id) return true;
    if (id !== this.containerId) {
      // A new instance: its results start over, and a held worker probes again.
      this.containerId = id;
      this.result = INITIAL[this.type];
      this.lastResult = 'unknown';
      this.run = 0;
      this.onHold = false;
    }
    if (this.onHold) return true;
    const running = cs.state?.running;
    if (!running) {
      this.set('failure', pod);
      // A container that will not run again needs no more probing.
      return !((pod.spec?.restartPolicy ?? 'Always') === 'Never' && cs.state?.terminated);
    }
    // A deleted pod's liveness and startup probes stop (a quiet shutdown); readiness goes on.
    if (pod.metadata?.deletionTimestamp && this.type !== 'readiness') {
      this.set('success', pod);
      return false;
    }
    if (this.type === 'startup' && this.result === 'success') return true;
    if (this.type !== 'startup' && this.container.startupProbe && this.m.startupResult(this.podUid, this.container.name) !== 'success') return true;
    const startedAt = Date.parse(running.startedAt ?? '');
    if (Number.isFinite(startedAt) && Math.floor((this.m.clock.now() - startedAt) / 1000) < (this.probe.initialDelaySeconds ?? 0)) return true;

    const target: ProbeTarget = { podIP: status.podIP ?? '', container: this.container, containerId: id, exec: this.m.exec };
    let outcome: ProbeOutcome;
    try {
      outcome = await this.m.run(this.probe, target, (this.probe.timeoutSeconds ?? 1) * 1000);
    } catch (err) {
      outcome = { result: 'failure', output: (err as Error).message };
      this.m.event(pod, 'Warning', 'Unhealthy', `${PROBE_NAMES[this.type]} probe errored: ${outcome.output}`);
    }
    // The container changed or the worker stopped while probing: this outcome is stale.
    if (this.stopped || id !== this.containerId) return !this.stopped;
    if (outcome.result === 'failure') this.m.event(pod, 'Warning', 'Unhealthy', `${PROBE_NAMES[this.type]} probe failed: ${outcome.output}`);

    if (outcome.result === this.lastResult) this.run++;
    else {
      this.lastResult = outcome.result;
      this.run = 1;
    }
    if (outcome.result === 'failure' && this.run < (this.probe.failureThreshold ?? 3)) return true;
    if (outcome.result === 'success' && this.run < (this.probe.successThreshold ?? 1)) return true;
    this.set(outcome.result, pod);
    if (outcome.result === 'failure' && this.type !== 'readiness') {
      // Killed and restarted; the worker waits for the next instance.
      this.onHold = true;
      this.run = 0;
      this.m.kill(pod, this.container, id, this.type, this.probe);
    }
    return true;
  }
}

export class ProbeManager implements ProbeResults {
  readonly clock: Clock;
  readonly exec: ExecFn | undefined;
  readonly run: (probe: Probe, target: ProbeTarget, timeoutMs: number) => Promise<ProbeOutcome>;
  private readonly pods = new Map<string, PodEntry>();
  private readonly listeners = new Set<(pod: Pod) => void>();

  constructor(private readonly opts: ProbeManagerOptions) {
    this.clock = opts.clock ?? realClock;
    this.exec = opts.exec;
    this.run = opts.run ?? runProbe;
  }

  /**
   * Starts the workers of the pod's probes and gives them its latest status (after each
   * pod sync). A terminal pod's workers stop. A container seen running under a new id is
   * probed at once, so readiness follows a start without waiting a period.
   */
  sync(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata?.uid ?? '';
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      this.removePod(uid);
      return;
    }
    let entry = this.pods.get(uid);
    if (!entry) {
      entry = { pod, status, workers: new Map() };
      this.pods.set(uid, entry);
    }
    entry.pod = pod;
    entry.status = status;
    for (const c of pod.spec?.containers ?? []) {
      for (const [type, probe] of [['liveness', c.livenessProbe], ['readiness', c.readinessProbe], ['startup', c.startupProbe]] as const) {
        if (!probe) continue;
        const key = `${c.name}/${type}`;
        let w = entry.workers.get(key);
        if (!w || w.stopped) {
          w = new Worker(this, uid, c, type, probe);
          entry.workers.set(key, w);
          w.trigger();
          continue;
        }
        const cs = status.containerStatuses?.find((s) => s.name === c.name);
        if (cs?.state?.running && stripRuntime(cs.containerID) !== w.containerId) w.trigger();
      }
    }
  }

  /** Stops the pod's workers and forgets its results. */
  removePod(podUid: string): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    for (const w of entry.workers.values()) w.stop();
    this.pods.delete(podUid);
  }

  /** Called with the pod when a readiness or startup result changed or a container was killed: sync it again. Returns an unsubscribe. */
  onChange(cb: (pod: Pod) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  results(pod: Pod, containers: readonly RuntimeContainer[]): { readiness: Record<string, boolean>; startup: Record<string, boolean> } {
    const readiness: Record<string, boolean> = {};
    const startup: Record<string, boolean> = {};
    const entry = this.pods.get(pod.metadata?.uid ?? '');
    if (!entry) return { readiness, startup };
    const current = instancesByName(containers);
    for (const w of entry.workers.values()) {
      const [cur] = current.get(w.container.name) ?? [];
      if (!cur || cur.id !== w.containerId) continue;
      if (w.type === 'readiness') readiness[w.container.name] = w.result === 'success';
      if (w.type === 'startup') startup[w.container.name] = w.result === 'success';
    }
    return { readiness, startup };
  }

  /** Stops every worker. */
  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
    this.listeners.clear();
  }

  // For the workers.

  entry(uid: string): PodEntry | undefined {
    return this.pods.get(uid);
  }

  startupResult(uid: string, container: string): Result | undefined {
    return this.pods.get(uid)?.workers.get(`${container}/startup`)?.result;
  }

  changed(pod: Pod): void {
    for (const cb of this.listeners) cb(pod);
  }

  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.opts.onEvent?.(pod, type, reason, message);
  }

  log(line: string): void {
    this.opts.log?.(line);
  }

  /** The container failed its liveness or startup probe: stop it (its probe's grace period, else the pod's) and have the pod synced. */
  kill(pod: Pod, container: Container, containerId: string, type: ProbeType, probe: Probe): void {
    this.event(pod, 'Normal', 'Killing', `Container ${container.name} failed ${type} probe, will be restarted`);
    const grace = probe.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    void this.opts
      .killContainer(containerId, grace)
      .catch((err: Error) => this.log(`prober: killing ${container.name}: ${err.message}`))
      .finally(() => this.changed(pod));
  }
}
