/**
 * The kubelet's pod life cycle on a real Docker-container node (`up --nodes 1`): a pod
 * whose readiness probe fails leaves its Service's ready endpoints and comes back when it
 * passes; a preStop hook runs before the stop signal (both leave their mark in a hostPath
 * file, in order); a static pod written into the node's /etc/kubernetes/manifests runs
 * with a Running mirror pod owned by the Node, is mirrored again when the mirror is
 * deleted, and goes away with its file. Skips without a Docker engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { ENDPOINTSLICES, PODS, RestClient, SERVICES } from '../../cluster/client/index.js';
import { eventually, getOrUndefined } from '../../cluster/controllers/testing/harness.js';
import { dockerSkipReason } from '../../cluster/nodes/docker.js';
import { NodeManager } from '../../cluster/nodes/node-manager.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl } from '../support/kubectl.js';

const skip = await dockerSkipReason();
const NODE = 'node-1';

describe('pod life cycle on a Docker-container node', { skip, timeout: 900_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  let nodes: NodeManager;
  const getPod = (name: string, ns = 'default') => getOrUndefined(client.get<Pod>(PODS, name, { namespace: ns }));
  const nodeSh = async (script: string) => {
    const r = await nodes.exec(NODE, ['sh', '-c', script]);
    assert.equal(r.exitCode, 0, `${script}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    // The first run builds the node image (debootstrap, about a minute).
    cluster = await launchCluster({ nodes: 1, readyTimeoutMs: 600_000 });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    nodes = new NodeManager({ clusterId: readFileSync(join(cluster.dataDir, 'cluster-id'), 'utf8').trim() });
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  test("a failing readiness probe takes the pod out of its Service's ready endpoints, and a passing one brings it back", async () => {
    await client.create<Service>(SERVICES, { metadata: { name: 'gate', namespace: 'default' }, spec: { selector: { app: 'gate' }, ports: [{ port: 80, targetPort: 8080 }] } }, { namespace: 'default' });
    await client.create<Pod>(PODS, {
      metadata: { name: 'gate', namespace: 'default', labels: { app: 'gate' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'c',
            image: 'kubarium/busybox:1',
            command: ['sh', '-c', 'touch /tmp/ready; exec sleep 3600'],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    }, { namespace: 'default' });
    const readyEndpoints = async () => {
      const slices = await client.list<EndpointSlice>(ENDPOINTSLICES, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=gate' });
      return slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).map((e) => e.addresses[0]);
    };
    const running = await eventually(async () => {
      const p = await getPod('gate');
      const ip = p?.status?.podIP;
      return !!p && !!ip && (await readyEndpoints()).includes(ip) && p;
    }, 'the pod to be a ready endpoint', 120_000);
    const kubectl = (args: string[]) => runKubectl(args, { kubeconfig: cluster.kubeconfig, timeoutMs: 60_000 });
    assert.equal((await kubectl(['exec', 'gate', '--', 'rm', '/tmp/ready'])).code, 0);
    await eventually(async () => (await readyEndpoints()).length === 0 && (await getPod('gate'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'the pod to leave the ready endpoints', 60_000);
    assert.equal((await kubectl(['exec', 'gate', '--', 'touch', '/tmp/ready'])).code, 0);
    await eventually(async () => (await readyEndpoints()).includes(running.status!.podIP!), 'the pod to come back', 60_000);
    await client.delete(PODS, 'gate', { namespace: 'default', gracePeriodSeconds: 0 });
    await client.delete(SERVICES, 'gate', { namespace: 'default' });
  });

  test('a preStop hook runs before the stop signal, within the grace period', async () => {
    const dir = `/tmp/kubarium-prestop-${randomBytes(3).toString('hex')}`;
    await client.create<Pod>(PODS, {
      metadata: { name: 'hooked', namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 20,
        volumes: [{ name: 'out', hostPath: { path: dir, type: 'DirectoryOrCreate' } }],
        containers: [
          {
            name: 'c',
            image: 'kubarium/busybox:1',
            command: ['sh', '-c', "trap 'echo term >> /out/log; exit 0' TERM; echo started >> /out/log; while true; do sleep 0.2; done"],
            volumeMounts: [{ name: 'out', mountPath: '/out' }],
            lifecycle: {
              postStart: { exec: { command: ['sh', '-c', 'echo post-start >> /out/log'] } },
              preStop: { exec: { command: ['sh', '-c', 'echo pre-stop >> /out/log; sleep 1; echo pre-stop-done >> /out/log'] } },
            },
          },
        ],
      },
    }, { namespace: 'default' });
    await eventually(async () => (await getPod('hooked'))?.status?.phase === 'Running', 'the pod to run', 120_000);
    await client.delete(PODS, 'hooked', { namespace: 'default' });
    await eventually(async () => (await getPod('hooked')) === undefined, 'the pod to be gone', 60_000);
    const lines = (await nodeSh(`cat ${dir}/log`)).trim().split('\n');
    assert.deepEqual(lines.filter((l) => l !== 'started' && l !== 'post-start'), ['pre-stop', 'pre-stop-done', 'term'], lines.join(' | '));
    assert.ok(lines.includes('post-start'), 'postStart ran');
    await nodeSh(`rm -rf ${dir}`);
  });

  test('a static pod in the node runs with a mirror pod, is mirrored again when the mirror is deleted, and goes with its file', async () => {
    const name = `static-web-${NODE}`;
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'static-web', labels: { tier: 'static' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'echo', image: 'kubarium/http-echo:1' }] },
    });
    await nodeSh(`mkdir -p /etc/kubernetes/manifests && printf '%s' '${manifest}' > /etc/kubernetes/manifests/.x.tmp && mv /etc/kubernetes/manifests/.x.tmp /etc/kubernetes/manifests/x.yaml`);
    const mirror = await eventually(async (seen) => {
      const p = await getPod(name);
      seen(p?.status);
      return p?.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && p;
    }, 'the mirror pod to be Running', 120_000);
    const hash = mirror.metadata?.annotations?.['kubernetes.io/config.mirror'];
    assert.match(hash ?? '', /^[0-9a-f]{32}$/);
    assert.equal(mirror.metadata?.annotations?.['kubernetes.io/config.hash'], hash);
    assert.equal(mirror.metadata?.annotations?.['kubernetes.io/config.source'], 'file');
    assert.deepEqual(mirror.metadata?.ownerReferences?.map((o) => `${o.kind}/${o.name}`), [`Node/${NODE}`]);
    assert.notEqual(mirror.metadata?.uid, hash, 'the mirror is an API object of its own');
    assert.equal(mirror.spec?.nodeName, NODE);
    const logs = await runKubectl(['logs', name], { kubeconfig: cluster.kubeconfig, timeoutMs: 60_000 });
    assert.match(logs.stdout, /listening on :5678/, 'the kubelet serves the static pod under its mirror name');

    await client.delete(PODS, name, { namespace: 'default' });
    const again = await eventually(async () => {
      const p = await getPod(name);
      return p && p.metadata?.uid !== mirror.metadata?.uid && !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && p;
    }, 'the mirror pod to be made again', 60_000);
    assert.equal(again.metadata?.annotations?.['kubernetes.io/config.mirror'], hash);
    const containers = () => nodeSh(`docker ps -q --filter label=io.kubernetes.pod.name=${name}`);
    assert.notEqual((await containers()).trim(), '', 'the static pod kept running');

    await nodeSh('rm /etc/kubernetes/manifests/x.yaml');
    await eventually(async () => (await getPod(name)) === undefined, 'the mirror pod to go', 60_000);
    await eventually(async () => (await containers()).trim() === '', 'the static pod to stop', 60_000);
  });
});
