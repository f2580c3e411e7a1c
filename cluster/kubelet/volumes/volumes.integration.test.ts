/**
 * Pod volumes on a real Docker engine (the host's, standing in for a node's) with a real
 * API server: configMap updates reaching a running container, a secret's file mode,
 * emptyDir (disk and memory) shared by two containers, the service-account token the
 * ServiceAccount admission plugin projects (accepted by the API server), and FailedMount.
 * Pods are created in the API (so admission runs and tokens can be bound to them) on a
 * Node object no kubelet serves; the test's PodSyncer runs them. Skips without an engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ConfigMap, Node, Pod, PodStatus, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { CONFIGMAPS, NODES, PODS, RestClient, SECRETS, SERVICEACCOUNTS } from '../../client/index.js';
import { eventually } from '../../controllers/testing/harness.js';
import { connectDocker } from '../../nodes/docker.js';
import { launchCluster } from '../../../test/support/cluster.js';
import type { LaunchedCluster } from '../../../test/support/cluster.js';
import { PodSyncer } from '../pod-sync.js';
import { execVia } from '../prober/probes.js';
import { DockerRuntime } from '../runtime/docker-runtime.js';
import { VolumeManager } from './volume-manager.js';
import { podEngineSkipReason } from '../testing/engine.js';

const TEST_LABEL = 'io.kubarium.test';
const testId = `volumes-${process.pid}-${randomBytes(3).toString('hex')}`;
const docker = connectDocker();
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const skip = await podEngineSkipReason(docker);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pod volumes on a Docker engine', { skip }, () => {
  const nodeName = `vol-node-${randomBytes(3).toString('hex')}`;
  let cluster: LaunchedCluster;
  let client: RestClient;
  let rootDir: string;
  let runtime: DockerRuntime;
  let syncer: PodSyncer;
  const events: string[] = [];
  const uids: string[] = [];

  before(async () => {
    cluster = await launchCluster({ args: ['--no-scheduler'] });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    rootDir = mkdtempSync(join(tmpdir(), 'kubarium-volumes-'));
    runtime = new DockerRuntime({ docker, labels: { [TEST_LABEL]: testId }, pullTimeoutMs: 30_000, rootDir });
    const volumes = new VolumeManager({ client, rootDir, resyncMs: 300, onEvent: (p, type, reason, message) => events.push(`${p.metadata?.name} ${type} ${reason} ${message}`) });
    syncer = new PodSyncer({ runtime, hostIP: '127.0.0.1', labels: { [TEST_LABEL]: testId }, volumes, backoffInitialMs: 500, backoffMaxMs: 2000 });
    // A Node object so the pods bound to it are not orphans; nothing else serves it.
    await client.create<Node>(NODES, { metadata: { name: nodeName } });
    await eventually(async () => (await client.get<ServiceAccount>(SERVICEACCOUNTS, 'default', { namespace: 'default' }).catch(() => undefined)) !== undefined, 'the default service account', 30_000);
    await eventually(async () => (await client.get<ConfigMap>(CONFIGMAPS, 'kube-root-ca.crt', { namespace: 'default' }).catch(() => undefined)) !== undefined, 'kube-root-ca.crt', 30_000);
  });

  after(async () => {
    for (const uid of uids) await syncer?.removePod(uid).catch(() => undefined);
    const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    const { Volumes } = await docker.listVolumes({ filters: { label: [`${TEST_LABEL}=${testId}`] } });
    for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
    const podDirs = rootDir && existsSync(join(rootDir, 'pods')) ? readdirSync(join(rootDir, 'pods')) : [];
    if (rootDir) rmSync(rootDir, { recursive: true, force: true });
    client?.close();
    await cluster?.stop();
    assert.deepEqual(left.map((c) => c.Names), [], 'removePod leaves no container');
    assert.deepEqual((Volumes ?? []).map((v) => v.Name), [], 'removePod leaves no memory volume');
    assert.deepEqual(podDirs, [], 'removePod leaves no pod directory');
  });

  async function createPod(name: string, spec: Omit<NonNullable<Pod['spec']>, 'nodeName'>): Promise<Pod> {
    const pod = await client.create<Pod>(PODS, { metadata: { name, namespace: 'default' }, spec: { nodeName, terminationGracePeriodSeconds: 0, ...spec } });
    uids.push(pod.metadata!.uid!);
    return pod;
  }

  async function syncUntil(pod: Pod, done: (s: PodStatus) => boolean | Promise<boolean>, what: string, timeoutMs = 40_000): Promise<Pod> {
    const deadline = Date.now() + timeoutMs;
    let current = pod;
    for (;;) {
      const r = await syncer.syncPod(current);
      current = { ...current, status: r.status };
      if (await done(r.status)) return current;
      if (Date.now() > deadline) assert.fail(`${pod.metadata?.name}: ${what}; last status: ${JSON.stringify(r.status, null, 1)}`);
      await sleep(200);
    }
  }

  const idOf = (p: Pod, container: string) => p.status!.containerStatuses!.find((c) => c.name === container)!.containerID!.slice('docker://'.length);
  const exec = (id: string, cmd: string[]) => execVia(runtime)(id, cmd, 5000);

  test('a configMap volume: its keys as files, and an update reaches the running container', async () => {
    await client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'app-config', namespace: 'default' }, data: { greeting: 'hello' } });
    const pod = await createPod('cm-reader', {
      automountServiceAccountToken: false,
      volumes: [{ name: 'config', configMap: { name: 'app-config' } }],
      containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sleep', '3600'], volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] }],
    });
    const running = await syncUntil(pod, (s) => !!s.containerStatuses?.[0].state?.running, 'the pod to run');
    const id = idOf(running, 'main');
    assert.equal((await exec(id, ['cat', '/etc/config/greeting'])).output, 'hello');
    const ro = await exec(id, ['sh', '-c', 'echo x > /etc/config/new']);
    assert.notEqual(ro.exitCode, 0, 'configMap volumes are read-only');

    await client.patch<ConfigMap>(CONFIGMAPS, 'app-config', { data: { greeting: 'world' } }, { namespace: 'default' });
    await syncUntil(running, async () => (await exec(id, ['cat', '/etc/config/greeting'])).output === 'world', 'the update to show in the file', 20_000);
    assert.equal(idOf(running, 'main'), id, 'the same container saw the update');
    await syncer.killPod(running, 0);
  });

  test('a secret volume: decoded content with its defaultMode', async () => {
    await client.create<Secret>(SECRETS, { metadata: { name: 'creds', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    const pod = await createPod('secret-reader', {
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      securityContext: { runAsUser: 0 },
      volumes: [{ name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } }],
      containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sh', '-c', 'stat -L -c %a /etc/creds/password; cat /etc/creds/password'], volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }] }],
    });
    const done = await syncUntil(pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed', 'the pod to finish');
    assert.equal(done.status!.phase, 'Succeeded');
    assert.equal(await runtime.logs(idOf(done, 'main')), '400\ns3cret');
  });

  test('emptyDir on disk and in memory, shared by two containers', async () => {
    const pod = await createPod('shared', {
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }],
      containers: [
        { name: 'writer', image: 'kubarium/busybox:1', securityContext: { runAsUser: 1000 }, command: ['sh', '-c', 'echo from-writer > /data/x && echo in-memory > /mem/y'], volumeMounts: [{ name: 'scratch', mountPath: '/data' }, { name: 'mem', mountPath: '/mem' }] },
        { name: 'reader', image: 'kubarium/busybox:1', command: ['sh', '-c', 'until [ -s /shared/x ] && [ -s /m/y ]; do sleep 0.1; done; cat /shared/x /m/y; grep " /m " /proc/mounts | cut -d" " -f3'], volumeMounts: [{ name: 'scratch', mountPath: '/shared' }, { name: 'mem', mountPath: '/m' }] },
      ],
    });
    const done = await syncUntil(pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed', 'both containers to finish');
    assert.equal(done.status!.phase, 'Succeeded', JSON.stringify(done.status!.containerStatuses));
    assert.equal(await runtime.logs(idOf(done, 'reader')), 'from-writer\nin-memory\ntmpfs\n');
  });

  test('the projected service-account token of kube-api-access-*: a JWT the API server accepts, with its CA and namespace', async () => {
    const pod = await createPod('sa-reader', {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sh', '-c', `cat ${SA_DIR}/token; echo; cat ${SA_DIR}/namespace; echo; cat ${SA_DIR}/ca.crt`] }],
    });
    assert.ok(pod.spec!.volumes!.some((v) => v.name.startsWith('kube-api-access-')), 'the admission plugin injected the volume');
    const done = await syncUntil(pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed', 'the pod to finish');
    const [token, namespace, ...ca] = (await runtime.logs(idOf(done, 'main'))).split('\n');
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(namespace, 'default');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; 'kubernetes.io': { pod: { name: string; uid: string } } };
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.deepEqual(claims['kubernetes.io'].pod, { name: 'sa-reader', uid: pod.metadata!.uid });
    // The token and the CA from the volume are all a client in the pod needs.
    const inPod = new RestClient({ server: cluster.url, token, ca: ca.join('\n') });
    try {
      const review = await inPod.request<{ status: { userInfo: { username: string } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      assert.equal(review.status.userInfo.username, 'system:serviceaccount:default:default');
    } finally {
      inPod.close();
    }
  });

  test('a missing configMap: FailedMount and no container until it exists', async () => {
    const pod = await createPod('waits-for-config', {
      automountServiceAccountToken: false,
      volumes: [{ name: 'config', configMap: { name: 'late-config' } }],
      containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sleep', '3600'], volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] }],
    });
    const first = await syncer.syncPod(pod);
    assert.equal(first.status.phase, 'Pending');
    assert.deepEqual(first.status.containerStatuses![0].state, { waiting: { reason: 'ContainerCreating' } });
    assert.ok(first.requeueAfterMs !== undefined, 'retried');
    assert.ok(events.includes('waits-for-config Warning FailedMount MountVolume.SetUp failed for volume "config" : configmap "late-config" not found'), events.join('\n'));
    assert.deepEqual(await runtime.listPodContainers(pod.metadata!.uid!), []);
    await client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'late-config', namespace: 'default' }, data: { k: 'v' } });
    const running = await syncUntil(pod, (s) => !!s.containerStatuses?.[0].state?.running, 'the pod to run once the configMap exists');
    await syncer.killPod(running, 0);
  });
});
