import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { nodeMetricsObject, podMetricsObject } from './api.js';
import { decodeResourceMetrics } from './decode.js';
import { parseSampleLine } from './prometheus-text.js';
import { cpuQuantity, durationText, memoryQuantity } from './quantity.js';
import { KubeletMetricsSource } from './source.js';
import { MetricsStorage } from './storage.js';

describe('Prometheus text', () => {
  test('samples with labels, escapes and timestamps', () => {
    assert.deepEqual(parseSampleLine('container_cpu_usage_seconds_total{container="a",namespace="ns",pod="p\\"q\\\\r"} 1.5 1700000000000'), {
      name: 'container_cpu_usage_seconds_total',
      labels: { container: 'a', namespace: 'ns', pod: 'p"q\\r' },
      value: 1.5,
      timeMs: 1700000000000,
    });
    assert.deepEqual(parseSampleLine('resource_scrape_error 0'), { name: 'resource_scrape_error', labels: {}, value: 0 });
    assert.equal(parseSampleLine('# HELP x y'), undefined);
    assert.equal(parseSampleLine('bad{x=1} 2'), undefined);
  });
});

describe('quantities', () => {
  test('CPU from nanocores, canonical like resource.NewScaledQuantity(n, Nano)', () => {
    assert.equal(cpuQuantity(12_000_000), '12m');
    assert.equal(cpuQuantity(250_000_001), '250000001n');
    assert.equal(cpuQuantity(2_000_000_000), '2');
    assert.equal(cpuQuantity(1_500), '1500n');
    assert.equal(cpuQuantity(0), '0');
  });
  test('memory in bytes, BinarySI', () => {
    assert.equal(memoryQuantity(34 * 1024 * 1024), '34Mi');
    assert.equal(memoryQuantity(1500 * 1024), '1500Ki');
    assert.equal(memoryQuantity(1_234_567), '1234567');
    assert.equal(memoryQuantity(1000), '1k');
    assert.equal(memoryQuantity(0), '0');
  });
  test('windows as Go durations', () => {
    assert.equal(durationText(15_023), '15.023s');
    assert.equal(durationText(61_500), '1m1.5s');
    assert.equal(durationText(500), '500ms');
    assert.equal(durationText(15_000), '15s');
  });
});

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** /metrics/resource text of a node with one pod `web` (containers app, sidecar). */
function scrapeText(i: number, opts: { restart?: boolean } = {}): string {
  const t = T0 + i * 10_000;
  const start = opts.restart ? 1767225700 : 1767225600;
  return `# HELP container_cpu_usage_seconds_total x
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} ${opts.restart ? 0.1 : 2 * i} ${t}
container_cpu_usage_seconds_total{container="sidecar",namespace="default",pod="web"} ${0.01 * i} ${t}
container_memory_working_set_bytes{container="app",namespace="default",pod="web"} ${34 * 1024 * 1024} ${t}
container_memory_working_set_bytes{container="sidecar",namespace="default",pod="web"} 4096 ${t}
container_start_time_seconds{container="app",namespace="default",pod="web"} ${start} ${start * 1000}
container_start_time_seconds{container="sidecar",namespace="default",pod="web"} 1767225600 1767225600000
node_cpu_usage_seconds_total ${5 * i} ${t}
node_memory_working_set_bytes 1073741824 ${t}
resource_scrape_error 0
`;
}

describe('MetricsStorage', () => {
  test('rates over the two last points; memory is the last working set', () => {
    const s = new MetricsStorage();
    s.store('node-1', decodeResourceMetrics(scrapeText(1), T0));
    assert.equal(s.nodeMetrics('node-1'), undefined);
    assert.equal(s.podMetrics('default', 'web'), undefined);
    assert.equal(s.lacksRecentRate('node-1', 15_000), true);
    s.store('node-1', decodeResourceMetrics(scrapeText(2), T0));
    assert.deepEqual(s.nodeMetrics('node-1'), { timestampMs: T0 + 20_000, windowMs: 10_000, usage: { cpuNanoCores: 500_000_000, memoryBytes: 1073741824 } });
    const pod = s.podMetrics('default', 'web');
    assert.deepEqual(pod?.containers, [
      { name: 'app', usage: { cpuNanoCores: 200_000_000, memoryBytes: 34 * 1024 * 1024 } },
      { name: 'sidecar', usage: { cpuNanoCores: 1_000_000, memoryBytes: 4096 } },
    ]);
    assert.equal(s.lacksRecentRate('node-1', 15_000), false);
    // The same reading again (the kubelet's cache) keeps the rate.
    s.store('node-1', decodeResourceMetrics(scrapeText(2), T0));
    assert.equal(s.nodeMetrics('node-1')?.windowMs, 10_000);
  });
  test('a restarted container starts over; a pod gone from the node is dropped', () => {
    const s = new MetricsStorage();
    s.store('n', decodeResourceMetrics(scrapeText(1), T0));
    s.store('n', decodeResourceMetrics(scrapeText(2), T0));
    s.store('n', decodeResourceMetrics(scrapeText(3, { restart: true }), T0));
    assert.equal(s.podMetrics('default', 'web'), undefined);
    s.store('n', decodeResourceMetrics('node_cpu_usage_seconds_total 100\nnode_memory_working_set_bytes 1\n', T0 + 40_000));
    s.store('n', decodeResourceMetrics(scrapeText(5), T0));
    assert.equal(s.podMetrics('default', 'web'), undefined, 'no previous point after the pod left');
    s.forgetNode('n');
    assert.equal(s.nodeMetrics('n'), undefined);
  });
});

describe('KubeletMetricsSource', () => {
  const node = (name: string): Node => ({ metadata: { name, labels: { role: 'worker' } } });
  test('scrapes twice at first, then at most once per resolution; unreachable nodes are left out', async () => {
    let clock = T0;
    const scrapes: string[] = [];
    const source = new KubeletMetricsSource({
      listNodes: async () => [node('a'), node('down')],
      scrape: async (n) => {
        const name = n.metadata!.name!;
        scrapes.push(name);
        if (name === 'down') throw new Error('connection refused');
        return scrapeText(scrapes.filter((s) => s === 'a').length);
      },
      settleMs: 1,
      now: () => clock,
    });
    await Promise.all([source.refresh(), source.refresh()]);
    assert.deepEqual(scrapes, ['a', 'down', 'a']);
    assert.ok(source.storage.nodeMetrics('a'));
    assert.equal(source.storage.nodeMetrics('down'), undefined);
    clock += 5_000;
    await source.refresh();
    assert.equal(scrapes.length, 3);
    clock += 15_000;
    await source.refresh();
    assert.deepEqual(scrapes, ['a', 'down', 'a', 'a', 'down']);

    const nm = nodeMetricsObject(node('a'), source, T0);
    assert.deepEqual(nm, {
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z', labels: { role: 'worker' } },
      timestamp: '2026-01-01T00:00:30Z',
      window: '10s',
      usage: { cpu: '500m', memory: '1Gi' },
    });
    const pod: Pod = { metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } } };
    const pm = podMetricsObject(pod, source, T0) as unknown as { metadata: { namespace: string }; containers: unknown[] };
    assert.equal(pm.metadata.namespace, 'default');
    assert.deepEqual(pm.containers, [
      { name: 'app', usage: { cpu: '200m', memory: '34Mi' } },
      { name: 'sidecar', usage: { cpu: '1m', memory: '4Ki' } },
    ]);
  });
});
