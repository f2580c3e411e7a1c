/**
 * Probes against real containers on the host's Docker engine (standing in for a node's),
 * driven as the kubelet drives them: sync the pod, hand its status to the ProbeManager,
 * sync again when a result changes. A failing liveness probe restarts the container; a
 * readiness probe gates Ready. Skips without an engine.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { connectDocker } from '../../nodes/docker.js';
import { PodSyncer } from '../pod-sync.js';
import { DockerRuntime } from '../runtime/docker-runtime.js';
import { ProbeManager } from './probe-manager.js';
import { execVia } from './probes.js';
import { podEngineSkipReason } from '../testing/engine.js';

const TEST_LABEL = 'io.kubarium.test';
const testId = `prober-${process.pid}-${randomBytes(3).toString('hex')}`;
const docker = connectDocker();

const skip = await podEngineSkipReason(docker);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('probes on a Docker engine', { skip }, () => {
  let rootDir: string;
  let runtime: DockerRuntime;
  let syncer: PodSyncer;
  let probes: ProbeManager;
  const events: string[] = [];
  const uids: string[] = [];

  before(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'kubarium-prober-'));
    runtime = new DockerRuntime({ docker, labels: { [TEST_LABEL]: testId }, pullTimeoutMs: 30_000, rootDir });
    const onEvent = (p: Pod, type: string, reason: string, message: string) => events.push(`${p.metadata?.name} ${type} ${reason} ${message}`);
    probes = new ProbeManager({ exec: execVia(runtime), killContainer: (id, grace) => runtime.stopContainer(id, grace), onEvent });
    syncer = new PodSyncer({ runtime, hostIP: '127.0.0.1', labels: { [TEST_LABEL]: testId }, probes, onEvent, backoffInitialMs: 300, backoffMaxMs: 1000 });
  });

  after(async () => {
    probes?.stop();
    for (const uid of uids) await syncer?.removePod(uid).catch(() => undefined);
    const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    if (rootDir) rmSync(rootDir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names), [], 'removePod leaves no container');
  });

  function makePod(name: string, spec: NonNullable<Pod['spec']>): Pod {
    const uid = randomUUID();
    uids.push(uid);
    return { metadata: { name: `${name}-${testId}`, namespace: 'default', uid }, spec: { terminationGracePeriodSeconds: 1, ...spec } };
  }

  /** The kubelet's loop for one pod: sync, give the status to the prober, again on a requeue, a probe change, or 200 ms. */
  async function drive(pod: Pod, done: (s: PodStatus, seen: PodStatus[]) => boolean, what: string, timeoutMs = 40_000): Promise<{ pod: Pod; seen: PodStatus[] }> {
    const deadline = Date.now() + timeoutMs;
    const seen: PodStatus[] = [];
    let current = pod;
    let wake: () => void = () => {};
    const off = probes.onChange((p) => p.metadata?.uid === pod.metadata?.uid && wake());
    try {
      for (;;) {
        const r = await syncer.syncPod(current);
        current = { ...current, status: r.status };
        probes.sync(current, r.status);
        seen.push(r.status);
        if (done(r.status, seen)) return { pod: current, seen };
        if (Date.now() > deadline) assert.fail(`${pod.metadata?.name}: ${what}; last status: ${JSON.stringify(r.status, null, 1)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          void sleep(Math.min(r.requeueAfterMs ?? 200, 200)).then(() => resolve());
        });
      }
    } finally {
      off();
    }
  }

  const ready = (s: PodStatus) => s.conditions?.find((c) => c.type === 'Ready')?.status;

  test('a failing liveness probe kills the container and its restart count rises', async () => {
    const pod = makePod('liveness', {
      containers: [{
        name: 'app',
        image: 'kubarium/busybox:1',
        command: ['sh', '-c', 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; sleep 3600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2, terminationGracePeriodSeconds: 1 },
      }],
    });
    const { pod: final } = await drive(pod, (s) => (s.containerStatuses?.[0].restartCount ?? 0) >= 2, 'two restarts');
    const cs = final.status!.containerStatuses![0];
    assert.equal(cs.lastState?.terminated?.exitCode, 137, 'sh ignores SIGTERM: killed after the grace period');
    const mine = events.filter((e) => e.startsWith(pod.metadata!.name!));
    assert.ok(mine.includes(`${pod.metadata!.name} Warning Unhealthy Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n`), mine.join('\n'));
    assert.ok(mine.includes(`${pod.metadata!.name} Normal Killing Container app failed liveness probe, will be restarted`));
    await syncer.killPod(final, 0);
    probes.removePod(pod.metadata!.uid!);
  });

  test('readiness probes gate Ready: httpGet and exec, ready only once both pass; a healthy tcpSocket liveness probe restarts nothing', async () => {
    const pod = makePod('readiness', {
      containers: [
        {
          name: 'web',
          image: 'kubarium/http-echo:1',
          args: ['-text=ok', '-listen=:8080'],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
          livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, initialDelaySeconds: 1 },
        },
        {
          name: 'gate',
          image: 'kubarium/busybox:1',
          command: ['sh', '-c', 'sleep 3; touch /tmp/ready; sleep 3600'],
          readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, successThreshold: 2 },
        },
      ],
    });
    const { pod: readyPod, seen } = await drive(pod, (s) => ready(s) === 'True', 'the pod to become Ready');
    const early = seen.find((s) => s.containerStatuses?.every((c) => c.state?.running) && ready(s) === 'False');
    assert.ok(early, 'Running but not Ready first');
    assert.equal(early.conditions?.find((c) => c.type === 'ContainersReady')?.reason, 'ContainersNotReady');
    assert.match(early.conditions?.find((c) => c.type === 'Ready')?.message ?? '', /containers with unready status: \[.*gate.*\]/);
    assert.ok(seen.some((s) => s.containerStatuses?.find((c) => c.name === 'web')?.ready && !s.containerStatuses?.find((c) => c.name === 'gate')?.ready), 'web is ready before gate');
    assert.deepEqual(readyPod.status!.containerStatuses!.map((c) => [c.name, c.ready, c.started, c.restartCount]), [['web', true, true, 0], ['gate', true, true, 0]]);

    // The gate file goes: after a failureThreshold of failures (3) the pod is not Ready again, and nothing restarts.
    await execVia(runtime)(readyPod.status!.containerStatuses![1].containerID!.slice('docker://'.length), ['rm', '/tmp/ready'], 5000);
    const { pod: unready } = await drive(readyPod, (s) => ready(s) === 'False', 'the pod to become unready');
    assert.deepEqual(unready.status!.containerStatuses!.map((c) => [c.name, c.ready, c.restartCount]), [['web', true, 0], ['gate', false, 0]]);
    await syncer.killPod(unready, 0);
    probes.removePod(pod.metadata!.uid!);
  });
});
