/**
 * Lifecycle hooks: the handler runner (exec, httpGet against a local server, sleep) and
 * the pod sync's use of it against an in-memory runtime — a failing postStart kills the
 * container (FailedPostStartHook) and the restart policy restarts it; preStop runs before
 * the stop signal, inside the grace period, and a failing one is reported (FailedPreStopHook).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { HookRunner } from './lifecycle.js';
import { PodSyncer } from './pod-sync.js';
import type { ContainerConfig, ContainerRuntime, RuntimeContainer, SandboxConfig, SandboxInfo } from './runtime/types.js';

/** Just enough runtime: containers run when started and exit 143 when stopped; every call is logged in order. */
class TinyRuntime implements ContainerRuntime {
  calls: string[] = [];
  sandboxes: SandboxInfo[] = [];
  containers: RuntimeContainer[] = [];
  private n = 0;
  async runPodSandbox(cfg: SandboxConfig) {
    const s: SandboxInfo = { id: `sb${++this.n}`, pod: cfg.pod, attempt: cfg.attempt, state: 'ready', ip: '10.244.0.9', createdAtMs: 0 };
    this.sandboxes.push(s);
    return { ...s };
  }
  async podSandbox(uid: string) {
    const s = this.sandboxes.find((x) => x.pod.uid === uid);
    return s && { ...s };
  }
  async listPodSandboxes() {
    return [...this.sandboxes];
  }
  async stopPodSandbox(id: string) {
    this.sandboxes.find((s) => s.id === id)!.state = 'notready';
  }
  async removePodSandbox(id: string) {
    this.sandboxes = this.sandboxes.filter((s) => s.id !== id);
  }
  async ensureImage(image: string) {
    return image;
  }
  async createContainer(_sb: string, cfg: ContainerConfig) {
    const id = `c${++this.n}`;
    this.containers.push({ id, pod: cfg.pod, name: cfg.name, init: cfg.init, restartCount: cfg.restartCount, image: cfg.image, imageRef: cfg.image, state: 'created', createdAtMs: 0 });
    return id;
  }
  async startContainer(id: string) {
    this.calls.push(`start ${id}`);
    Object.assign(this.containers.find((c) => c.id === id)!, { state: 'running', startedAtMs: 0 });
  }
  async stopContainer(id: string, grace: number) {
    this.calls.push(`stop ${id} ${grace}`);
    const c = this.containers.find((x) => x.id === id);
    if (c?.state === 'running') Object.assign(c, { state: 'exited', exitCode: 143, finishedAtMs: 0 });
  }
  async removeContainer(id: string) {
    this.containers = this.containers.filter((c) => c.id !== id);
  }
  async listPodContainers(uid: string) {
    return this.containers.filter((c) => c.pod.uid === uid).map((c) => ({ ...c }));
  }
  async containerStatus(id: string) {
    const c = this.containers.find((x) => x.id === id);
    return c && { ...c };
  }
  async logs() {
    return '';
  }
}

function setup(execExit: (cmd: string[]) => number) {
  const rt = new TinyRuntime();
  const events: string[] = [];
  const hooks = new HookRunner({
    exec: async (id, cmd) => {
      rt.calls.push(`exec ${id} ${cmd.join(' ')}`);
      const exitCode = execExit(cmd);
      return { exitCode, output: exitCode ? 'boom' : '' };
    },
  });
  const syncer = new PodSyncer({ runtime: rt, hostIP: '172.18.0.2', hooks, now: () => 0, onEvent: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`) });
  return { rt, events, syncer };
}

const pod = (container: Container, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { containers: [container], terminationGracePeriodSeconds: 7, ...extra },
});

test('postStart runs right after the start; a failing one kills the container and it is restarted', async () => {
  const { rt, events, syncer } = setup((cmd) => (cmd.includes('fail') ? 1 : 0));
  const p = pod({ name: 'app', image: 'img:1', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'fail'] } } } });
  const first = await syncer.syncPod(p);
  assert.deepEqual(rt.calls, ['start c2', 'exec c2 sh -c fail', 'stop c2 7']);
  assert.ok(events.includes('Warning FailedPostStartHook Exec lifecycle hook ([sh -c fail]) for Container "app" in Pod "p_default(u1)" failed - error: command \'sh -c fail\' exited with 1: boom, message: "boom"'), events.join('\n'));
  assert.ok(events.includes('Normal Killing FailedPostStartHook'));
  assert.equal(first.status.containerStatuses?.[0].state?.terminated?.exitCode, 143);
  const second = await syncer.syncPod({ ...p, status: first.status });
  assert.equal(second.status.containerStatuses?.[0].restartCount, 1, 'restartPolicy Always restarts it');

  const ok = setup(() => 0);
  const r = await ok.syncer.syncPod(pod({ name: 'app', image: 'img:1', lifecycle: { postStart: { exec: { command: ['true'] } } } }));
  assert.deepEqual(ok.rt.calls, ['start c2', 'exec c2 true']);
  assert.ok(r.status.containerStatuses?.[0].state?.running);
});

test('preStop runs before the stop signal on deletion; a failing one is reported and the container still stops', async () => {
  const { rt, events, syncer } = setup((cmd) => (cmd[0] === 'bad' ? 2 : 0));
  const p = pod({ name: 'app', image: 'img:1', lifecycle: { preStop: { exec: { command: ['drain'] } } } }, { initContainers: [] });
  await syncer.syncPod(p);
  const deleting: Pod = { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 5 } };
  const r = await syncer.syncPod(deleting);
  assert.deepEqual(rt.calls, ['start c2', 'exec c2 drain', 'stop c2 5']);
  assert.equal(r.terminated, true);
  assert.ok(!events.some((e) => e.includes('FailedPreStopHook')));

  const bad = setup((cmd) => (cmd[0] === 'bad' ? 2 : 0));
  const q = pod({ name: 'app', image: 'img:1', lifecycle: { preStop: { exec: { command: ['bad'] } } } });
  await bad.syncer.syncPod(q);
  await bad.syncer.syncPod({ ...q, metadata: { ...q.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
  assert.deepEqual(bad.rt.calls, ['start c2', 'exec c2 bad', 'stop c2 7']);
  assert.ok(bad.events.some((e) => e.startsWith('Warning FailedPreStopHook Exec lifecycle hook ([bad])')), bad.events.join('\n'));

  // A zero grace period skips the hook (killContainer: gracePeriod > 0).
  const zero = setup(() => 0);
  await zero.syncer.syncPod(q);
  await zero.syncer.syncPod({ ...q, metadata: { ...q.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 } });
  assert.deepEqual(zero.rt.calls, ['start c2', 'stop c2 0']);
});

test('a probe kill (killContainerById) runs preStop too', async () => {
  const { rt, syncer } = setup(() => 0);
  await syncer.syncPod(pod({ name: 'app', image: 'img:1', lifecycle: { preStop: { exec: { command: ['bye'] } } } }));
  await syncer.killContainerById('c2', 3);
  assert.deepEqual(rt.calls, ['start c2', 'exec c2 bye', 'stop c2 3']);
});

test('the handler runner: httpGet fails only without an answer (any status passes), sleep waits, preStop time is bounded', async () => {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(`${req.url} ${req.headers['x-hook']}`);
    res.statusCode = 500;
    res.end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const runner = new HookRunner();
    const target = { pod: pod({ name: 'app', image: 'x', ports: [{ name: 'web', containerPort: port }] }), container: { name: 'app', image: 'x', ports: [{ name: 'web', containerPort: port }] }, containerId: 'c1', podIP: '127.0.0.1' };
    assert.equal(await runner.run({ httpGet: { path: '/quit', port: 'web', httpHeaders: [{ name: 'X-Hook', value: 'pre' }] } }, target, 2000), undefined);
    assert.deepEqual(paths, ['/quit pre']);
    await new Promise<void>((r) => server.close(() => r()));
    const failure = await runner.run({ httpGet: { path: '/quit', port } }, target, 2000);
    assert.match(failure ?? '', /^HTTP lifecycle hook \(\/quit\) for Container "app" in Pod "p_default\(u1\)" failed - error: Get "http:\/\/127\.0\.0\.1:\d+\/quit": dial tcp .*connection refused$/);
    const slept: number[] = [];
    const sleeper = new HookRunner({ sleep: async (ms) => void slept.push(ms) });
    assert.equal(await sleeper.run({ sleep: { seconds: 3 } }, target, 60_000), undefined);
    assert.equal(await sleeper.run({ sleep: { seconds: 30 } }, target, 5000), undefined);
    assert.deepEqual(slept, [3000, 5000], 'a sleep is cut at the hook timeout (the grace period)');
    assert.match((await runner.run({ exec: { command: ['x'] } }, target, 1000)) ?? '', /exec hooks are not supported/);
  } finally {
    if (server.listening) server.close();
  }
});
