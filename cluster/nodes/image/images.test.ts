/**
 * The images, built for real in the host's engine (skipped without Docker): a second
 * ensure builds nothing; an agent change rebuilds only the agent layer; the pod images run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectDocker, demuxLogs } from '../docker.js';
import { nodeTestSkipReason } from '../test-support.js';
import { BUSYBOX_IMAGE, ensureNodeImage, ensurePodImages, HTTP_ECHO_IMAGE, PAUSE_IMAGE } from './index.js';
import type { NodeImageResult } from './index.js';

const skip = await nodeTestSkipReason();
const docker = connectDocker();

/** `docker run --rm image cmd` on the host engine: exit code and output. */
async function runOnHost(image: string, cmd: string[]): Promise<{ code: number; out: string }> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Labels: { 'io.kubarium.test': 'images' } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    const { stdout, stderr } = demuxLogs(logs);
    return { code: StatusCode, out: stdout + stderr };
  } finally {
    await container.remove({ force: true });
  }
}

describe('node and pod images', { skip }, () => {
  let first: NodeImageResult;
  const agentDir = mkdtempSync(join(tmpdir(), 'kubarium-agent-'));
  const extraImages: string[] = [];

  before(async () => {
    await ensurePodImages(docker);
    first = await ensureNodeImage(docker, { log: (l) => console.log(l) });
  });
  after(async () => {
    for (const ref of extraImages) await docker.getImage(ref).remove().catch(() => {});
    rmSync(agentDir, { recursive: true, force: true });
  });

  test('a second ensure builds nothing', async () => {
    const again = await ensureNodeImage(docker);
    assert.equal(again.ref, first.ref);
    assert.equal(again.id, first.id);
    assert.deepEqual(again.built, { rootfs: false, base: false, node: false });
    assert.match(again.ref, /^kubarium\/node:[0-9a-f]{12}$/);
    const pods = await ensurePodImages(docker);
    assert.deepEqual(pods.built, []);
  });

  test('the node image holds node, docker, iptables and the agent', async () => {
    const info = await docker.getImage(first.ref).inspect();
    assert.deepEqual(info.Config.Entrypoint, ['/usr/bin/tini', '--']);
    assert.deepEqual(info.Config.Cmd, ['/kubarium/entrypoint.sh']);
    const r = await runOnHost(first.ref, ['sh', '-c', 'node --version && dockerd --version && iptables --version && test -f /kubarium/agent/index.mjs && echo agent-ok']);
    // The image's ENTRYPOINT is tini: Cmd replaces the node entrypoint script here.
    assert.equal(r.code, 0, r.out);
    assert.ok(r.out.includes(process.version), r.out);
    assert.match(r.out, /Docker version/);
    assert.match(r.out, /agent-ok/);
  });

  test('an agent change adds only a new agent layer on the cached base', async () => {
    writeFileSync(join(agentDir, 'index.mjs'), `console.log('agent ${Date.now()}');\n`);
    const rebuilt = await ensureNodeImage(docker, { agentDir, pruneOld: false });
    extraImages.push(rebuilt.ref);
    assert.notEqual(rebuilt.ref, first.ref);
    assert.deepEqual(rebuilt.built, { rootfs: false, base: false, node: true });
    const r = await runOnHost(rebuilt.ref, ['cat', '/kubarium/agent/index.mjs']);
    assert.match(r.out, /console\.log\('agent \d+'\)/);
    assert.ok(await docker.getImage(first.ref).inspect(), 'the default node image is kept');
  });

  test('pod images: busybox runs a shell, http-echo and pause have their entrypoints', async () => {
    const r = await runOnHost(BUSYBOX_IMAGE, ['sh', '-c', 'echo hello; wget --help 2>&1 | head -1']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^hello\nBusyBox v/);
    assert.deepEqual((await docker.getImage(HTTP_ECHO_IMAGE).inspect()).Config.Entrypoint, ['/bin/http-echo']);
    assert.equal((await docker.getImage(PAUSE_IMAGE).inspect()).Config.Entrypoint?.[0], '/bin/sh');
  });
});
