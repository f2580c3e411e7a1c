/**
 * Real nodes end to end (`up --nodes 3`): three Docker-container nodes, each with its own
 * engine, our kubelet and kube-proxy, join with a bootstrap token and turn Ready; the real
 * kubectl runs a Deployment spread over them, reads logs, execs, reaches a Service's
 * ClusterIP from a pod on another node (requests spread over the endpoints); a killed
 * container restarts; a stopped node goes Unknown and its pods are replaced elsewhere,
 * and it comes back Ready. Skips without a Docker engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NODES, PODS, RestClient } from '../../cluster/client/index.js';
import { connectDocker, dockerSkipReason } from '../../cluster/nodes/docker.js';
import { NodeManager } from '../../cluster/nodes/node-manager.js';
import { launchCluster, runLauncher, type LaunchedCluster } from '../support/cluster.js';
import { kubectlPath, runKubectl } from '../support/kubectl.js';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '../../cluster/controllers/testing/harness.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const skip = await dockerSkipReason();
const execFileAsync = promisify(execFile);

describe('a cluster of Docker-container nodes, driven by kubectl', { skip, timeout: 900_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  let nodes: NodeManager;
  const kubectl = async (args: string[], input?: string) => {
    const r = await runKubectl(args, { kubeconfig: cluster.kubeconfig, input, timeoutMs: 60_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const pods = async (selector: string) => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: selector })).items;
  const running = (ps: Pod[]) => ps.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);

  before(async () => {
    // The first run builds the node image (debootstrap, about a minute).
    cluster = await launchCluster({ nodes: 3, args: ['--node-monitor-grace-period', '10s'], readyTimeoutMs: 600_000 });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    nodes = new NodeManager({ clusterId: readFileSync(join(cluster.dataDir, 'cluster-id'), 'utf8').trim() });
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  test('three nodes are Ready, registered by their kubelets with TLS-bootstrapped identities', async () => {
    const out = await kubectl(['get', 'nodes', '-o', 'json']);
    const list = JSON.parse(out) as { items: Node[] };
    assert.deepEqual(list.items.map((n) => n.metadata?.name).sort(), ['node-1', 'node-2', 'node-3']);
    for (const n of list.items) {
      assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', n.metadata?.name);
      assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^docker:\/\//);
      assert.match(n.spec?.podCIDR ?? '', /^10\.244\.\d+\.0\/24$/);
    }
    const csrs = await kubectl(['get', 'csr', '-o', 'jsonpath={range .items[*]}{.spec.username} {.status.conditions[0].type}{"\\n"}{end}']);
    assert.equal(csrs.trim().split('\n').filter((l) => /^system:bootstrap:\S+ Approved$/.test(l)).length, 3, csrs);
  });

  test('a Deployment spreads over the nodes; logs and exec reach its containers', async () => {
    const tolerate = [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
    ];
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            tolerations: tolerate,
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
            containers: [{ name: 'echo', image: 'kubarium/http-echo:1', ports: [{ containerPort: 5678 }] }],
          },
        },
      },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(deployment));
    await kubectl(['expose', 'deployment', 'web', '--port', '80', '--target-port', '5678']);
    await kubectl(['run', 'client', '--image=kubarium/busybox:1', '--restart=Never', '--', 'sleep', '3600']);
    const web = await eventually(async (seen) => {
      const ps = running(await pods('app=web'));
      seen(ps.map((p) => `${p.metadata?.name} ${p.spec?.nodeName} ${p.status?.phase}`));
      return ps.length === 6 && ps;
    }, 'six running web pods', 120_000);
    assert.ok(new Set(web.map((p) => p.spec?.nodeName)).size >= 2, 'pods on at least two nodes');
    await eventually(async () => running(await pods('run=client')).length === 1, 'the client pod to run', 60_000);

    const logs = await kubectl(['logs', web[0].metadata!.name!]);
    assert.match(logs, /listening on :5678/);
    const hostname = await kubectl(['exec', 'client', '--', 'hostname']);
    assert.equal(hostname.trim(), 'client');
  });

  test("a Service's ClusterIP answers from a pod on any node, spreading requests over the endpoints", async () => {
    const ip = (await kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.match(ip, /^10\.9[6-9]\./);
    await eventually(async () => (await kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}'])).trim().split(/\s+/).length === 6, 'six endpoints', 60_000);
    const seen = new Set<string>();
    for (let i = 0; i < 24 && seen.size < 3; i++) {
      const r = await runKubectl(['exec', 'client', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 80`], { kubeconfig: cluster.kubeconfig });
      const who = r.stdout.trim().split('\n').pop();
      if (r.code === 0 && who) seen.add(who);
    }
    assert.ok(seen.size >= 3, `answers from at least three pods, got ${[...seen].join(', ')}`);
    const client0 = (await pods('run=client'))[0];
    const served = running(await pods('app=web')).filter((p) => seen.has(p.metadata!.name!));
    assert.ok(served.some((p) => p.spec?.nodeName !== client0.spec?.nodeName), 'some answers crossed to another node');
  });

  test('pods/proxy and services/proxy reach pods on every node through their kubelets: kubectl get --raw, kubectl proxy + curl', async () => {
    const web = running(await pods('app=web'));
    for (const nodeName of new Set(web.map((p) => p.spec!.nodeName!))) {
      const pod = web.find((p) => p.spec?.nodeName === nodeName)!;
      const body = await kubectl(['get', '--raw', `/api/v1/namespaces/default/pods/${pod.metadata!.name}:5678/proxy/`]);
      assert.equal(body.trim(), pod.metadata!.name, `${nodeName}: the pod answers through pods/proxy`);
    }
    const proxy = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'proxy', '--port=0']);
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        proxy.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /Starting to serve on (127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(`http://${m[1]}`);
        });
        proxy.on('exit', () => reject(new Error(`kubectl proxy exited: ${out}`)));
      });
      const { stdout } = await execFileAsync('curl', ['-sS', '--max-time', '30', `${base}/api/v1/namespaces/default/services/web:80/proxy/`]);
      // http-echo answers with its pod's name.
      const answered = await client.get<Pod>(PODS, stdout.trim(), { namespace: 'default' });
      assert.equal(answered.metadata?.labels?.app, 'web', `a web pod answers services/web:80/proxy: ${stdout}`);
    } finally {
      proxy.kill();
    }
  });

  test("kube-proxy's own endpoints through nodes/<node>:<port>/proxy: proxyMode, healthz, metrics and the programmed rules", async () => {
    assert.equal(await kubectl(['get', '--raw', '/api/v1/nodes/node-1:10249/proxy/proxyMode']), 'iptables');
    const health = JSON.parse(await kubectl(['get', '--raw', '/api/v1/nodes/node-2:10256/proxy/healthz'])) as { lastUpdated: string; nodeEligible: boolean };
    assert.ok(health.lastUpdated && health.nodeEligible, JSON.stringify(health));
    assert.match(await kubectl(['get', '--raw', '/api/v1/nodes/node-1:10249/proxy/metrics']), /^kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]/m);
    const endpoints = running(await pods('app=web')).map((p) => p.status?.podIP);
    for (const node of ['node-1', 'node-2', 'node-3']) {
      const rules = JSON.parse(await kubectl(['get', '--raw', `/api/v1/nodes/${node}:10249/proxy/rules`])) as { servicePorts: Array<{ name: string; endpoints: Array<{ destination: string }> }> };
      const web = rules.servicePorts.find((p) => p.name === 'web');
      assert.deepEqual(web?.endpoints.map((e) => e.destination.split(':')[0]).sort(), [...endpoints].sort(), `${node}: DNAT to every web pod`);
    }
  });

  test('cluster DNS answers the Service name (and search domains) from a pod', async () => {
    const ip = (await kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await eventually(async () => (await client.list<Pod>(PODS, { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')), 'the cluster DNS pod to be Ready', 120_000);
    const fqdn = await kubectl(['exec', 'client', '--', 'nslookup', 'web.default.svc.cluster.local']);
    assert.match(fqdn, new RegExp(`Address:\\s*${ip.replace(/\./g, '\\.')}`));
    // The short name through the pod's resolv.conf search list (default.svc.cluster.local …).
    const r = await runKubectl(['exec', 'client', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 web 80`], { kubeconfig: cluster.kubeconfig });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /web-/);
  });

  test('NodePort and LoadBalancer Services answer on the host at 127.0.0.1', async () => {
    await kubectl(['expose', 'deployment', 'web', '--name', 'web-np', '--type', 'NodePort', '--port', '80', '--target-port', '5678']);
    await kubectl(['expose', 'deployment', 'web', '--name', 'web-lb', '--type', 'LoadBalancer', '--port', '18080', '--target-port', '5678']);
    const nodePort = Number(await kubectl(['get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}']));
    const answer = (port: number) =>
      eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
        return res?.ok && (await res.text());
      }, `an answer on 127.0.0.1:${port}`, 60_000);
    assert.match(await answer(nodePort), /web-/);
    await eventually(async () => (await kubectl(['get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).trim() === '127.0.0.1', 'the LoadBalancer ingress', 60_000);
    assert.match(await answer(18080), /web-/);
  });

  test('an image only the host has: load-image copies it in, and a pod that could not pull it starts by itself', async () => {
    const docker = connectDocker();
    const tag = `kubarium-e2e/app:${process.pid}`;
    await docker.getImage('kubarium/busybox:1').tag({ repo: 'kubarium-e2e/app', tag: String(process.pid) });
    try {
      await kubectl(['run', 'sideloaded', `--image=${tag}`, '--image-pull-policy=IfNotPresent', '--restart=Never', '--', 'sleep', '3600']);
      await eventually(async () => running(await pods('run=sideloaded')).length === 1, 'the pod to start once its image is loaded', 120_000);
      // The CLI, for images pods have not asked for yet: every running node gets it.
      const out = await runLauncher(['load-image', tag, '--data-dir', cluster.dataDir]);
      assert.match(out, /node-1: (loaded|already present)/);
      assert.match(out, /node-2: (loaded|already present)/);
    } finally {
      await docker.getImage(tag).remove().catch(() => undefined);
    }
  });

  test('a killed container is restarted and its restart count rises', async () => {
    const [pod] = running(await pods('app=web'));
    const node = pod.spec!.nodeName!;
    const r = await nodes.exec(node, ['sh', '-c', `docker kill $(docker ps -q --filter label=io.kubernetes.pod.name=${pod.metadata!.name} --filter label=io.kubernetes.container.name=echo)`]);
    assert.equal(r.exitCode, 0, r.stderr);
    const after = await eventually(async () => {
      const p = await client.get<Pod>(PODS, pod.metadata!.name!, { namespace: 'default' });
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && p.status?.containerStatuses?.[0]?.ready && p;
    }, 'the restart', 60_000);
    assert.ok(after.status?.containerStatuses?.[0]?.lastState?.terminated, 'lastState holds the killed instance');
  });

  test('a failing liveness probe restarts its container, and Events say why', async () => {
    // Healthy for its first seconds (the file exists), then the probe finds it gone.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'liveness', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'kubarium/busybox:1',
            command: ['sh', '-c', 'touch /tmp/healthy; sleep 3; rm /tmp/healthy; sleep 3600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
        terminationGracePeriodSeconds: 1,
      },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    await eventually(async () => {
      const p = await client.get<Pod>(PODS, 'liveness', { namespace: 'default' });
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
    }, 'a restart after the liveness probe failed', 90_000);
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=liveness', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(events, /Unhealthy:Liveness probe failed/);
    assert.match(events, /Killing:Container app failed liveness probe, will be restarted/);
    await kubectl(['delete', 'pod', 'liveness', '--wait=false']);
  });

  test('a stopped node turns Unknown, its pods are replaced on the others, and it comes back Ready', async () => {
    const victim = 'node-3';
    const before = running(await pods('app=web')).filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata!.name!);
    await nodes.stop(victim, { timeoutS: 2 });
    await eventually(async () => {
      const n = await client.get<Node>(NODES, victim);
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
    }, 'the node to turn Unknown', 60_000);
    await eventually(async (seen) => {
      const ps = running(await pods('app=web'));
      seen(ps.map((p) => `${p.metadata?.name}@${p.spec?.nodeName}`));
      return ps.length === 6 && ps.every((p) => p.spec?.nodeName !== victim) && !ps.some((p) => before.includes(p.metadata!.name!));
    }, 'six running web pods off the stopped node', 120_000);

    await nodes.start(victim);
    await eventually(async () => {
      const n = await client.get<Node>(NODES, victim);
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    }, 'the node to be Ready again', 120_000);
  });
});
