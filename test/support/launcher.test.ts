/**
 * The test helpers against the real headless launcher: launchCluster() starts
 * `kubarium up`, the real kubectl talks to it through the written kubeconfig.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchCluster, type LaunchedCluster } from './cluster.js';
import { runKubectl } from './kubectl.js';

const entry = fileURLToPath(new URL('../../cluster/controlplane/index.ts', import.meta.url));
const skip = existsSync(entry) ? false : 'cluster/controlplane/index.ts is not there yet';

describe('launchCluster with the real launcher', { skip }, () => {
  let cluster: LaunchedCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('serves kubectl through the written kubeconfig, and survives kill -9', async () => {
    cluster = await launchCluster();
    const { kubeconfig } = cluster;
    assert.match(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);

    const ready = await runKubectl(['get', '--raw', '/readyz'], { kubeconfig });
    assert.equal(ready.code, 0, `${ready.stderr}\n${cluster.logs()}`);
    assert.equal(ready.stdout.trim(), 'ok');

    const created = await runKubectl(['create', '-f', '-'], {
      kubeconfig,
      input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: survivor\n',
    });
    assert.equal(created.code, 0, created.stderr);

    await cluster.kill9();
    await cluster.restart();
    const after9 = await runKubectl(['get', 'namespace', 'survivor', '-o', 'name'], { kubeconfig: cluster.kubeconfig });
    assert.equal(after9.code, 0, `${after9.stderr}\n${cluster.logs()}`);
    assert.equal(after9.stdout.trim(), 'namespace/survivor');

    const dataDir = cluster.dataDir;
    await cluster.stop();
    assert.equal(existsSync(dataDir), false);
  });
});
