/**
 * Reset through the web-mode bridge: a ConfigMap is created, `resetCluster` runs, and the launcher is back with a
 * fresh store (no such ConfigMap), a new CA (the kubeconfig rewritten), the same URL and the same hollow node count;
 * progress arrives as pushed status frames.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CONFIGMAPS, NODES, RestClient } from '../../cluster/client/index.js';
import type { ClusterStatus } from '../../cluster/ui/explorer-api.js';
import { BridgeClient } from '../support/bridge-client.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { credentialsOf } from './helpers.js';

describe('reset: one call returns to a fresh cluster', () => {
  let cluster: LaunchedCluster;
  let client: BridgeClient;

  before(async () => {
    cluster = await launchCluster({ args: ['--ui', '--hollow-nodes', '2'] });
    client = await BridgeClient.forLauncher(cluster);
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('drops every object, mints a new CA, keeps the URL and settings', async () => {
    const before = RestClient.fromKubeconfig(cluster.kubeconfig);
    await before.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: 'default' }, data: { a: 'b' } } as never);
    before.close();
    const oldKubeconfig = readFileSync(cluster.kubeconfig, 'utf8');
    const oldCa = credentialsOf(cluster.kubeconfig).ca.toString();

    await client.call('resetCluster');

    const status = await client.call<ClusterStatus>('status');
    assert.equal(status.state, 'running', status.error ?? '');
    assert.equal(status.apiServerUrl, cluster.url, 'same port');
    // Progress frames (the fresh start's phases) repeat a state; the states themselves go in this order.
    assert.deepEqual(
      client.statuses.map((s) => s.state).filter((state, i, all) => state !== all[i - 1]),
      ['stopping', 'starting', 'running'],
    );
    assert.notEqual(readFileSync(cluster.kubeconfig, 'utf8'), oldKubeconfig, 'kubeconfig rewritten');
    assert.notEqual(credentialsOf(cluster.kubeconfig).ca.toString(), oldCa, 'a new CA');

    const after = RestClient.fromKubeconfig(cluster.kubeconfig);
    try {
      await assert.rejects(after.get(CONFIGMAPS, 'doomed', { namespace: 'default' }), /not found/);
      const deadline = Date.now() + 30_000;
      let nodes = 0;
      while (Date.now() < deadline && (nodes = (await after.list(NODES)).items.length) < 2) await new Promise((r) => setTimeout(r, 200));
      assert.equal(nodes, 2, 'the same hollow nodes again');
    } finally {
      after.close();
    }
    // The bridge talks to the fresh cluster.
    const kinds = await client.call<unknown[]>('listResources');
    assert.ok(kinds.length > 10);
  });
});
