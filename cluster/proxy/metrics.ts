/**
 * kube-proxy's own Prometheus metrics (pkg/proxy/metrics/metrics.go), the cheap and
 * honest ones: how long syncs take (all, full, partial), when the last one ran and when
 * a change was last queued, how many Service and EndpointSlice changes came in, how
 * many iptables-restore runs failed and how many rules each table holds.
 */

/** metrics.ExponentialBuckets(0.001, 2, 15), as SyncProxyRulesLatency uses. */
const BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

class Histogram {
  readonly counts = BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.counts[i]++;
    });
    this.sum += seconds;
    this.count++;
  }

  render(name: string, help: string): string[] {
    const out = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    BUCKETS.forEach((b, i) => out.push(`${name}_bucket{le="${Number(b.toPrecision(6))}"} ${this.counts[i]}`));
    out.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`);
    return out;
  }
}

export class ProxyMetrics {
  private readonly all = new Histogram();
  private readonly full = new Histogram();
  private readonly partial = new Histogram();
  /** Unix seconds of the last successful sync / the last queued change (0 = never). */
  lastSyncSeconds = 0;
  lastQueuedSeconds = 0;
  serviceChanges = 0;
  endpointChanges = 0;
  restoreFailures = 0;
  /** Rules per table from the last sync (iptables mode). */
  rulesByTable: Record<string, number> = {};

  observeSync(seconds: number, full: boolean): void {
    this.all.observe(seconds);
    (full ? this.full : this.partial).observe(seconds);
    this.lastSyncSeconds = Date.now() / 1000;
  }

  queued(): void {
    this.lastQueuedSeconds = Date.now() / 1000;
  }

  /** Counts the `-A` lines per table of an iptables-restore input. */
  countRules(restoreInput: string): void {
    const counts: Record<string, number> = {};
    let table = '';
    for (const line of restoreInput.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      else if (line.startsWith('-A ')) counts[table] = (counts[table] ?? 0) + 1;
    }
    this.rulesByTable = counts;
  }

  render(): string {
    const gauge = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`];
    const counter = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
    const out = [
      ...this.all.render('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds'),
      ...this.full.render('kubeproxy_sync_full_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for full resyncs'),
      ...this.partial.render('kubeproxy_sync_partial_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for partial resyncs'),
      ...gauge('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'The last time proxy rules were successfully synced', this.lastSyncSeconds),
      ...gauge('kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds', 'The last time a sync of proxy rules was queued', this.lastQueuedSeconds),
      ...counter('kubeproxy_sync_proxy_rules_service_changes_total', 'Cumulative proxy rules Service changes', this.serviceChanges),
      ...counter('kubeproxy_sync_proxy_rules_endpoint_changes_total', 'Cumulative proxy rules Endpoint changes', this.endpointChanges),
      ...counter('kubeproxy_sync_proxy_rules_iptables_restore_failures_total', 'Cumulative proxy iptables restore failures', this.restoreFailures),
      '# HELP kubeproxy_sync_proxy_rules_iptables_total Total number of iptables rules owned by kube-proxy',
      '# TYPE kubeproxy_sync_proxy_rules_iptables_total gauge',
      ...Object.entries(this.rulesByTable).map(([table, n]) => `kubeproxy_sync_proxy_rules_iptables_total{table="${table}"} ${n}`),
    ];
    return out.join('\n') + '\n';
  }
}
