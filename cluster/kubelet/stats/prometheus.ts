/**
 * The kubelet's Prometheus endpoints, rendered from a Summary in the text exposition
 * format 0.0.4: /metrics/resource (pkg/kubelet/metrics/collectors/resource_metrics.go,
 * what metrics-server scrapes, samples stamped with their collection time),
 * /metrics/cadvisor (cAdvisor's container_* families) and /metrics (the kubelet's own
 * counters and process_* metrics).
 */
import type { Summary } from './types.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number;
  timeMs?: number;
}

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** One metric family: HELP, TYPE and its samples (a family without samples is left out, as client_golang does). */
export function family(name: string, help: string, type: 'counter' | 'gauge', samples: Sample[]): string {
  if (samples.length === 0) return '';
  let out = `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
  for (const s of samples) {
    const keys = Object.keys(s.labels).sort();
    const labels = keys.length ? `{${keys.map((k) => `${k}="${escapeValue(s.labels[k])}"`).join(',')}}` : '';
    out += `${name}${labels} ${formatValue(s.value)}${s.timeMs !== undefined ? ` ${Math.round(s.timeMs)}` : ''}\n`;
  }
  return out;
}

const ms = (t: string) => Date.parse(t);
const seconds = (ns: number) => ns / 1e9;

/** /metrics/resource. */
export function resourceMetricsText(summary: Summary): string {
  const { node, pods } = summary;
  const containers = pods.flatMap((p) => p.containers.map((c) => ({ p, c, labels: { container: c.name, namespace: p.podRef.namespace, pod: p.podRef.name } })));
  const podLabels = (p: (typeof pods)[number]) => ({ namespace: p.podRef.namespace, pod: p.podRef.name });
  return [
    family('container_cpu_usage_seconds_total', '[STABLE] Cumulative cpu time consumed by the container in core-seconds', 'counter', containers.map(({ c, labels }) => ({ labels, value: seconds(c.cpu.usageCoreNanoSeconds), timeMs: ms(c.cpu.time) }))),
    family('container_memory_working_set_bytes', '[STABLE] Current working set of the container in bytes', 'gauge', containers.map(({ c, labels }) => ({ labels, value: c.memory.workingSetBytes, timeMs: ms(c.memory.time) }))),
    family('container_memory_rss', '[ALPHA] Size of RSS in bytes', 'gauge', containers.map(({ c, labels }) => ({ labels, value: c.memory.rssBytes ?? 0, timeMs: ms(c.memory.time) }))),
    family('container_start_time_seconds', '[STABLE] Start time of the container since unix epoch in seconds', 'gauge', containers.map(({ c, labels }) => ({ labels, value: ms(c.startTime) / 1000, timeMs: ms(c.startTime) }))),
    family('node_cpu_usage_seconds_total', '[STABLE] Cumulative cpu time consumed by the node in core-seconds', 'counter', [{ labels: {}, value: seconds(node.cpu.usageCoreNanoSeconds), timeMs: ms(node.cpu.time) }]),
    family('node_memory_working_set_bytes', '[STABLE] Current working set of the node in bytes', 'gauge', [{ labels: {}, value: node.memory.workingSetBytes, timeMs: ms(node.memory.time) }]),
    family('node_memory_rss_bytes', '[ALPHA] Current rss of the node in bytes', 'gauge', node.memory.rssBytes !== undefined ? [{ labels: {}, value: node.memory.rssBytes, timeMs: ms(node.memory.time) }] : []),
    family('pod_cpu_usage_seconds_total', '[STABLE] Cumulative cpu time consumed by the pod in core-seconds', 'counter', pods.map((p) => ({ labels: podLabels(p), value: seconds(p.cpu.usageCoreNanoSeconds), timeMs: ms(p.cpu.time) }))),
    family('pod_memory_working_set_bytes', '[STABLE] Current working set of the pod in bytes', 'gauge', pods.map((p) => ({ labels: podLabels(p), value: p.memory.workingSetBytes, timeMs: ms(p.memory.time) }))),
    family('resource_scrape_error', '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise', 'gauge', [{ labels: {}, value: 0 }]),
  ].join('');
}

/** /metrics/cadvisor: per container, per pod (container="") and the node's root cgroup (id="/"). */
export function cadvisorMetricsText(summary: Summary, machine: { cores: number; memoryBytes: number }): string {
  const { node, pods } = summary;
  type Row = { labels: Labels; cpu: number; ws: number; usage: number; rss: number; time: number; start: number };
  const rows: Row[] = [{ labels: { container: '', id: '/', namespace: '', pod: '' }, cpu: node.cpu.usageCoreNanoSeconds, ws: node.memory.workingSetBytes, usage: node.memory.usageBytes, rss: node.memory.rssBytes ?? 0, time: ms(node.cpu.time), start: ms(node.startTime) }];
  for (const p of pods) {
    const base = { namespace: p.podRef.namespace, pod: p.podRef.name };
    rows.push({ labels: { ...base, container: '', id: `/kubepods/pod${p.podRef.uid}` }, cpu: p.cpu.usageCoreNanoSeconds, ws: p.memory.workingSetBytes, usage: p.memory.usageBytes, rss: p.memory.rssBytes ?? 0, time: ms(p.cpu.time), start: ms(p.startTime) });
    for (const c of p.containers) {
      rows.push({ labels: { ...base, container: c.name, id: `/kubepods/pod${p.podRef.uid}/${c.name}` }, cpu: c.cpu.usageCoreNanoSeconds, ws: c.memory.workingSetBytes, usage: c.memory.usageBytes, rss: c.memory.rssBytes ?? 0, time: ms(c.cpu.time), start: ms(c.startTime) });
    }
  }
  const nets = pods.flatMap((p) => (p.network?.interfaces ?? []).map((i) => ({ i, time: ms(p.network!.time), labels: { container: '', id: `/kubepods/pod${p.podRef.uid}`, interface: i.name, namespace: p.podRef.namespace, pod: p.podRef.name } })));
  for (const i of node.network?.interfaces ?? []) nets.unshift({ i, time: ms(node.network!.time), labels: { container: '', id: '/', interface: i.name, namespace: '', pod: '' } });
  const net = (f: (i: (typeof nets)[number]['i']) => number) => nets.map((n) => ({ labels: n.labels, value: f(n.i), timeMs: n.time }));
  return [
    family('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', 'counter', rows.map((r) => ({ labels: { ...r.labels, cpu: 'total' }, value: seconds(r.cpu), timeMs: r.time }))),
    family('container_memory_working_set_bytes', 'Current working set in bytes.', 'gauge', rows.map((r) => ({ labels: r.labels, value: r.ws, timeMs: r.time }))),
    family('container_memory_usage_bytes', 'Current memory usage in bytes, including all memory regardless of when it was accessed', 'gauge', rows.map((r) => ({ labels: r.labels, value: r.usage, timeMs: r.time }))),
    family('container_memory_rss', 'Size of RSS in bytes.', 'gauge', rows.map((r) => ({ labels: r.labels, value: r.rss, timeMs: r.time }))),
    family('container_network_receive_bytes_total', 'Cumulative count of bytes received', 'counter', net((i) => i.rxBytes)),
    family('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', 'counter', net((i) => i.rxErrors)),
    family('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', 'counter', net((i) => i.txBytes)),
    family('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', 'counter', net((i) => i.txErrors)),
    family('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.', 'gauge', rows.map((r) => ({ labels: r.labels, value: r.start / 1000, timeMs: r.time }))),
    family('machine_cpu_cores', 'Number of logical CPU cores.', 'gauge', [{ labels: {}, value: machine.cores }]),
    family('machine_memory_bytes', 'Amount of memory installed on the machine.', 'gauge', [{ labels: {}, value: machine.memoryBytes }]),
  ].join('');
}

export interface KubeletCounts {
  nodeName: string;
  /** Pods with a ready sandbox. */
  runningPods: number;
  /** Containers (sandboxes excluded) by state: running, exited, created, unknown. */
  containersByState: Record<string, number>;
}

/** /metrics: the kubelet's own (pkg/kubelet/metrics) and the process's. */
export function kubeletMetricsText(counts: KubeletCounts, proc: { cpuSeconds: number; residentBytes: number; heapBytes: number; startTimeSeconds: number; openFds?: number }): string {
  return [
    family('kubelet_node_name', '[ALPHA] The node\'s name. The count is always 1.', 'gauge', [{ labels: { node: counts.nodeName }, value: 1 }]),
    family('kubelet_running_pods', '[ALPHA] Number of pods that have a running pod sandbox', 'gauge', [{ labels: {}, value: counts.runningPods }]),
    family('kubelet_running_containers', '[ALPHA] Number of containers currently running', 'gauge', Object.entries(counts.containersByState).sort().map(([state, n]) => ({ labels: { container_state: state }, value: n }))),
    family('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter', [{ labels: {}, value: proc.cpuSeconds }]),
    family('process_open_fds', 'Number of open file descriptors.', 'gauge', proc.openFds !== undefined ? [{ labels: {}, value: proc.openFds }] : []),
    family('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', [{ labels: {}, value: proc.residentBytes }]),
    family('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', [{ labels: {}, value: proc.startTimeSeconds }]),
    family('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge', [{ labels: {}, value: proc.heapBytes }]),
  ].join('');
}
