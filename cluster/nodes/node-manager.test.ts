/**
 * Node containers for real (skipped without Docker): two nodes whose own engines answer
 * and run a pod-like container from the preloaded busybox image; stop/start; a new
 * NodeManager adopts them; delete and downAll leave nothing labelled with the cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectDocker } from './docker.js';
import { BUSYBOX_IMAGE, ensureClusterImages, HTTP_ECHO_IMAGE, PAUSE_IMAGE, POD_IMAGES } from './image/index.js';
import { CLUSTER_LABEL, nodeVolumeName } from './names.js';
import { nodeImageIds } from './nested-engine.js';
import { detectPrivilegeMode } from './privilege.js';
import { downAll, NodeManager } from './node-manager.js';
import { nodeTestSkipReason, testClusterId } from './test-support.js';

const skip = await nodeTestSkipReason();
const docker = connectDocker();
const clusterId = testClusterId();

async function leftovers(): Promise<string[]> {
  const filters = { label: [`${CLUSTER_LABEL}=${clusterId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const { Volumes } = await docker.listVolumes({ filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...(Volumes ?? []).map((v) => `volume ${v.Name}`), ...networks.map((n) => `network ${n.Name}`)];
}

describe('NodeManager', { skip }, () => {
  let manager: NodeManager;
  let image: string;

  before(async () => {
    const images = await ensureClusterImages(docker, { log: (l) => console.log(l) });
    image = images.preloaded.ref;
    // No side-loading at create: the pod images must come with the node image's engine storage.
    manager = new NodeManager({ clusterId, image, docker, apiServerPort: 6443, preloadImages: [] });
  });
  after(async () => {
    await downAll(docker, clusterId);
  });

  test('the preloaded node image is made once per image set', async () => {
    const again = await ensureClusterImages(docker);
    assert.equal(again.preloaded.ref, image);
    assert.equal(again.preloaded.built, false);
  });

  test('creates two nodes whose engines answer, with the pod images preloaded', async () => {
    const nodes = await Promise.all([
      manager.create({ name: 'node-a', podCIDR: '10.244.1.0/24', bootstrapToken: 'abcdef.0123456789abcdef' }),
      manager.create({ name: 'node-b', podCIDR: '10.244.2.0/24' }),
    ]);
    const net = await manager.network();
    for (const node of nodes) {
      assert.equal(node.state, 'running');
      assert.equal(node.containerName, `kubarium-${clusterId}-${node.name}`);
      assert.ok(node.ip, 'has an address on the cluster network');
      const ids = await nodeImageIds(manager.container(node.name), [...POD_IMAGES]);
      for (const ref of POD_IMAGES) assert.equal(ids.get(ref), (await docker.getImage(ref).inspect()).Id, `${ref} preloaded with the host's ID`);
    }
    const env = (await manager.container('node-a').inspect()).Config.Env;
    assert.ok(env.includes(`KUBARIUM_API_SERVER=https://${net.gateway}:6443`), env.join(' '));
    assert.ok(env.includes('KUBARIUM_NODE_NAME=node-a'));
    assert.ok(env.includes('KUBARIUM_POD_CIDR=10.244.1.0/24'));
    assert.ok(env.includes('KUBARIUM_BOOTSTRAP_TOKEN=abcdef.0123456789abcdef'));
    // The node engine's bridge sits in the node's pod range.
    const bridge = await manager.exec('node-a', ['ip', '-4', '-o', 'addr', 'show', 'docker0']);
    assert.match(bridge.stdout, /inet 10\.244\.1\.1\/24/);
    await assert.rejects(manager.create({ name: 'node-a' }), /already exists/);
  });

  test('a pod-like container runs in a node engine from the preloaded busybox', async () => {
    const r = await manager.exec('node-b', ['docker', 'run', '--rm', '--network', 'none', BUSYBOX_IMAGE, 'echo', 'hello']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'hello\n');
    const fails = await manager.exec('node-b', ['docker', 'run', '--rm', BUSYBOX_IMAGE, 'sh', '-c', 'exit 3']);
    assert.equal(fails.exitCode, 3);
  });

  test('a pod-shaped set: pause sandbox, http-echo and busybox sharing its network namespace', async () => {
    const run = async (...args: string[]) => {
      const r = await manager.exec('node-a', ['docker', ...args]);
      assert.equal(r.exitCode, 0, `docker ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    await run('run', '-d', '--name', 'sandbox', PAUSE_IMAGE);
    await run('run', '-d', '--name', 'echo', '--network', 'container:sandbox', HTTP_ECHO_IMAGE, '-text=hi from echo', '-listen=:8080');
    const ip = await run('inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'sandbox');
    assert.match(ip, /^10\.244\.1\.\d+$/, 'the sandbox takes an address from the node pod range');
    let body = '';
    for (let i = 0; i < 50 && body !== 'hi from echo'; i++) {
      const r = await manager.exec('node-a', ['docker', 'run', '--rm', '--network', 'container:sandbox', BUSYBOX_IMAGE, 'wget', '-qO-', 'http://127.0.0.1:8080/']);
      body = r.stdout.trim();
    }
    assert.equal(body, 'hi from echo');
    const t0 = performance.now();
    await run('stop', '-t', '10', 'sandbox');
    assert.ok(performance.now() - t0 < 5000, 'pause exits on SIGTERM instead of waiting for the kill');
    await run('rm', '-f', 'echo', 'sandbox');
  });

  test('loadImage and loadImageAll side-load only what a node lacks', async () => {
    assert.deepEqual(await manager.loadImage('node-a', BUSYBOX_IMAGE), []);
    await manager.exec('node-a', ['docker', 'rmi', BUSYBOX_IMAGE]);
    assert.deepEqual(await manager.loadImage('node-a', [BUSYBOX_IMAGE]), [BUSYBOX_IMAGE]);
    await assert.rejects(manager.loadImage('node-a', 'kubarium/absent:0'), /not in the host's Docker engine/);
    await manager.exec('node-b', ['docker', 'rmi', BUSYBOX_IMAGE]);
    assert.deepEqual(await manager.loadImageAll(BUSYBOX_IMAGE), { 'node-a': [], 'node-b': [BUSYBOX_IMAGE] });
  });

  test('stop and start a node: its engine comes back with its images', async () => {
    const stopped = await manager.stop('node-b', { timeoutS: 5 });
    assert.equal(stopped.state, 'exited');
    const started = await manager.start('node-b');
    assert.equal(started.state, 'running');
    const r = await manager.exec('node-b', ['docker', 'run', '--rm', BUSYBOX_IMAGE, 'true']);
    assert.equal(r.exitCode, 0, r.stderr);
  });

  test('a new NodeManager (a restarted app) adopts the nodes', async () => {
    await manager.stop('node-a', { timeoutS: 5 });
    const fresh = new NodeManager({ clusterId, docker });
    const listed = await fresh.adopt();
    assert.deepEqual(listed.map((n) => [n.name, n.state, n.podCIDR]), [
      ['node-a', 'exited', '10.244.1.0/24'],
      ['node-b', 'running', '10.244.2.0/24'],
    ]);
    const adopted = await fresh.adopt({ start: true });
    assert.deepEqual(adopted.map((n) => n.state), ['running', 'running']);
    assert.equal((await fresh.network()).privilegeMode, (await manager.network()).privilegeMode, 'mode read from the network label');
  });

  test('delete removes the node and its volume', async () => {
    await manager.delete('node-b');
    assert.equal(await manager.get('node-b'), undefined);
    await assert.rejects(docker.getVolume(nodeVolumeName(clusterId, 'node-b')).inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    await manager.delete('node-b'); // idempotent
  });

  test('downAll leaves no container, volume or network of the cluster', async () => {
    const result = await manager.downAll();
    assert.deepEqual(result.networks, [`kubarium-${clusterId}`]);
    assert.deepEqual(await leftovers(), []);
  });

  test('a clear error when no privilege mode works', async () => {
    await assert.rejects(detectPrivilegeMode(docker, 'kubarium/absent:0', clusterId), /refuses the rights a node container needs[\s\S]*privileged:[\s\S]*explicit:/);
    assert.deepEqual(await leftovers(), []);
  });
});
