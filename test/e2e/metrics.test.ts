/**
 * Resource metrics end to end on real Docker-container nodes: each kubelet serves
 * /stats/summary and /metrics/resource from its node's engine (reached through the API
 * server's nodes/proxy), the API server serves metrics.k8s.io from them, and the real
 * kubectl's `top pods` and `top nodes` show a busy pod's CPU and both nodes. Skips
 * without a Docker engine; stop() removes the node containers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { PODS, RestClient } from '../../cluster/client/index.js';
import { eventually } from '../../cluster/controllers/testing/harness.js';
import { dockerSkipReason } from '../../cluster/nodes/docker.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl } from '../support/kubectl.js';

const skip = await dockerSkipReason();

/** `250m` → 250, `2` → 2000 (kubectl top prints millicores). */
function millicores(text: string): number {
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
}

/** kubectl top's table as rows of cells, header dropped. */
function rows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/));
}

describe('resource metrics: kubelet stats, metrics.k8s.io and kubectl top', { skip, timeout: 900_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  const kubectl = async (args: string[], input?: string) => {
    const r = await runKubectl(args, { kubeconfig: cluster.kubeconfig, input, timeoutMs: 60_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  let busyNode = '';

  before(async () => {
    cluster = await launchCluster({ nodes: 2, readyTimeoutMs: 600_000 });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'busy', labels: { app: 'busy' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'spin', image: 'kubarium/busybox:1', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'while :; do :; done'] }] },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    const running = await eventually(
      async () => {
        const p = await client.get<Pod>(PODS, 'busy', { namespace: 'default' });
        return p.status?.phase === 'Running' ? p : undefined;
      },
      'pod busy Running',
      180_000,
    );
    busyNode = running.spec?.nodeName ?? '';
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  test('the kubelet answers /stats/summary and /metrics/resource through nodes/proxy', async () => {
    const summary = JSON.parse(await kubectl(['get', '--raw', '/api/v1/nodes/node-1/proxy/stats/summary'])) as { node: { nodeName: string; cpu: { usageCoreNanoSeconds: number }; memory: { workingSetBytes: number } }; pods: unknown[] };
    assert.equal(summary.node.nodeName, 'node-1');
    assert.ok(summary.node.cpu.usageCoreNanoSeconds > 0);
    assert.ok(summary.node.memory.workingSetBytes > 0);
    assert.ok(Array.isArray(summary.pods));

    const onBusyNode = JSON.parse(await kubectl(['get', '--raw', `/api/v1/nodes/${busyNode}/proxy/stats/summary`])) as { pods: Array<{ podRef: { name: string }; containers: Array<{ name: string; cpu: { usageCoreNanoSeconds: number } }> }> };
    const busy = onBusyNode.pods.find((p) => p.podRef.name === 'busy');
    assert.ok(busy, JSON.stringify(onBusyNode.pods.map((p) => p.podRef)));
    assert.equal(busy.containers[0].name, 'spin');
    assert.ok(busy.containers[0].cpu.usageCoreNanoSeconds > 0);

    const resource = await kubectl(['get', '--raw', `/api/v1/nodes/${busyNode}/proxy/metrics/resource`]);
    assert.match(resource, /^node_cpu_usage_seconds_total \S+ \d+$/m);
    assert.match(resource, /^container_cpu_usage_seconds_total\{container="spin",namespace="default",pod="busy"\} \S+ \d+$/m);
    const cadvisor = await kubectl(['get', '--raw', `/api/v1/nodes/${busyNode}/proxy/metrics/cadvisor`]);
    assert.match(cadvisor, /^container_network_receive_bytes_total\{[^}]*pod="busy"[^}]*\} \d+/m);
    const own = await kubectl(['get', '--raw', `/api/v1/nodes/${busyNode}/proxy/metrics`]);
    assert.match(own, /^kubelet_running_pods [1-9]\d*$/m);
  });

  test('kubectl top pods shows the busy pod using more than 100m CPU', async () => {
    const cpu = await eventually(
      async (seen) => {
        const r = await runKubectl(['top', 'pods'], { kubeconfig: cluster.kubeconfig, timeoutMs: 60_000 });
        seen(r.stdout + r.stderr);
        const row = r.code === 0 ? rows(r.stdout).find((c) => c[0] === 'busy') : undefined;
        return row && millicores(row[1]) > 100 ? row : undefined;
      },
      'busy over 100m in kubectl top pods',
      90_000,
    );
    assert.match(cpu[2], /^\d+Mi$/);
    const all = rows(await kubectl(['top', 'pods', '-A', '--containers']));
    const spin = all.find((c) => c[0] === 'default' && c[1] === 'busy' && c[2] === 'spin');
    assert.ok(spin, JSON.stringify(all));
    assert.ok(millicores(spin[3]) > 100, spin.join(' '));
    const bySelector = JSON.parse(await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dbusy'])) as { kind: string; items: Array<{ metadata: { name: string }; window: string }> };
    assert.equal(bySelector.kind, 'PodMetricsList');
    assert.deepEqual(bySelector.items.map((i) => i.metadata.name), ['busy']);
  });

  test('kubectl top nodes lists both nodes', async () => {
    const table = await eventually(
      async (seen) => {
        const r = await runKubectl(['top', 'nodes'], { kubeconfig: cluster.kubeconfig, timeoutMs: 60_000 });
        seen(r.stdout + r.stderr);
        const t = r.code === 0 ? rows(r.stdout) : [];
        return t.length === 2 && t.every((c) => /^\d+m?$/.test(c[1])) ? t : undefined;
      },
      'two nodes in kubectl top nodes',
      60_000,
    );
    assert.deepEqual(table.map((c) => c[0]).sort(), ['node-1', 'node-2']);
    const busy = table.find((c) => c[0] === busyNode)!;
    assert.ok(millicores(busy[1]) > 100, busy.join(' '));
  });

  test('kubectl autoscale: the HPA reads the busy pods\' CPU from metrics.k8s.io and scales the Deployment up', async () => {
    await kubectl(['create', 'deployment', 'spinner', '--image=kubarium/busybox:1', '--', 'sh', '-c', 'while :; do :; done']);
    await kubectl(['set', 'resources', 'deployment', 'spinner', '--requests=cpu=50m']);
    await kubectl(['autoscale', 'deployment', 'spinner', '--cpu-percent=50', '--min=1', '--max=2']);
    // One spinning pod uses far more than 50 % of 50m: the autoscaler goes to its maximum.
    const replicas = await eventually(
      async (seen) => {
        const out = await kubectl(['get', 'hpa', 'spinner', '-o', 'jsonpath={.status.currentReplicas} {.status.desiredReplicas} {.status.currentMetrics[0].resource.current.averageUtilization}']);
        seen(out);
        const [, desired, utilization] = out.split(' ').map(Number);
        return desired === 2 && utilization > 50 && desired;
      },
      'the HPA to want 2 replicas',
      120_000,
    );
    assert.equal(replicas, 2);
    await eventually(async () => (await kubectl(['get', 'deployment', 'spinner', '-o', 'jsonpath={.spec.replicas}'])).trim() === '2', 'the Deployment scaled to 2', 60_000);
  });
});
