/**
 * The pod sync against a real Docker engine: the host's, standing in for a node's engine
 * (pod containers are plain containers there). Skips without an engine. Everything the
 * test creates is labelled io.kubarium.test=<id> and removed in after().
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { connectDocker } from '../nodes/docker.js';
import { PodSyncer } from './pod-sync.js';
import { DockerRuntime } from './runtime/docker-runtime.js';
import { podEngineSkipReason } from './testing/engine.js';

const TEST_LABEL = 'io.kubarium.test';
const testId = `kubelet-${process.pid}-${randomBytes(3).toString('hex')}`;
const docker = connectDocker();

const skip = await podEngineSkipReason(docker);

function makePod(name: string, spec: NonNullable<Pod['spec']>): Pod {
  return { metadata: { name: `${name}-${testId}`, namespace: 'default', uid: randomUUID() }, spec: { terminationGracePeriodSeconds: 2, ...spec } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Syncs until `done(status)` holds, as the pod worker would, feeding each status back into the pod. */
async function syncUntil(syncer: PodSyncer, pod: Pod, done: (s: PodStatus) => boolean, timeoutMs = 60_000): Promise<{ pod: Pod; seen: PodStatus[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: PodStatus[] = [];
  let current = pod;
  for (;;) {
    const r = await syncer.syncPod(current);
    seen.push(r.status);
    current = { ...current, status: r.status };
    if (done(r.status)) return { pod: current, seen };
    if (Date.now() > deadline) assert.fail(`pod ${pod.metadata?.name} did not reach the expected status; last: ${JSON.stringify(r.status, null, 1)}`);
    await sleep(Math.min(r.requeueAfterMs ?? 200, 200));
  }
}

describe('pod sync on a Docker engine', { skip }, () => {
  let runtime: DockerRuntime;
  let syncer: PodSyncer;
  const pods: Pod[] = [];
  let rootDir: string;

  before(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'kubarium-kubelet-'));
    runtime = new DockerRuntime({ docker, labels: { [TEST_LABEL]: testId }, pullTimeoutMs: 30_000, rootDir });
    syncer = new PodSyncer({ runtime, hostIP: '172.18.0.2', labels: { [TEST_LABEL]: testId }, backoffInitialMs: 500, backoffMaxMs: 4000 });
  });

  after(async () => {
    for (const p of pods) await syncer.removePod(p.metadata!.uid!).catch(() => undefined);
    const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    const podDirs = existsSync(join(rootDir, 'pods')) ? readdirSync(join(rootDir, 'pods'), { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
    rmSync(rootDir, { recursive: true, force: true });
    assert.deepEqual(podDirs.map((d) => d.name), [], 'removePod leaves no pod directory');
    assert.deepEqual(left.map((c) => c.Names), [], 'removePod leaves no container');
  });

  test('a busybox pod that echoes and exits: Succeeded, Completed, exit 0, env and $(VAR) expansion', async () => {
    const pod = makePod('echo', {
      restartPolicy: 'Never',
      containers: [{ name: 'echo', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo hello from $(MY_POD) on $(MY_IP)'], env: [{ name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }],
    });
    pods.push(pod);
    const { pod: final } = await syncUntil(syncer, pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed');
    const s = final.status!;
    assert.equal(s.phase, 'Succeeded');
    const cs = s.containerStatuses![0];
    assert.equal(cs.state?.terminated?.exitCode, 0);
    assert.equal(cs.state?.terminated?.reason, 'Completed');
    assert.match(cs.containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/);
    assert.ok(cs.imageID);
    assert.match(s.podIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
    const logs = await runtime.logs(cs.containerID!.slice('docker://'.length));
    assert.equal(logs.trim(), `hello from ${pod.metadata!.name} on ${s.podIP}`);
  });

  test('a crashing container under Always: restartCount rises, CrashLoopBackOff', async () => {
    const pod = makePod('crash', { restartPolicy: 'Always', containers: [{ name: 'crash', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo dying; exit 3'] }] });
    pods.push(pod);
    const { pod: final, seen } = await syncUntil(syncer, pod, (s) => (s.containerStatuses?.[0].restartCount ?? 0) >= 2 && s.containerStatuses?.[0].state?.waiting?.reason === 'CrashLoopBackOff');
    const cs = final.status!.containerStatuses![0];
    assert.equal(final.status!.phase, 'Running');
    assert.match(cs.state!.waiting!.message ?? '', new RegExp(`^back-off \\d+m?s restarting failed container=crash pod=${pod.metadata!.name}_default\\(${pod.metadata!.uid}\\)$`));
    assert.equal(cs.lastState?.terminated?.exitCode, 3);
    assert.equal(cs.lastState?.terminated?.reason, 'Error');
    const counts = seen.map((s) => s.containerStatuses![0].restartCount ?? 0);
    assert.deepEqual([...counts].sort((a, b) => a - b), counts, 'restartCount never goes down');
    // Only the current and the previous instance are kept.
    assert.ok((await runtime.listPodContainers(pod.metadata!.uid!)).length <= 2);
  });

  test('two containers of one pod reach each other on localhost; graceful kill', async () => {
    const pod = makePod('pair', {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      containers: [
        { name: 'echo', image: 'kubarium/http-echo:1', args: ['-text=hello over localhost', '-listen=:8080'] },
        { name: 'client', image: 'kubarium/busybox:1', command: ['sh', '-c', 'until wget -qO- http://127.0.0.1:8080/; do sleep 0.2; done'] },
      ],
    });
    pods.push(pod);
    const { pod: running } = await syncUntil(syncer, pod, (s) => s.containerStatuses?.find((c) => c.name === 'client')?.state?.terminated !== undefined);
    const statuses = running.status!.containerStatuses!;
    const client = statuses.find((c) => c.name === 'client')!;
    assert.equal(client.state?.terminated?.exitCode, 0);
    assert.equal(running.status!.phase, 'Running', 'http-echo still serves');
    assert.ok(statuses.find((c) => c.name === 'echo')?.state?.running);
    assert.match(await runtime.logs(client.containerID!.slice('docker://'.length)), /hello over localhost/);

    // Deletion: SIGTERM, the grace period, SIGKILL (httpd as PID 1 ignores SIGTERM), then the final status.
    const deleted: Pod = { ...running, metadata: { ...running.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 1 } };
    const r = await syncer.syncPod(deleted);
    assert.equal(r.terminated, true);
    assert.equal(r.status.phase, 'Failed');
    const echo = r.status.containerStatuses!.find((c) => c.name === 'echo')!;
    assert.equal(echo.state?.terminated?.exitCode, 137);
    assert.equal(r.status.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status, 'False');
    assert.ok((await runtime.listPodContainers(pod.metadata!.uid!)).every((c) => c.state === 'exited'));
  });

  test('a container that handles SIGTERM exits 0 on deletion: Succeeded', async () => {
    const pod = makePod('graceful', { containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sh', '-c', "trap 'echo bye; exit 0' TERM; echo up; while :; do sleep 0.1; done"] }] });
    pods.push(pod);
    const { pod: running } = await syncUntil(syncer, pod, (s) => s.phase === 'Running' && s.containerStatuses?.[0].ready === true);
    const logsReady = async () => (await runtime.logs(running.status!.containerStatuses![0].containerID!.slice('docker://'.length))).includes('up');
    for (let i = 0; i < 100 && !(await logsReady()); i++) await sleep(50);
    const status = await syncer.killPod(running, 10);
    assert.equal(status.phase, 'Succeeded');
    assert.equal(status.containerStatuses![0].state?.terminated?.exitCode, 0);
  });

  test('init containers run in order, each to completion, before the app', async () => {
    const pod = makePod('init', {
      restartPolicy: 'Always',
      initContainers: [
        { name: 'first', image: 'kubarium/busybox:1', command: ['sh', '-c', 'sleep 0.3; echo first'] },
        { name: 'second', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo second'] },
      ],
      containers: [{ name: 'app', image: 'kubarium/busybox:1', command: ['sh', '-c', 'while :; do sleep 1; done'] }],
    });
    pods.push(pod);
    const { pod: final, seen } = await syncUntil(syncer, pod, (s) => s.phase === 'Running');
    const inits = final.status!.initContainerStatuses!;
    assert.deepEqual(inits.map((c) => [c.name, c.state?.terminated?.reason, c.ready]), [['first', 'Completed', true], ['second', 'Completed', true]]);
    const firstDone = Date.parse(inits[0].state!.terminated!.finishedAt!);
    assert.ok(Date.parse(inits[1].state!.terminated!.startedAt!) >= firstDone, 'the second init container started after the first finished');
    assert.equal(final.status!.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
    const early = seen[0];
    assert.equal(early.phase, 'Pending');
    assert.equal(early.containerStatuses![0].state?.waiting?.reason, 'PodInitializing');
    assert.equal(early.initContainerStatuses![1].state?.waiting?.reason, 'PodInitializing');
    await syncer.killPod(final, 0);
  });

  test('securityContext and resources become the container\'s user, capabilities and cgroup limits', async () => {
    const pod = makePod('limits', {
      restartPolicy: 'Never',
      containers: [{
        name: 'app',
        image: 'kubarium/busybox:1',
        command: ['sh', '-c', 'id -u; touch /x 2>/dev/null && echo writable || echo read-only'],
        workingDir: '/tmp',
        resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } },
        securityContext: { runAsUser: 1234, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
      }],
    });
    pods.push(pod);
    const { pod: final } = await syncUntil(syncer, pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed');
    const id = final.status!.containerStatuses![0].containerID!.slice('docker://'.length);
    const info = await docker.getContainer(id).inspect();
    assert.equal(info.Config.User, '1234');
    assert.equal(info.Config.WorkingDir, '/tmp');
    assert.equal(info.HostConfig.ReadonlyRootfs, true);
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
    assert.deepEqual(info.HostConfig.CapAdd, ['CAP_NET_BIND_SERVICE']);
    assert.equal(info.HostConfig.CpuQuota, 50_000);
    assert.equal(info.HostConfig.CpuPeriod, 100_000);
    assert.equal(info.HostConfig.CpuShares, 256);
    assert.equal(info.HostConfig.Memory, 64 * 2 ** 20);
    assert.match(info.HostConfig.NetworkMode ?? '', /^container:[0-9a-f]{64}$/);
    assert.deepEqual((await runtime.logs(id)).trim().split('\n'), ['1234', 'read-only']);
  });

  test('a container over its memory limit: OOMKilled, exit 137', async (t) => {
    const info = (await docker.info()) as { MemoryLimit?: boolean };
    if (!info.MemoryLimit) return t.skip('this engine cannot enforce memory limits (no memory cgroup controller)');
    const pod = makePod('oom', {
      restartPolicy: 'Never',
      containers: [{ name: 'hog', image: 'kubarium/busybox:1', command: ['sh', '-c', 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo survived'], resources: { limits: { memory: '16Mi' } } }],
    });
    pods.push(pod);
    const { pod: final } = await syncUntil(syncer, pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed');
    assert.equal(final.status!.phase, 'Failed');
    const term = final.status!.containerStatuses![0].state?.terminated;
    assert.equal(term?.reason, 'OOMKilled');
    assert.equal(term?.exitCode, 137);
  });

  test('termination messages: from terminationMessagePath, or the log tail under FallbackToLogsOnError', async () => {
    const pod = makePod('message', {
      restartPolicy: 'Never',
      containers: [
        { name: 'file', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo -n "done: 42 items" > /tmp/why; exit 0'], terminationMessagePath: '/tmp/why', securityContext: { runAsUser: 4321 } },
        { name: 'logs', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo first; echo "it broke"; exit 7'], terminationMessagePolicy: 'FallbackToLogsOnError' },
      ],
    });
    pods.push(pod);
    const { pod: final } = await syncUntil(syncer, pod, (s) => s.phase === 'Succeeded' || s.phase === 'Failed');
    const byName = Object.fromEntries(final.status!.containerStatuses!.map((c) => [c.name, c.state?.terminated]));
    assert.equal(final.status!.phase, 'Failed');
    assert.equal(byName.file?.message, 'done: 42 items');
    assert.equal(byName.logs?.exitCode, 7);
    assert.equal(byName.logs?.message, 'first\nit broke\n');
  });

  test('a dead sandbox is replaced: new IP namespace, containers restarted with rising counts', async () => {
    const pod = makePod('resandbox', { terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sh', '-c', 'while :; do sleep 1; done'] }] });
    pods.push(pod);
    const { pod: running } = await syncUntil(syncer, pod, (s) => s.phase === 'Running' && s.containerStatuses?.[0].ready === true);
    const old = (await runtime.podSandbox(pod.metadata!.uid!))!;
    await docker.getContainer(old.id).kill();
    const { pod: again } = await syncUntil(syncer, running, (s) => s.containerStatuses?.[0].restartCount === 1 && s.containerStatuses[0].state?.running !== undefined);
    const fresh = (await runtime.podSandbox(pod.metadata!.uid!))!;
    assert.notEqual(fresh.id, old.id);
    assert.equal(fresh.attempt, 1);
    assert.equal(again.status!.podIP, fresh.ip);
    assert.equal((await runtime.listPodSandboxes()).filter((s) => s.pod.uid === pod.metadata!.uid).length, 1, 'the dead sandbox is removed');
    await syncer.killPod(again, 0);
  });

  test('an unknown image: ErrImagePull, then ImagePullBackOff', async () => {
    const pod = makePod('noimage', { containers: [{ name: 'app', image: `kubarium/does-not-exist-${testId}:1` }] });
    pods.push(pod);
    const first = await syncer.syncPod(pod);
    const cs = first.status.containerStatuses![0];
    assert.equal(first.status.phase, 'Pending');
    assert.equal(cs.state?.waiting?.reason, 'ErrImagePull');
    assert.match(cs.state?.waiting?.message ?? '', /does-not-exist/);
    const second = await syncer.syncPod({ ...pod, status: first.status });
    assert.equal(second.status.containerStatuses![0].state?.waiting?.reason, 'ImagePullBackOff');
    assert.equal(second.status.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status, 'True');
  });
});
