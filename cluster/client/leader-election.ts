/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection
 * package does it for kube-scheduler and kube-controller-manager:
 *  - every retryPeriod (jittered) a candidate reads the Lease; if another holder has
 *    renewed it within leaseDuration — measured on *our* clock from when we last saw it
 *    change, so clock skew between machines does not matter — it waits;
 *  - otherwise it writes itself in as holder with the resourceVersion it read, so of two
 *    racing candidates only one update succeeds (409 for the other);
 *  - the leader renews every retryPeriod and gives up if no renewal succeeded within
 *    renewDeadline; taking over from another holder increments leaseTransitions.
 */
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../api/status.js';
import { LEASES } from './gvr.js';
import type { RestClient } from './rest-client.js';
import { sleep } from './token-bucket.js';

export interface LeaderElectionOptions {
  client: RestClient;
  /** Lease namespace; kube-system as upstream components use. */
  namespace?: string;
  /** Lease name, e.g. `kube-scheduler`. */
  name: string;
  /** This candidate, e.g. `hostname_uuid`. */
  identity: string;
  /** Default 15 000 ms. */
  leaseDurationMs?: number;
  /** Default 10 000 ms. */
  renewDeadlineMs?: number;
  /** Default 2 000 ms. */
  retryPeriodMs?: number;
  /** On stop(), clear the holder so a successor need not wait for expiry. */
  releaseOnCancel?: boolean;
  /** Called once leading; `signal` aborts when leadership is lost or the elector stops. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called when leadership ends (only if it had been acquired). */
  onStoppedLeading?: () => void;
  /** Called whenever the observed holder changes (including to ourselves). */
  onNewLeader?: (identity: string) => void;
  log?: (line: string) => void;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** client-go's wait.Jitter(d, 1.2). */
function jitter(ms: number): number {
  return ms + Math.random() * 1.2 * ms;
}

export class LeaderElector {
  private readonly opts: Required<Omit<LeaderElectionOptions, 'onStoppedLeading' | 'onNewLeader' | 'log'>> & LeaderElectionOptions;
  private readonly abort = new AbortController();
  private leading = false;
  private observed?: LeaseSpec;
  private observedAt = 0;
  private observedRV?: string;
  private reportedLeader = '';
  private running?: Promise<void>;

  constructor(opts: LeaderElectionOptions) {
    this.opts = { namespace: 'kube-system', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, releaseOnCancel: false, ...opts };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.opts;
    if (!(leaseDurationMs > renewDeadlineMs)) throw new Error('leaseDuration must be greater than renewDeadline');
    if (!(renewDeadlineMs > 1.2 * retryPeriodMs)) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder we last observed ('' if none). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Campaigns, leads until leadership is lost or stop() is called; resolves then. Call once. */
  run(): Promise<void> {
    this.running ??= this.campaign();
    return this.running;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`leader-election ${this.opts.namespace}/${this.opts.name}: ${line}`);
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, this.abort.signal).catch(() => undefined);
  }

  private async campaign(): Promise<void> {
    // Acquire: retry every retryPeriod (jittered) until we hold the lease.
    while (!this.stopped && !(await this.tryAcquireOrRenew())) await this.pause(jitter(this.opts.retryPeriodMs));
    if (this.stopped) return;

    this.leading = true;
    const leadership = new AbortController();
    const onStop = () => leadership.abort();
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    Promise.resolve()
      .then(() => this.opts.onStartedLeading(leadership.signal))
      .catch((err: Error) => this.log(`onStartedLeading failed: ${err.message}`));

    // Renew: every retryPeriod; lose leadership if no renewal succeeds within renewDeadline.
    while (!this.stopped) {
      await this.pause(this.opts.retryPeriodMs);
      if (this.stopped) break;
      const deadline = Date.now() + this.opts.renewDeadlineMs;
      let renewed = false;
      while (!this.stopped && Date.now() < deadline) {
        if ((renewed = await this.tryAcquireOrRenew())) break;
        await this.pause(Math.min(this.opts.retryPeriodMs, Math.max(0, deadline - Date.now())));
      }
      if (!renewed && !this.stopped) {
        this.log(`failed to renew lease within ${this.opts.renewDeadlineMs} ms; stepping down`);
        break;
      }
    }
    this.leading = false;
    this.abort.signal.removeEventListener('abort', onStop);
    leadership.abort();
    if (this.stopped && this.opts.releaseOnCancel) await this.release();
    this.opts.onStoppedLeading?.();
  }

  private spec(now: number, old?: LeaseSpec): LeaseSpec {
    const ours = old?.holderIdentity === this.opts.identity;
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.opts.leaseDurationMs / 1000)),
      acquireTime: ours && old?.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: old ? (old.leaseTransitions ?? 0) + (ours ? 0 : 1) : 0,
    };
  }

  private observe(spec: LeaseSpec, rv: string | undefined, now: number): void {
    const changed = !this.observed || JSON.stringify(this.observed) !== JSON.stringify(spec);
    if (changed) {
      this.observed = spec;
      this.observedAt = now;
    }
    this.observedRV = rv;
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  /** One attempt (client-go tryAcquireOrRenew): true if we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.opts;
    const now = Date.now();
    let lease: Lease;
    try {
      lease = await client.get<Lease>(LEASES, name, { namespace, signal: this.abort.signal });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) {
        if (!this.stopped) this.log(`error retrieving lease: ${(err as Error).message}`);
        return false;
      }
      try {
        const spec = this.spec(now);
        const created = await client.create<Lease>(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec }, { signal: this.abort.signal });
        this.observe(created.spec ?? spec, created.metadata?.resourceVersion, now);
        return true;
      } catch (e) {
        if (!this.stopped && !(e instanceof StatusError && e.code === 409)) this.log(`error creating lease: ${(e as Error).message}`);
        return false;
      }
    }

    const current = lease.spec ?? {};
    this.observe(current, lease.metadata?.resourceVersion, now);
    const holder = current.holderIdentity ?? '';
    if (holder && holder !== identity && this.observedAt + this.opts.leaseDurationMs > now) return false;

    const spec = this.spec(now, current);
    try {
      const updated = await client.update<Lease>(LEASES, { ...lease, spec }, { namespace, signal: this.abort.signal });
      this.observe(updated.spec ?? spec, updated.metadata?.resourceVersion, now);
      return true;
    } catch (err) {
      // 409: someone else wrote first (optimistic concurrency on resourceVersion).
      if (!this.stopped && !(err instanceof StatusError && err.code === 409)) this.log(`error updating lease: ${(err as Error).message}`);
      return false;
    }
  }

  /** Clears the holder so another candidate can take over at once (ReleaseOnCancel). */
  private async release(): Promise<void> {
    const { client, namespace, name } = this.opts;
    if (!this.observed || this.observed.holderIdentity !== this.opts.identity) return;
    const now = Date.now();
    const spec: LeaseSpec = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: this.observed.leaseTransitions ?? 0,
    };
    try {
      await client.update<Lease>(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, resourceVersion: this.observedRV }, spec }, { namespace });
      this.observed = spec;
    } catch (err) {
      this.log(`failed to release lease: ${(err as Error).message}`);
    }
  }
}
