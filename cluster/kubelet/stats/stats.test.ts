import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatsCollector, nanoCores } from './collector.js';
import { containerSample, type DockerStatsJSON } from './docker-stats.js';
import type { EngineContainer, StatsEngine } from './engine.js';
import { cpuAndMemoryOnly } from './handlers.js';
import { nodeCgroupOf, parseMeminfo, parseNetDev, parseProcStatCpu, type NodeUsage } from './node-usage.js';
import { cadvisorMetricsText, kubeletMetricsText, resourceMetricsText } from './prometheus.js';

describe('docker stats → container sample', () => {
  test('cgroup v1: working set is usage minus total_inactive_file', () => {
    const s = containerSample({
      read: '2026-01-01T00:00:10.5Z',
      cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } },
      memory_stats: { usage: 100 << 20, stats: { total_inactive_file: 30 << 20, total_rss: 50 << 20, total_pgfault: 7, total_pgmajfault: 1 } },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20, rx_errors: 0, tx_errors: 1 } },
    });
    assert.equal(s.timeMs, Date.parse('2026-01-01T00:00:10.5Z'));
    assert.equal(s.cpuCoreNanoSeconds, 2_500_000_000);
    assert.equal(s.memoryWorkingSetBytes, 70 << 20);
    assert.equal(s.memoryRssBytes, 50 << 20);
    assert.deepEqual(s.interfaces, [{ name: 'eth0', rxBytes: 10, rxErrors: 0, txBytes: 20, txErrors: 1 }]);
  });
  test('cgroup v2: inactive_file and anon; never below zero', () => {
    const s = containerSample({ memory_stats: { usage: 1000, stats: { inactive_file: 4000, anon: 300 } } }, 42);
    assert.equal(s.memoryWorkingSetBytes, 0);
    assert.equal(s.memoryRssBytes, 300);
    assert.equal(s.timeMs, 42);
  });
});

describe('node usage parsers', () => {
  test('/proc/stat busy time in ns', () => {
    // user nice system idle iowait irq softirq steal
    assert.equal(parseProcStatCpu('cpu  100 0 50 9999 5 2 3 0 0 0\ncpu0 1 2 3\n'), (155 * 1e9) / 100);
  });
  test('/proc/meminfo in bytes', () => {
    const m = parseMeminfo('MemTotal:       16384 kB\nMemFree:  1024 kB\nInactive(file):   2048 kB\nHugePages_Total:       0\n');
    assert.equal(m.MemTotal, 16384 * 1024);
    assert.equal(m['Inactive(file)'], 2048 * 1024);
    assert.equal(m.HugePages_Total, 0);
  });
  test('/proc/net/dev keeps the node interfaces only', () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 5000      50    2    0    0     0          0         0     7000      70    3    0    0     0       0          0
docker0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0
vethabc: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0
`;
    assert.deepEqual(parseNetDev(text), [{ name: 'eth0', rxBytes: 5000, rxErrors: 2, txBytes: 7000, txErrors: 3 }]);
  });
  test('the node cgroup is the parent of the pods cgroup parent', () => {
    assert.equal(nodeCgroupOf('/docker/abc/kubepods'), '/docker/abc');
    assert.equal(nodeCgroupOf('/kubarium/node-1'), undefined);
    assert.equal(nodeCgroupOf(undefined), undefined);
  });
});

test('nanoCores: rate between two readings, none across a reset', () => {
  assert.equal(nanoCores({ ns: 0, timeMs: 0 }, { ns: 500_000_000, timeMs: 1000 }), 500_000_000);
  assert.equal(nanoCores(undefined, { ns: 1, timeMs: 1 }), undefined);
  assert.equal(nanoCores({ ns: 10, timeMs: 0 }, { ns: 5, timeMs: 1000 }), undefined);
});

/** An engine with one pod (sandbox + container `busy`) whose CPU counter grows 0.25 core-s per call. */
function fakeEngine() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  let cpu = 0;
  const calls = { containers: 0, stats: 0 };
  const pod = { uid: 'u1', namespace: 'default', name: 'busy' };
  const list: EngineContainer[] = [
    { id: 'sb', pod, name: '', sandbox: true, state: 'running', createdMs: t },
    { id: 'c1', pod, name: 'busy', sandbox: false, state: 'running', createdMs: t },
    { id: 'c0', pod, name: 'busy', sandbox: false, state: 'exited', createdMs: t },
  ];
  const engine: StatsEngine = {
    async containers(all) {
      calls.containers++;
      return all ? list : list.filter((c) => c.state === 'running');
    },
    async stats(id): Promise<DockerStatsJSON> {
      calls.stats++;
      if (id === 'sb') return { read: new Date(t).toISOString(), networks: { eth0: { rx_bytes: 1, tx_bytes: 2 } }, memory_stats: { usage: 4096 } };
      t += 1000;
      cpu += 250_000_000;
      return { read: new Date(t).toISOString(), cpu_stats: { cpu_usage: { total_usage: cpu } }, memory_stats: { usage: 3 << 20, stats: { total_inactive_file: 1 << 20 } } };
    },
  };
  const nodeUsage = (): NodeUsage => ({ timeMs: t, cpuCoreNanoSeconds: cpu * 2, memoryUsageBytes: 8 << 20, memoryWorkingSetBytes: 6 << 20, memoryCapacityBytes: 64 << 20, interfaces: [{ name: 'eth0', rxBytes: 9, rxErrors: 0, txBytes: 8, txErrors: 0 }] });
  return { engine, calls, nodeUsage };
}

describe('StatsCollector', () => {
  test('builds the Summary; rates from the second collection', async () => {
    const { engine, nodeUsage } = fakeEngine();
    const c = new StatsCollector({ engine, nodeName: 'node-1', nodeUsage, maxAgeMs: 0 });
    const first = await c.summary();
    assert.equal(first.node.nodeName, 'node-1');
    assert.equal(first.pods.length, 1);
    const pod = first.pods[0];
    assert.deepEqual(pod.podRef, { name: 'busy', namespace: 'default', uid: 'u1' });
    assert.equal(pod.containers[0].name, 'busy');
    assert.equal(pod.containers[0].cpu.usageNanoCores, undefined);
    assert.equal(pod.containers[0].memory.workingSetBytes, 2 << 20);
    assert.equal(pod.network?.rxBytes, 1);
    assert.equal(first.node.memory.availableBytes, 58 << 20);
    const second = await c.summary();
    // 0.25 core-s over 1 s.
    assert.equal(second.pods[0].containers[0].cpu.usageNanoCores, 250_000_000);
    assert.equal(second.pods[0].cpu.usageNanoCores, 250_000_000);
    assert.equal(second.pods[0].cpu.usageCoreNanoSeconds, 500_000_000);
    assert.ok(second.node.cpu.usageNanoCores! > 0);
    const slim = cpuAndMemoryOnly(second);
    assert.equal(slim.pods[0].network, undefined);
    assert.equal(slim.node.network, undefined);
  });

  test('concurrent and recent callers share one collection', async () => {
    const { engine, calls, nodeUsage } = fakeEngine();
    const c = new StatsCollector({ engine, nodeName: 'n', nodeUsage, maxAgeMs: 60_000 });
    const [a, b] = await Promise.all([c.summary(), c.summary()]);
    assert.equal(a, b);
    await c.summary();
    assert.equal(calls.containers, 1);
  });
});

describe('Prometheus rendering', () => {
  test('/metrics/resource has the stable families with labels and timestamps', async () => {
    const { engine, nodeUsage } = fakeEngine();
    const c = new StatsCollector({ engine, nodeName: 'node-1', nodeUsage, maxAgeMs: 0 });
    const s = await c.summary();
    const text = resourceMetricsText(s);
    const ts = Date.parse(s.pods[0].containers[0].cpu.time);
    assert.match(text, /^# TYPE container_cpu_usage_seconds_total counter$/m);
    assert.ok(text.includes(`container_cpu_usage_seconds_total{container="busy",namespace="default",pod="busy"} 0.25 ${ts}\n`), text);
    assert.ok(text.includes(`container_memory_working_set_bytes{container="busy",namespace="default",pod="busy"} ${2 << 20} ${ts}\n`));
    assert.match(text, /^node_cpu_usage_seconds_total 0\.5 \d+$/m);
    assert.match(text, new RegExp(`^node_memory_working_set_bytes ${6 << 20} \\d+$`, 'm'));
    assert.match(text, /^pod_cpu_usage_seconds_total\{namespace="default",pod="busy"\} 0\.25 \d+$/m);
    assert.match(text, /^resource_scrape_error 0$/m);
  });
  test('/metrics/cadvisor carries network per pod and escapes label values', async () => {
    const { engine, nodeUsage } = fakeEngine();
    const s = await new StatsCollector({ engine, nodeName: 'n', nodeUsage }).summary();
    s.pods[0].podRef.name = 'we"ird\\pod';
    const text = cadvisorMetricsText(s, { cores: 2, memoryBytes: 1024 });
    assert.match(text, /^container_network_receive_bytes_total\{container="",id="\/kubepods\/podu1",interface="eth0",namespace="default",pod="we\\"ird\\\\pod"\} 1 \d+$/m);
    assert.match(text, /^container_network_transmit_bytes_total\{container="",id="\/",interface="eth0",namespace="",pod=""\} 8 \d+$/m);
    assert.match(text, /^container_cpu_usage_seconds_total\{container="busy",cpu="total",/m);
    assert.match(text, /^machine_cpu_cores 2$/m);
  });
  test('/metrics: kubelet counters and process metrics', () => {
    const text = kubeletMetricsText({ nodeName: 'n', runningPods: 3, containersByState: { running: 4, exited: 1 } }, { cpuSeconds: 1.5, residentBytes: 100, heapBytes: 50, startTimeSeconds: 1000 });
    assert.match(text, /^kubelet_running_pods 3$/m);
    assert.match(text, /^kubelet_running_containers\{container_state="exited"\} 1$/m);
    assert.match(text, /^kubelet_running_containers\{container_state="running"\} 4$/m);
    assert.match(text, /^process_resident_memory_bytes 100$/m);
    assert.doesNotMatch(text, /process_open_fds/);
  });
});
