import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CONFIGMAPS, RestClient } from '../../cluster/client/index.js';
import type { ClusterStatus } from '../preload/api.js';
import { ClusterHost } from './cluster-host.js';

describe('ClusterHost.reset (the Electron side of the UI reset)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubarium-host-reset-'));
  const host = new ClusterHost({ dataDir, port: 0, hollowNodes: 1 });
  after(async () => {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops, wipes and starts a fresh cluster on the same port, reporting progress', async () => {
    await host.start();
    assert.equal(host.status.state, 'running', host.status.error ?? '');
    const url = host.status.apiServerUrl;
    const kubeconfig = host.status.kubeconfigPath!;
    const client = RestClient.fromKubeconfig(kubeconfig);
    await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: 'default' } } as never);
    client.close();
    const oldKubeconfig = readFileSync(kubeconfig, 'utf8');

    const seen: ClusterStatus['state'][] = [];
    host.on('status', (s) => seen.push(s.state));
    await host.reset();
    // Progress updates (the start's phases) repeat a state; the states themselves go in this order.
    assert.deepEqual(seen.filter((state, i) => state !== seen[i - 1]), ['stopping', 'stopped', 'starting', 'running']);
    assert.equal(host.status.apiServerUrl, url);
    assert.notEqual(readFileSync(kubeconfig, 'utf8'), oldKubeconfig);
    const fresh = RestClient.fromKubeconfig(kubeconfig);
    try {
      await assert.rejects(fresh.get(CONFIGMAPS, 'doomed', { namespace: 'default' }), /not found/);
    } finally {
      fresh.close();
    }
  });
});
