import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchCluster, type LaunchedCluster } from './cluster.js';

const launcher = fileURLToPath(new URL('./fixtures/fake-launcher.ts', import.meta.url));

async function get(url: string): Promise<string> {
  const res = await fetch(new URL('/readyz', url));
  return res.text();
}

describe('launchCluster (against a fake launcher)', () => {
  const started: LaunchedCluster[] = [];
  after(async () => {
    for (const c of started) await c.stop();
  });

  it('waits for the ready line and reads the URL from the kubeconfig', async () => {
    const cluster = await launchCluster({ launcher, etcdServers: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] });
    started.push(cluster);
    assert.equal(cluster.kubeconfig, join(cluster.dataDir, 'kubeconfig'));
    assert.match(cluster.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await get(cluster.url), 'ok boots=1 etcd=http://127.0.0.1:1,http://127.0.0.1:2');
  });

  it('restarts on the same data dir and port, also after kill9', async () => {
    const cluster = await launchCluster({ launcher });
    started.push(cluster);
    const url = cluster.url;
    await cluster.restart();
    assert.equal(cluster.url, url);
    assert.equal(await get(cluster.url), 'ok boots=2 etcd=');
    await cluster.kill9();
    assert.ok(existsSync(cluster.dataDir), 'kill9 keeps the data dir');
    await assert.rejects(get(url));
    await cluster.restart();
    assert.equal(await get(cluster.url), 'ok boots=3 etcd=');
  });

  it('stop() removes the data dir and is idempotent', async () => {
    const cluster = await launchCluster({ launcher });
    await cluster.stop();
    await cluster.stop();
    assert.equal(existsSync(cluster.dataDir), false);
    await assert.rejects(cluster.restart(), /data dir is gone/);
  });

  it('reports the launcher stderr when it dies before ready', async () => {
    await assert.rejects(
      launchCluster({ launcher, env: { FAKE_LAUNCHER_FAIL: '1' } }),
      (err: Error) => /exited before ready \(code 3/.test(err.message) && /asked to fail/.test(err.message),
    );
  });

  it('times out with a clear message', async () => {
    await assert.rejects(
      launchCluster({ launcher: fileURLToPath(new URL('./fixtures/silent-launcher.ts', import.meta.url)), readyTimeoutMs: 1500 }),
      /printed no "ready" line within 1500 ms/,
    );
  });
});
