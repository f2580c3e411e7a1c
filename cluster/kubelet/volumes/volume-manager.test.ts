import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { notFound } from '../../api/status.js';
import type { GVR, KubeObject } from '../../client/index.js';
import { ContainerConfigError } from '../env.js';
import { DATA_DIR_NAME, writeAtomically } from './atomic-writer.js';
import { formatMap } from './payload.js';
import { isMountPoint, unmountUnder } from './tmpfs.js';
import type { VolumeApiClient } from './types.js';
import { PLUGIN_DIRS, VolumeManager } from './volume-manager.js';

const root = mkdtempSync(join(tmpdir(), 'kubarium-volumes-'));
after(() => {
  unmountUnder(root);
  rmSync(root, { recursive: true, force: true });
});

/** An API of plain objects by resource/namespace/name; TokenRequests get numbered tokens. */
class FakeApi {
  objects = new Map<string, KubeObject>();
  gets: string[] = [];
  tokenRequests: Array<{ path: string; body: { spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { name: string; uid: string } } } }> = [];
  now = 0;
  put(resource: string, obj: KubeObject): void {
    this.objects.set(`${resource}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`, structuredClone(obj));
  }
  client(): VolumeApiClient {
    const get = async (r: GVR, name: string, o: { namespace?: string } = {}) => {
      const key = `${r.resource}/${o.namespace ?? ''}/${name}`;
      this.gets.push(key);
      const obj = this.objects.get(key);
      if (!obj) throw notFound(r.group, r.resource, name);
      return structuredClone(obj);
    };
    const create = async (r: GVR, obj: KubeObject, o: { namespace?: string; subresource?: string } = {}) => {
      assert.equal(`${r.resource}/${o.subresource}`, 'serviceaccounts/token');
      this.tokenRequests.push({ path: `${o.namespace}/${obj.metadata?.name}`, body: obj as never });
      const spec = (obj as { spec: { expirationSeconds: number } }).spec;
      return { ...obj, status: { token: `token-${this.tokenRequests.length}`, expirationTimestamp: new Date(this.now + spec.expirationSeconds * 1000).toISOString() } };
    };
    return { get, create } as unknown as VolumeApiClient;
  }
}

function pod(volumes: NonNullable<Pod['spec']>['volumes'], mounts: NonNullable<NonNullable<Pod['spec']>['containers'][0]['volumeMounts']> = []): Pod {
  return {
    metadata: { name: 'web', namespace: 'ns1', uid: `uid-${Math.random().toString(36).slice(2)}`, labels: { app: 'web', tier: 'a"b' }, annotations: { note: 'hi' } },
    spec: { serviceAccountName: 'robot', volumes, containers: [{ name: 'c', image: 'x', volumeMounts: mounts, resources: { limits: { memory: '64Mi' } } }] },
  };
}

let api: FakeApi;
let now: number;
let events: string[];
let vm: VolumeManager;
beforeEach(() => {
  api = new FakeApi();
  now = Date.parse('2025-01-01T00:00:00Z');
  api.now = now;
  events = [];
  vm = new VolumeManager({ client: api.client(), rootDir: root, now: () => now, resyncMs: 1000, onEvent: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`) });
});

const cm = (data: Record<string, string>): ConfigMap => ({ metadata: { name: 'cfg', namespace: 'ns1' }, data });
const read = (p: string) => readFileSync(p, 'utf8');
const mode = (p: string) => statSync(p).mode & 0o777;

describe('atomic writer', () => {
  test('writes through ..data, swaps on change, removes stale paths and the old directory, leaves an unchanged payload alone', () => {
    const dir = join(root, 'atomic');
    const f = (s: string, m = 0o644) => ({ data: Buffer.from(s), mode: m });
    assert.equal(writeAtomically(dir, new Map([['a', f('1')], ['sub/b', f('2', 0o600)]])), true);
    const first = readlinkSync(join(dir, DATA_DIR_NAME));
    assert.match(first, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
    assert.equal(readlinkSync(join(dir, 'a')), join(DATA_DIR_NAME, 'a'));
    assert.equal(read(join(dir, 'sub/b')), '2');
    assert.equal(mode(join(dir, 'sub/b')), 0o600);
    assert.equal(writeAtomically(dir, new Map([['a', f('1')], ['sub/b', f('2', 0o600)]])), false, 'same payload: no write');
    assert.equal(writeAtomically(dir, new Map([['a', f('changed')]])), true);
    assert.equal(read(join(dir, 'a')), 'changed');
    assert.equal(existsSync(join(dir, 'sub')), false, 'a path no longer in the payload is gone');
    assert.equal(existsSync(join(dir, first)), false, 'the old data directory is removed');
    assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('..')), ['a']);
    assert.throws(() => writeAtomically(dir, new Map([['../x', f('')]])), /must not contain '\.\.'/);
  });
});

describe('VolumeManager', () => {
  test('configMap: all keys, or items with modes; updates propagate on a later sync; read-only mount', async () => {
    api.put('configmaps', cm({ 'app.conf': 'v1', other: 'o' }));
    const p = pod([{ name: 'conf', configMap: { name: 'cfg', defaultMode: 0o640 } }, { name: 'some', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'nested/app', mode: 0o600 }] } }], [{ name: 'conf', mountPath: '/etc/conf' }, { name: 'some', mountPath: '/etc/some' }]);
    assert.deepEqual(await vm.setUpPod(p), { ok: true });
    const dir = vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.configMap, 'conf');
    assert.equal(dir, join(root, 'pods', p.metadata!.uid!, 'volumes', 'kubernetes.io~configmap', 'conf'));
    assert.equal(read(join(dir, 'app.conf')), 'v1');
    assert.equal(mode(join(dir, 'other')), 0o640);
    const some = vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.configMap, 'some');
    assert.equal(read(join(some, 'nested/app')), 'v1');
    assert.equal(mode(join(some, 'nested/app')), 0o600);
    assert.deepEqual(readdirSync(some).filter((n) => !n.startsWith('..')), ['nested']);
    assert.deepEqual(vm.mountsFor(p, p.spec!.containers[0]), [
      { type: 'bind', hostPath: dir, containerPath: '/etc/conf', readOnly: true },
      { type: 'bind', hostPath: some, containerPath: '/etc/some', readOnly: true },
    ]);

    api.put('configmaps', cm({ 'app.conf': 'v2' }));
    await vm.setUpPod(p);
    assert.equal(read(join(dir, 'app.conf')), 'v1', 'within the resync interval nothing is read again');
    now += 1000;
    await vm.setUpPod(p);
    assert.equal(read(join(dir, 'app.conf')), 'v2');
    assert.equal(existsSync(join(dir, 'other')), false);
  });

  test('a missing configMap fails with FailedMount (once per message), unless optional; a missing key likewise', async () => {
    const p = pod([{ name: 'conf', configMap: { name: 'cfg' } }]);
    const r = await vm.setUpPod(p);
    assert.deepEqual(r, { ok: false, volume: 'conf', message: 'MountVolume.SetUp failed for volume "conf" : configmap "cfg" not found' });
    now += 1000;
    await vm.setUpPod(p);
    assert.deepEqual(events, ['Warning FailedMount MountVolume.SetUp failed for volume "conf" : configmap "cfg" not found']);
    assert.throws(() => vm.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'conf', mountPath: '/x' }] }), ContainerConfigError);
    api.put('configmaps', cm({ a: '1' }));
    now += 1000;
    assert.deepEqual(await vm.setUpPod(p), { ok: true }, 'created later: the next sync succeeds');

    const optional = pod([{ name: 'conf', configMap: { name: 'nope', optional: true } }]);
    assert.deepEqual(await vm.setUpPod(optional), { ok: true });
    assert.deepEqual(readdirSync(vm.volumeDir(optional.metadata!.uid!, PLUGIN_DIRS.configMap, 'conf')).filter((n) => !n.startsWith('..')), []);
    const badKey = pod([{ name: 'conf', configMap: { name: 'cfg', items: [{ key: 'zz', path: 'z' }] } }]);
    assert.match((await vm.setUpPod(badKey) as { message: string }).message, /configmap references non-existent config key: zz/);
  });

  test('secret: decoded data with defaultMode; a missing one names the secret', async () => {
    api.put('secrets', { metadata: { name: 'creds', namespace: 'ns1' }, data: { password: Buffer.from('s3cret').toString('base64') } } as Secret);
    const p = pod([{ name: 's', secret: { secretName: 'creds', defaultMode: 0o400 } }]);
    assert.deepEqual(await vm.setUpPod(p), { ok: true });
    const file = join(vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.secret, 's'), 'password');
    assert.equal(read(file), 's3cret');
    assert.equal(mode(file), 0o400);
    const missing = pod([{ name: 's', secret: { secretName: 'gone' } }]);
    assert.match((await vm.setUpPod(missing) as { message: string }).message, /secret "gone" not found/);
  });

  test('downwardAPI: labels and annotations as key="value" lines, name/namespace/uid, resources', async () => {
    const p = pod([{ name: 'info', downwardAPI: { items: [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
      { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
      { path: 'app', fieldRef: { fieldPath: "metadata.labels['app']" } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    ] } }]);
    assert.deepEqual(await vm.setUpPod(p), { ok: true });
    const dir = vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.downwardAPI, 'info');
    assert.equal(read(join(dir, 'labels')), 'app="web"\ntier="a\\"b"');
    assert.equal(read(join(dir, 'annotations')), 'note="hi"');
    assert.equal(read(join(dir, 'name')), 'web');
    assert.equal(read(join(dir, 'ns')), 'ns1');
    assert.equal(read(join(dir, 'uid')), p.metadata!.uid);
    assert.equal(read(join(dir, 'app')), 'web');
    assert.equal(read(join(dir, 'mem')), '64');
    assert.equal(formatMap({ b: '2', a: '1' }), 'a="1"\nb="2"');
  });

  test('projected kube-api-access: a bound token (refreshed at 80% of its life), ca.crt, namespace', async () => {
    api.put('configmaps', { metadata: { name: 'kube-root-ca.crt', namespace: 'ns1' }, data: { 'ca.crt': 'CERT' } } as ConfigMap);
    const p = pod([{ name: 'kube-api-access-abcde', projected: { defaultMode: 420, sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
    ] } }]);
    assert.deepEqual(await vm.setUpPod(p), { ok: true });
    const dir = vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.projected, 'kube-api-access-abcde');
    assert.equal(read(join(dir, 'token')), 'token-1');
    assert.equal(read(join(dir, 'ca.crt')), 'CERT');
    assert.equal(read(join(dir, 'namespace')), 'ns1');
    assert.equal(mode(join(dir, 'token')), 0o644);
    assert.equal(api.tokenRequests[0].path, 'ns1/robot');
    assert.deepEqual(api.tokenRequests[0].body.spec, { expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: p.metadata!.uid } });

    now += 3607_000 * 0.7;
    await vm.setUpPod(p);
    assert.equal(api.tokenRequests.length, 1, 'at 70% of its life the token is kept');
    now += 3607_000 * 0.11;
    await vm.setUpPod(p);
    assert.equal(api.tokenRequests.length, 2, 'past 80% a new token is requested');
    assert.equal(read(join(dir, 'token')), 'token-2');
  });

  test('emptyDir: a world-writable directory, or tmpfs for medium Memory; subPath inside the volume', async () => {
    const p = pod([{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }], [
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'scratch', mountPath: '/logs', subPath: 'logs' },
      { name: 'mem', mountPath: '/mem' },
    ]);
    assert.deepEqual(await vm.setUpPod(p), { ok: true });
    const dir = vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.emptyDir, 'scratch');
    const memDir = vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.emptyDir, 'mem');
    assert.equal(mode(dir), 0o777);
    // Memory: a tmpfs on the volume directory where this process may mount (root), else the runtime's tmpfs.
    const mem = isMountPoint(memDir) ? { type: 'bind', hostPath: memDir, containerPath: '/mem', readOnly: false } : { type: 'tmpfs', name: 'mem', containerPath: '/mem', readOnly: false, sizeBytes: 16 * 2 ** 20 };
    assert.deepEqual(vm.mountsFor(p, p.spec!.containers[0]), [
      { type: 'bind', hostPath: dir, containerPath: '/scratch', readOnly: false },
      { type: 'bind', hostPath: join(dir, 'logs'), containerPath: '/logs', readOnly: false },
      mem,
    ]);
    assert.ok(lstatSync(join(dir, 'logs')).isDirectory(), 'the subPath directory is created');
    assert.throws(() => vm.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: '../../etc' }] }), /failed to prepare subPath/);
    assert.deepEqual(vm.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPathExpr: 'by-$(POD)' }] }, [{ name: 'POD', value: 'web' }])[0], { type: 'bind', hostPath: join(dir, 'by-web'), containerPath: '/x', readOnly: false });

    await vm.removePod(p.metadata!.uid!);
    assert.equal(isMountPoint(memDir), false, 'the tmpfs is unmounted');
    assert.equal(existsSync(join(root, 'pods', p.metadata!.uid!)), false);
  });

  test('hostPath type checks: DirectoryOrCreate makes it, Directory and File require it', async () => {
    const base = mkdtempSync(join(root, 'host-'));
    writeFileSync(join(base, 'file'), 'x');
    const made = join(base, 'made/deep');
    assert.deepEqual(await vm.setUpPod(pod([{ name: 'h', hostPath: { path: made, type: 'DirectoryOrCreate' } }])), { ok: true });
    assert.ok(statSync(made).isDirectory());
    const res = await vm.setUpPod(pod([{ name: 'h', hostPath: { path: join(base, 'file'), type: 'Directory' } }]));
    assert.match((res as { message: string }).message, /hostPath type check failed: .*file is not a directory/);
    assert.deepEqual(await vm.setUpPod(pod([{ name: 'h', hostPath: { path: join(base, 'file'), type: 'File' } }])), { ok: true });
    assert.deepEqual(await vm.setUpPod(pod([{ name: 'h', hostPath: { path: join(base, 'new-file'), type: 'FileOrCreate' } }])), { ok: true });
    assert.ok(statSync(join(base, 'new-file')).isFile());
    const missing = await vm.setUpPod(pod([{ name: 'h', hostPath: { path: join(base, 'nothing'), type: 'File' } }]));
    assert.equal(missing.ok, false);
  });

  test('persistentVolumeClaim: claim → bound volume → its hostPath or local path; claim readOnly makes every mount read-only', async () => {
    const dataDir = mkdtempSync(join(root, 'pv-'));
    mkdirSync(join(dataDir, 'local'));
    api.put('persistentvolumeclaims', { metadata: { name: 'data', namespace: 'ns1' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } } as PersistentVolumeClaim);
    api.put('persistentvolumes', { metadata: { name: 'pv1' }, spec: { hostPath: { path: join(dataDir, 'hp'), type: 'DirectoryOrCreate' } } } as PersistentVolume);
    api.put('persistentvolumeclaims', { metadata: { name: 'local', namespace: 'ns1' }, spec: { volumeName: 'pv2' }, status: { phase: 'Bound' } } as PersistentVolumeClaim);
    api.put('persistentvolumes', { metadata: { name: 'pv2' }, spec: { local: { path: join(dataDir, 'local') } } } as PersistentVolume);
    api.put('persistentvolumeclaims', { metadata: { name: 'pending', namespace: 'ns1' }, spec: {}, status: { phase: 'Pending' } } as PersistentVolumeClaim);
    const p = pod([{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }, { name: 'l', persistentVolumeClaim: { claimName: 'local', readOnly: true } }], [{ name: 'd', mountPath: '/d' }, { name: 'l', mountPath: '/l' }]);
    assert.deepEqual(await vm.setUpPod(p), { ok: true });
    assert.deepEqual(vm.mountsFor(p, p.spec!.containers[0]), [
      { type: 'bind', hostPath: join(dataDir, 'hp'), containerPath: '/d', readOnly: false },
      { type: 'bind', hostPath: join(dataDir, 'local'), containerPath: '/l', readOnly: true },
    ]);
    assert.match((await vm.setUpPod(pod([{ name: 'x', persistentVolumeClaim: { claimName: 'pending' } }])) as { message: string }).message, /is not bound/);
    assert.match((await vm.setUpPod(pod([{ name: 'x', persistentVolumeClaim: { claimName: 'absent' } }])) as { message: string }).message, /persistentvolumeclaim "absent" not found/);
  });

  test('a removed volume directory (a replaced sandbox took it) is written again at once', async () => {
    api.put('configmaps', cm({ a: '1' }));
    const p = pod([{ name: 'conf', configMap: { name: 'cfg' } }]);
    await vm.setUpPod(p);
    rmSync(join(root, 'pods', p.metadata!.uid!), { recursive: true, force: true });
    await vm.setUpPod(p);
    assert.equal(read(join(vm.volumeDir(p.metadata!.uid!, PLUGIN_DIRS.configMap, 'conf'), 'a')), '1');
  });
});
