/**
 * The API server's own Prometheus metrics, named as kube-apiserver names them
 * (apiserver_request_total, apiserver_request_duration_seconds, apiserver_watch_events_total,
 * apiserver_registered_watchers), served at /metrics.
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class APIServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();
  watchers = 0;

  observe(verb: string, group: string, version: string, resource: string, subresource: string, code: number, seconds: number): void {
    const labels = `verb="${verb.toUpperCase()}",group="${group}",version="${version}",resource="${resource}",subresource="${subresource}"`;
    const rk = `${labels},code="${code}"`;
    this.requests.set(rk, (this.requests.get(rk) ?? 0) + 1);
    if (verb === 'watch') return;
    let h = this.durations.get(labels);
    if (!h) this.durations.set(labels, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  render(extra: string[] = []): string {
    const out: string[] = [];
    out.push('# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, group, version, resource, subresource and HTTP response code.');
    out.push('# TYPE apiserver_request_total counter');
    for (const [k, v] of this.requests) out.push(`apiserver_request_total{${k}} ${v}`);
    out.push('# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb, group, version, resource and subresource.');
    out.push('# TYPE apiserver_request_duration_seconds histogram');
    for (const [k, h] of this.durations) {
      BUCKETS.forEach((b, i) => out.push(`apiserver_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`));
      out.push(`apiserver_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      out.push(`apiserver_request_duration_seconds_sum{${k}} ${h.sum}`);
      out.push(`apiserver_request_duration_seconds_count{${k}} ${h.count}`);
    }
    out.push('# HELP apiserver_registered_watchers Number of currently registered watchers.');
    out.push('# TYPE apiserver_registered_watchers gauge');
    out.push(`apiserver_registered_watchers ${this.watchers}`);
    out.push(...extra);
    return out.join('\n') + '\n';
  }
}
