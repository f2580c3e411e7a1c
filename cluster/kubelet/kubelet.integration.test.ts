/**
 * The kubelet's main loop against a real control plane and a real Docker engine (the
 * host's, standing in for a node's): it registers a Ready Node with a Lease, runs the
 * pods bound to it, reports their status, restarts crashing containers, finishes
 * graceful deletion and cleans up after a forced one; runs a static pod from a manifest
 * directory with a mirror pod in the API. Skips without an engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { EVENTS, LEASES, NODES, PODS, RestClient } from '../client/index.js';
import { eventually, getOrUndefined } from '../controllers/testing/harness.js';
import { connectDocker } from '../nodes/docker.js';
import { launchCluster } from '../../test/support/cluster.js';
import type { LaunchedCluster } from '../../test/support/cluster.js';
import { startKubelet } from './kubelet.js';
import type { RunningKubelet } from './kubelet.js';
import { machineCapacity, systemInfo } from './machine-info.js';
import { DockerRuntime } from './runtime/docker-runtime.js';
import { podEngineSkipReason } from './testing/engine.js';

const TEST_LABEL = 'io.kubarium.test';
const testId = `kubelet-loop-${process.pid}-${randomBytes(3).toString('hex')}`;
const docker = connectDocker();

const skip = await podEngineSkipReason(docker);

describe('kubelet main loop', { skip }, () => {
  const nodeName = `node-${randomBytes(3).toString('hex')}`;
  let cluster: LaunchedCluster;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let rootDir: string;

  before(async () => {
    cluster = await launchCluster({ args: ['--no-scheduler'] });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    rootDir = mkdtempSync(join(tmpdir(), 'kubarium-kubelet-'));
    mkdirSync(join(rootDir, 'manifests'));
    const runtime = new DockerRuntime({ docker, labels: { [TEST_LABEL]: testId }, pullTimeoutMs: 30_000, rootDir });
    kubelet = await startKubelet({
      client,
      nodeName,
      runtime,
      rootDir,
      hostIP: '127.0.0.1',
      capacity: machineCapacity(rootDir),
      nodeInfo: systemInfo(nodeName, 'docker://test'),
      leaseRenewIntervalMs: 500,
      housekeepingMs: 300,
      staticPodPath: join(rootDir, 'manifests'),
      fileCheckFrequencyMs: 1000,
    });
  });

  after(async () => {
    await kubelet?.stop();
    const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    client?.close();
    await cluster?.stop();
    if (rootDir) rmSync(rootDir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names), [], 'the kubelet removed every container it started');
  });

  const pod = (name: string, spec: NonNullable<Pod['spec']>): Pod => ({
    metadata: { name, namespace: 'default' },
    spec: { nodeName, terminationGracePeriodSeconds: 1, automountServiceAccountToken: false, ...spec },
  });
  const getPod = (name: string) => getOrUndefined(client.get<Pod>(PODS, name, { namespace: 'default' }));

  test('registers a Ready node with capacity, addresses, nodeInfo and a renewed Lease', async () => {
    const node = await client.get<Node>(NODES, nodeName);
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(node.status?.addresses?.[0], { type: 'InternalIP', address: '127.0.0.1' });
    assert.ok(Number(node.status?.capacity?.pods) > 0);
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'docker://test');
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], nodeName);
    const first = await client.get<Lease>(LEASES, nodeName, { namespace: 'kube-node-lease' });
    assert.equal(first.spec?.holderIdentity, nodeName);
    assert.equal(first.metadata?.ownerReferences?.[0]?.uid, node.metadata?.uid);
    await eventually(async () => (await client.get<Lease>(LEASES, nodeName, { namespace: 'kube-node-lease' })).spec?.renewTime !== first.spec?.renewTime, 'the lease to be renewed');
  });

  test('runs a bound pod: Running, Ready, a pod IP, started events; deletion stops it and removes the object', async () => {
    await client.create<Pod>(PODS, pod('web', { containers: [{ name: 'web', image: 'kubarium/busybox:1', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'] }] }));
    const running = await eventually(async (seen) => {
      const p = await getPod('web');
      seen(p?.status);
      return p?.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && p;
    }, 'the pod to run');
    assert.ok(running.status?.podIP, 'a pod IP');
    assert.equal(running.status?.hostIP, '127.0.0.1');
    assert.equal(running.status?.containerStatuses?.[0]?.ready, true);
    assert.match(running.status?.containerStatuses?.[0]?.containerID ?? '', /^docker:\/\//);
    await eventually(async () => {
      const events = await client.list<Event>(EVENTS, { namespace: 'default', fieldSelector: `involvedObject.name=web` });
      return events.items.some((e) => e.reason === 'Started' && e.source?.host === nodeName);
    }, 'a Started event from this kubelet');
    const rv = running.metadata?.resourceVersion;
    // Unchanged status is not written again (the status manager).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await getPod('web'))?.metadata?.resourceVersion, rv, 'no status writes while nothing changes');

    await client.delete(PODS, 'web', { namespace: 'default' });
    await eventually(async () => (await getPod('web')) === undefined, 'the kubelet to finish the deletion');
    await eventually(async () => (await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } })).length === 0, 'its containers to be removed');
  });

  test('a crashing container is restarted and its restart count rises', async () => {
    await client.create<Pod>(PODS, pod('crash', { containers: [{ name: 'c', image: 'kubarium/busybox:1', command: ['sh', '-c', 'exit 3'] }] }));
    const p = await eventually(async (seen) => {
      const cur = await getPod('crash');
      seen(cur?.status?.containerStatuses);
      const s = cur?.status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 1 && s?.lastState?.terminated?.exitCode === 3 && cur;
    }, 'a restart', 40_000);
    assert.equal(p.status?.phase, 'Running');
    await client.delete(PODS, 'crash', { namespace: 'default', gracePeriodSeconds: 0 });
  });

  test('a force-deleted pod: the object is gone at once and housekeeping removes its containers', async () => {
    await client.create<Pod>(PODS, pod('forced', { containers: [{ name: 'c', image: 'kubarium/busybox:1', command: ['sleep', '3600'] }] }));
    await eventually(async () => (await getPod('forced'))?.status?.phase === 'Running', 'the pod to run');
    await client.delete(PODS, 'forced', { namespace: 'default', gracePeriodSeconds: 0 });
    await eventually(async () => (await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } })).length === 0, 'housekeeping to remove the containers');
  });

  test('a static pod from the manifest directory: runs, a mirror pod carries its status, is made again when deleted, goes with the file', async () => {
    const file = join(rootDir, 'manifests', 'static.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: static\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: c\n    image: kubarium/busybox:1\n    command: [sleep, '3600']\n`);
    const name = `static-${nodeName}`;
    const mirror = await eventually(async (seen) => {
      const p = await getPod(name);
      seen(p?.status);
      return p?.status?.phase === 'Running' && p;
    }, 'the mirror pod to be Running', 60_000);
    const hash = mirror.metadata?.annotations?.['kubernetes.io/config.mirror'];
    assert.match(hash ?? '', /^[0-9a-f]{32}$/);
    assert.equal(mirror.metadata?.ownerReferences?.[0]?.kind, 'Node');
    assert.equal(kubelet.pod('default', name)?.metadata?.uid, hash, "the kubelet's view is the static pod");
    await client.delete(PODS, name, { namespace: 'default' });
    await eventually(async () => {
      const p = await getPod(name);
      return !!p && p.metadata?.uid !== mirror.metadata?.uid && !p.metadata?.deletionTimestamp && p.status?.phase === 'Running';
    }, 'a new mirror pod with the status');
    const sandboxes = async () => (await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`, `io.kubernetes.pod.uid=${hash}`] } })).length;
    assert.ok((await sandboxes()) > 0, 'the static pod kept running');
    unlinkSync(file);
    await eventually(async () => (await getPod(name)) === undefined, 'the mirror pod to be deleted');
    await eventually(async () => (await sandboxes()) === 0, 'the static pod to be stopped and removed');
  });
});
