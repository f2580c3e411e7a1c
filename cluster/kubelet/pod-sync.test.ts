/**
 * The pod sync's decisions against an in-memory runtime and a fake clock: exact
 * CrashLoopBackOff and ImagePullBackOff timing, and a deleted pod's way out through the
 * API (graceful stop, final status, DELETE with gracePeriodSeconds=0). No Docker needed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { PODS, RestClient } from '../client/index.js';
import { FakeApiServer } from '../client/testing/fake-apiserver.js';
import { syncPodToApi } from './pod-api.js';
import { PodSyncer } from './pod-sync.js';
import { ImagePullError } from './runtime/types.js';
import type { ContainerConfig, ContainerRuntime, RuntimeContainer, SandboxConfig, SandboxInfo } from './runtime/types.js';

class FakeRuntime implements ContainerRuntime {
  sandboxes: SandboxInfo[] = [];
  containers: RuntimeContainer[] = [];
  /** Container name → exit code it exits with as soon as it starts. */
  exitOnStart = new Map<string, number>();
  missingImages = new Set<string>();
  /** Images the fake pulls (once) before they are present. */
  remoteImages = new Set<string>();
  pulls: string[] = [];
  stops: Array<{ name: string; grace: number }> = [];
  private n = 0;
  constructor(private readonly now: () => number) {}

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxInfo> {
    const s: SandboxInfo = { id: `sb${++this.n}`, pod: cfg.pod, attempt: cfg.attempt, state: 'ready', ip: `10.244.0.${this.n}`, createdAtMs: this.now() };
    this.sandboxes.push(s);
    return { ...s };
  }
  async podSandbox(uid: string) {
    const s = this.sandboxes.filter((x) => x.pod.uid === uid).sort((a, b) => b.attempt - a.attempt)[0];
    return s && { ...s };
  }
  async listPodSandboxes() {
    return this.sandboxes.map((s) => ({ ...s }));
  }
  async stopPodSandbox(id: string) {
    this.sandboxes.find((s) => s.id === id)!.state = 'notready';
  }
  async removePodSandbox(id: string) {
    this.sandboxes = this.sandboxes.filter((s) => s.id !== id);
  }
  async ensureImage(image: string, _policy?: unknown, onPull?: () => void) {
    if (this.remoteImages.has(image)) {
      onPull?.();
      this.remoteImages.delete(image);
    }
    if (this.missingImages.has(image)) {
      onPull?.();
      this.pulls.push(image);
      throw new ImagePullError(`failed to pull image "${image}": not found`);
    }
    return `sha256:${image}`;
  }
  async createContainer(_sandboxId: string, cfg: ContainerConfig) {
    const id = `c${++this.n}`;
    this.containers.push({ id, pod: cfg.pod, name: cfg.name, init: cfg.init, restartCount: cfg.restartCount, image: cfg.image, imageRef: `sha256:${cfg.image}`, state: 'created', createdAtMs: this.now() });
    return id;
  }
  async startContainer(id: string) {
    const c = this.containers.find((x) => x.id === id)!;
    Object.assign(c, { state: 'running', startedAtMs: this.now() });
    const code = this.exitOnStart.get(c.name);
    if (code !== undefined) Object.assign(c, { state: 'exited', exitCode: code, finishedAtMs: this.now() });
  }
  async stopContainer(id: string, grace: number) {
    const c = this.containers.find((x) => x.id === id);
    if (!c) return;
    this.stops.push({ name: c.name, grace });
    if (c.state === 'running') Object.assign(c, { state: 'exited', exitCode: 143, finishedAtMs: this.now() });
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

function makePod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'uid-1' }, spec: { containers: [{ name: 'app', image: 'img:1' }], ...spec } };
}

test('CrashLoopBackOff: the first restart at once, then 10 s, 20 s, 40 s after each finish', async () => {
  let now = 1_000_000;
  const rt = new FakeRuntime(() => now);
  rt.exitOnStart.set('app', 1);
  const syncer = new PodSyncer({ runtime: rt, hostIP: '172.18.0.2', now: () => now });
  let pod = makePod();
  const sync = async () => {
    const r = await syncer.syncPod(pod);
    pod = { ...pod, status: r.status };
    return { r, cs: r.status.containerStatuses![0] };
  };

  let { cs } = await sync();
  assert.equal(cs.restartCount, 0);
  assert.equal(cs.state?.terminated?.exitCode, 1);
  ({ cs } = await sync());
  assert.equal(cs.restartCount, 1, 'the first failure restarts at once');
  for (const [wait, label] of [[10_000, '10s'], [20_000, '20s'], [40_000, '40s']] as const) {
    const { r, cs: waiting } = await sync();
    assert.equal(waiting.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(waiting.state?.waiting?.message, `back-off ${label} restarting failed container=app pod=p_default(uid-1)`);
    assert.equal(waiting.lastState?.terminated?.exitCode, 1);
    assert.equal(r.status.phase, 'Running');
    assert.equal(r.requeueAfterMs, Math.min(1000, wait));
    const before = waiting.restartCount!;
    now += wait - 1;
    assert.equal((await sync()).cs.restartCount, before, 'still backing off a millisecond before');
    now += 1;
    assert.equal((await sync()).cs.restartCount, before + 1);
  }
  assert.ok(rt.containers.length <= 2, 'dead instances beyond the previous one are removed');
});

test('OnFailure restarts only failures; Never leaves the pod Failed', async () => {
  const now = 0;
  const rt = new FakeRuntime(() => now);
  rt.exitOnStart.set('ok', 0).set('bad', 2);
  const syncer = new PodSyncer({ runtime: rt, hostIP: '172.18.0.2', now: () => now });
  const onFailure = makePod({ restartPolicy: 'OnFailure', containers: [{ name: 'ok', image: 'img:1' }, { name: 'bad', image: 'img:1' }] });
  await syncer.syncPod(onFailure);
  const second = await syncer.syncPod(onFailure);
  const byName = Object.fromEntries(second.status.containerStatuses!.map((c) => [c.name, c]));
  assert.equal(byName.ok.restartCount, 0);
  assert.equal(byName.bad.restartCount, 1);
  assert.equal(second.status.phase, 'Running');

  const never = { ...makePod({ restartPolicy: 'Never', containers: [{ name: 'bad', image: 'img:1' }] }), metadata: { name: 'n', namespace: 'default', uid: 'uid-2' } };
  const r = await syncer.syncPod(never);
  assert.equal(r.status.phase, 'Failed');
  assert.equal(r.requeueAfterMs, undefined);
  assert.equal(rt.sandboxes.find((s) => s.pod.uid === 'uid-2')?.state, 'notready', 'a finished pod\'s sandbox is stopped');
  assert.equal(r.status.podIP, rt.sandboxes.find((s) => s.pod.uid === 'uid-2')?.ip, 'and it keeps its IP');
});

test('Pulling then Pulled when a pull happens, Pulled "already present" otherwise, Failed when the pull fails', async () => {
  const rt = new FakeRuntime(() => 0);
  rt.remoteImages.add('fresh:1');
  rt.missingImages.add('gone:1');
  const events: string[] = [];
  const syncer = new PodSyncer({ runtime: rt, hostIP: '172.18.0.2', now: () => 0, onEvent: (_pod, type, reason, message) => events.push(`${type} ${reason} ${message}`) });
  await syncer.syncPod(makePod({ containers: [{ name: 'a', image: 'fresh:1' }, { name: 'b', image: 'img:1' }] }));
  await syncer.syncPod({ ...makePod({ containers: [{ name: 'c', image: 'gone:1' }] }), metadata: { name: 'q', namespace: 'default', uid: 'uid-9' } });
  const pulls = events.filter((e) => /Pull|Failed/.test(e));
  assert.deepEqual(pulls, [
    'Normal Pulling Pulling image "fresh:1"',
    'Normal Pulled Successfully pulled image "fresh:1" in 0ms',
    'Normal Pulled Container image "img:1" already present on machine',
    'Normal Pulling Pulling image "gone:1"',
    'Warning Failed failed to pull image "gone:1": not found',
  ]);
});

test('ErrImagePull, then ImagePullBackOff until the back-off ends, then a new pull', async () => {
  let now = 0;
  const rt = new FakeRuntime(() => now);
  rt.missingImages.add('gone:1');
  const syncer = new PodSyncer({ runtime: rt, hostIP: '172.18.0.2', now: () => now });
  const pod = makePod({ containers: [{ name: 'app', image: 'gone:1' }] });
  const reason = async () => (await syncer.syncPod(pod)).status.containerStatuses![0].state?.waiting?.reason;
  assert.equal(await reason(), 'ErrImagePull');
  assert.equal(await reason(), 'ImagePullBackOff');
  now = 10_000;
  assert.equal(await reason(), 'ErrImagePull');
  now = 29_999;
  assert.equal(await reason(), 'ImagePullBackOff');
  assert.equal(rt.pulls.length, 2);
  rt.missingImages.clear();
  now = 30_000;
  const s = (await syncer.syncPod(pod)).status;
  assert.ok(s.containerStatuses![0].state?.running);
  assert.equal(s.phase, 'Running');
});

let server: FakeApiServer;
let client: RestClient;
before(async () => {
  server = new FakeApiServer();
  client = new RestClient({ server: await server.start() });
});
after(async () => {
  client.close();
  await server.stop();
});

test('a deleted pod: containers stopped with its grace period, final status written, then DELETE with gracePeriodSeconds=0', async () => {
  const now = 0;
  const rt = new FakeRuntime(() => now);
  const syncer = new PodSyncer({ runtime: rt, hostIP: '172.18.0.2', now: () => now });
  const created = await client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', ...makePod({ terminationGracePeriodSeconds: 30 }) }, { namespace: 'default' });
  let pod = created;
  assert.equal(await syncPodToApi(client, syncer, pod), 1000);
  pod = await client.get<Pod>(PODS, 'p', { namespace: 'default' });
  assert.equal(pod.status?.phase, 'Running');
  assert.equal(pod.status?.podIP, '10.244.0.1');

  server.requests.length = 0;
  const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 7 } };
  assert.equal(await syncPodToApi(client, syncer, deleting), undefined);
  assert.deepEqual(rt.stops.filter((s) => s.name === 'app'), [{ name: 'app', grace: 7 }]);
  const writes = server.requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(writes, ['PATCH /api/v1/namespaces/default/pods/p/status', 'DELETE /api/v1/namespaces/default/pods/p']);
  const patch = server.requests[0].body as { status: NonNullable<Pod['status']>; metadata: { uid: string } };
  assert.equal(patch.metadata.uid, pod.metadata?.uid);
  assert.equal(patch.status.phase, 'Failed');
  assert.equal(patch.status.containerStatuses![0].state?.terminated?.exitCode, 143);
  assert.deepEqual(server.requests[1].body, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
  assert.equal(server.getObject('pods', 'default', 'p'), undefined);
  assert.deepEqual([rt.containers.length, rt.sandboxes.length], [0, 0], 'the pod\'s containers and sandbox are removed');
});
