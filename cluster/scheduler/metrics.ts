/**
 * The scheduler's health figures under upstream's metric names: pending pods per queue
 * (scheduler_pending_pods), attempts per result (scheduler_schedule_attempts_total),
 * attempt duration (scheduler_scheduling_attempt_duration_seconds) and end-to-end
 * latency from first queueing to bound (scheduler_pod_scheduling_sli_duration_seconds).
 */
import type { QueueLengths } from './queue.js';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

/** Upstream's buckets: exponential from 1 ms, factor 2, 15 buckets (attempt); from 10 ms, factor 2, 20 buckets (SLI). */
const expBuckets = (start: number, factor: number, n: number) => Array.from({ length: n }, (_, i) => start * factor ** i);

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }
  /** Approximate quantile from the buckets (upper bound of the bucket holding it). */
  quantile(q: number): number | undefined {
    if (!this.count) return undefined;
    const target = q * this.count;
    for (let i = 0; i < this.buckets.length; i++) if (this.counts[i] >= target) return this.buckets[i];
    return Infinity;
  }
}

export interface SchedulerMetrics {
  pendingPods: QueueLengths;
  attempts: Record<AttemptResult, number>;
  attemptDurationSeconds: { count: number; sum: number; p50?: number; p99?: number };
  e2eSchedulingSeconds: { count: number; sum: number; p50?: number; p99?: number };
  preemptionAttempts: number;
  preemptionVictims: number;
  cachedNodes: number;
  cachedPods: number;
}

export class MetricsRecorder {
  readonly attempts: Record<AttemptResult, number> = { scheduled: 0, unschedulable: 0, error: 0 };
  readonly attemptDuration: Record<AttemptResult, Histogram> = {
    scheduled: new Histogram(expBuckets(0.001, 2, 15)),
    unschedulable: new Histogram(expBuckets(0.001, 2, 15)),
    error: new Histogram(expBuckets(0.001, 2, 15)),
  };
  readonly e2e = new Histogram(expBuckets(0.01, 2, 20));
  preemptionAttempts = 0;
  preemptionVictims = 0;

  attempt(result: AttemptResult, seconds: number): void {
    this.attempts[result]++;
    this.attemptDuration[result].observe(seconds);
  }

  snapshot(pending: QueueLengths, cachedNodes: number, cachedPods: number): SchedulerMetrics {
    const all = new Histogram(expBuckets(0.001, 2, 15));
    for (const h of Object.values(this.attemptDuration)) {
      all.count += h.count;
      all.sum += h.sum;
      h.counts.forEach((c, i) => (all.counts[i] += c));
    }
    const sum = (h: Histogram) => ({ count: h.count, sum: h.sum, p50: h.quantile(0.5), p99: h.quantile(0.99) });
    return {
      pendingPods: pending,
      attempts: { ...this.attempts },
      attemptDurationSeconds: sum(all),
      e2eSchedulingSeconds: sum(this.e2e),
      preemptionAttempts: this.preemptionAttempts,
      preemptionVictims: this.preemptionVictims,
      cachedNodes,
      cachedPods,
    };
  }

  /** Prometheus text exposition format. */
  render(pending: QueueLengths, profile = 'default-scheduler'): string {
    const out: string[] = [];
    out.push('# HELP scheduler_pending_pods Number of pending pods, by the queue type.', '# TYPE scheduler_pending_pods gauge');
    for (const [q, n] of Object.entries(pending)) out.push(`scheduler_pending_pods{queue="${q}"} ${n}`);
    out.push('# HELP scheduler_schedule_attempts_total Number of attempts to schedule pods, by the result.', '# TYPE scheduler_schedule_attempts_total counter');
    for (const [r, n] of Object.entries(this.attempts)) out.push(`scheduler_schedule_attempts_total{profile="${profile}",result="${r}"} ${n}`);
    out.push('# HELP scheduler_scheduling_attempt_duration_seconds Scheduling attempt latency in seconds (scheduling algorithm + binding).', '# TYPE scheduler_scheduling_attempt_duration_seconds histogram');
    for (const [r, h] of Object.entries(this.attemptDuration)) out.push(...histogramLines('scheduler_scheduling_attempt_duration_seconds', `profile="${profile}",result="${r}"`, h));
    out.push('# HELP scheduler_pod_scheduling_sli_duration_seconds E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue.', '# TYPE scheduler_pod_scheduling_sli_duration_seconds histogram');
    out.push(...histogramLines('scheduler_pod_scheduling_sli_duration_seconds', '', this.e2e));
    out.push('# HELP scheduler_preemption_attempts_total Total preemption attempts in the cluster till now', '# TYPE scheduler_preemption_attempts_total counter', `scheduler_preemption_attempts_total ${this.preemptionAttempts}`);
    out.push('# HELP scheduler_preemption_victims Number of selected preemption victims', '# TYPE scheduler_preemption_victims counter', `scheduler_preemption_victims ${this.preemptionVictims}`);
    return out.join('\n') + '\n';
  }
}

function histogramLines(name: string, labels: string, h: Histogram): string[] {
  const l = (extra: string) => `{${[labels, extra].filter(Boolean).join(',')}}`;
  const lines = h.buckets.map((b, i) => `${name}_bucket${l(`le="${b}"`)} ${h.counts[i]}`);
  lines.push(`${name}_bucket${l('le="+Inf"')} ${h.count}`, `${name}_sum${labels ? `{${labels}}` : ''} ${h.sum}`, `${name}_count${labels ? `{${labels}}` : ''} ${h.count}`);
  return lines;
}
