/**
 * The kubarium/dns image, built for real in the host's engine (skipped without Docker):
 * tagged by content hash, built once, and its minimal root runs the bundled server
 * under the addon's security context (read-only root, only NET_BIND_SERVICE).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { connectDocker, dockerSkipReason, execIn } from '../../nodes/docker.js';
import { staticBusybox } from '../../nodes/image/busybox-root.js';
import { dnsImageRef, ensurePodImages, POD_IMAGES } from '../../nodes/image/pod-images.js';

async function skipReason(): Promise<string | false> {
  const noDocker = await dockerSkipReason();
  if (noDocker) return noDocker;
  try {
    staticBusybox();
    return false;
  } catch (err) {
    return (err as Error).message;
  }
}

const skip = await skipReason();
const docker = connectDocker();
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('the DNS image', { skip }, () => {
  let ref: string;
  let container: Docker.Container | undefined;

  before(async () => {
    ref = (await ensurePodImages(docker)).dns;
  });
  after(async () => {
    await container?.remove({ force: true }).catch(() => {});
  });

  test('is tagged by content hash, listed with the pod images, and built once', async () => {
    assert.match(ref, /^kubarium\/dns:[0-9a-f]{12}$/);
    assert.equal(await dnsImageRef(), ref);
    const again = await ensurePodImages(docker);
    assert.deepEqual(again.built, []);
    assert.deepEqual(again.refs, [...POD_IMAGES, ref]);
    const info = await docker.getImage(ref).inspect();
    assert.deepEqual(info.Config.Entrypoint, ['/usr/bin/node', '/dns/server.mjs']);
  });

  test('runs the server: health answers, ready waits for the API, DNS answers on port 53', async () => {
    // A token and an API address that answers nothing: the informers keep retrying, the listeners serve.
    container = await docker.createContainer({
      Image: ref,
      Entrypoint: ['/bin/sh', '-c', `echo test-token > ${SA_DIR}/token && exec /usr/bin/node /dns/server.mjs`],
      Env: ['KUBERNETES_SERVICE_HOST=127.0.0.1', 'KUBERNETES_SERVICE_PORT=1'],
      Labels: { 'io.kubarium.test': 'dns-image' },
      HostConfig: { ReadonlyRootfs: true, CapDrop: ['ALL'], CapAdd: ['NET_BIND_SERVICE'], Tmpfs: { [SA_DIR]: '' } },
    });
    await container.start();
    const c = container;
    let health = await execIn(c, ['wget', '-qO-', 'http://127.0.0.1:8080/health']);
    for (let i = 0; i < 100 && health.stdout !== 'OK'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await execIn(c, ['wget', '-qO-', 'http://127.0.0.1:8080/health']);
    }
    const logs = async () => (await c.logs({ stdout: true, stderr: true })).toString();
    assert.equal(health.stdout, 'OK', await logs());
    const ready = await execIn(c, ['wget', '-qO-', 'http://127.0.0.1:8181/ready']);
    assert.notEqual(ready.exitCode, 0, 'not ready without the API');
    assert.match(ready.stderr, /503/);
    const refused = await execIn(c, ['nslookup', 'example.com', '127.0.0.1']);
    assert.match(refused.stdout + refused.stderr, /REFUSED/, await logs());
    const nx = await execIn(c, ['nslookup', 'web.default.svc.cluster.local', '127.0.0.1']);
    assert.match(nx.stdout + nx.stderr, /NXDOMAIN/);
  });
});
