import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deleteClusterState, stopWithDeadline } from './reset.js';

describe('reset steps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubarium-reset-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stopWithDeadline: true when the stop finishes (or fails) in time, false when it hangs past the deadline', async () => {
    assert.equal(await stopWithDeadline(async () => undefined, 1000), true);
    assert.equal(await stopWithDeadline(() => Promise.reject(new Error('boom')), 1000), true);
    assert.equal(await stopWithDeadline(() => new Promise<void>(() => undefined), 50), false);
  });

  it('deleteClusterState removes store, PKI and kubeconfig, and keeps the cluster id and anything else', async () => {
    for (const f of ['store.db', 'store.db-wal', 'store.db-shm', 'kubeconfig', 'cluster-id', 'notes.txt']) writeFileSync(join(dir, f), 'x');
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki', 'ca.crt'), 'x');
    await deleteClusterState(dir);
    assert.deepEqual(readdirSync(dir).sort(), ['cluster-id', 'notes.txt']);
    await deleteClusterState(dir); // nothing left to delete: still fine
    assert.ok(existsSync(join(dir, 'cluster-id')));
  });
});
