import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ClusterStatus } from '../preload/api.js';
import { ClusterHost } from './cluster-host.js';

describe('ClusterHost (what the Electron main process runs)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubarium-host-'));
  const host = new ClusterHost({ dataDir, port: 0 });
  after(async () => {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports starting → running with the URL and kubeconfig, then stopping → stopped', async () => {
    const seen: ClusterStatus[] = [];
    host.on('status', (s) => seen.push(s));
    assert.equal(host.status.state, 'stopped');

    await host.start();
    assert.equal(host.status.state, 'running', host.status.error ?? '');
    assert.match(host.status.apiServerUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(host.status.kubeconfigPath ?? ''), 'kubeconfig written');
    assert.equal(host.status.dataDir, dataDir);

    // The start's progress task, finished, rides along with the status.
    const start = host.status.progress?.find((t) => t.title === 'Start the control plane');
    assert.ok(start?.finished, JSON.stringify(host.status.progress));
    assert.equal(start.error, null);
    assert.equal(start.done, start.total);

    await Promise.all([host.stop(), host.stop()]);
    // Progress updates repeat a state; the states themselves go in this order.
    assert.deepEqual(
      seen.map((s) => s.state).filter((state, i, all) => state !== all[i - 1]),
      ['starting', 'running', 'stopping', 'stopped'],
    );
    assert.equal(host.status.apiServerUrl, null);
  });

  it('reports a failure instead of throwing', async () => {
    const blocked = new ClusterHost({ dataDir: '/dev/null/not-a-dir', port: 0 });
    await blocked.start();
    assert.equal(blocked.status.state, 'failed');
    assert.ok(blocked.status.error);
    const start = blocked.status.progress?.find((t) => t.title === 'Start the control plane');
    assert.ok(start?.error, 'the failed start is a failed progress task');
  });
});
