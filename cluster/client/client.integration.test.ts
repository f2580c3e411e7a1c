/**
 * The client against the real API server: launches `kubarium up --port 0` in a temp dir,
 * then runs an informer on configmaps while creating, updating and deleting some.
 * Skipped (with the reason) if the launcher does not come up.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../api/status.js';
import { CONFIGMAPS, LEASES, NAMESPACES } from './gvr.js';
import { SharedInformer } from './informer.js';
import { LeaderElector } from './leader-election.js';
import { RestClient } from './rest-client.js';
import { until } from './testing/until.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'kubarium-client-it-'));
let proc: ChildProcess | undefined;
let kubeconfig: string | undefined;
let notReady = '';
let client: RestClient | undefined;

/** Starts the launcher; resolves the kubeconfig path from its `ready <path>` line, or why it did not come up. */
function launch(): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'cluster/cmd/kubarium.ts', 'up', '--data-dir', dataDir, '--port', '0'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "ready" line within 60 s; stderr: ${err.slice(-500)}`)), 60_000);
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^ready (.+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].trim());
      }
    });
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited with ${code}: ${err.slice(-500)}`));
    });
  });
}

before(async () => {
  try {
    kubeconfig = await launch();
    client = RestClient.fromKubeconfig(kubeconfig, { userAgent: 'client-integration-test' });
  } catch (err) {
    notReady = (err as Error).message;
  }
});

after(async () => {
  client?.close();
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('informer on configmaps follows creates, updates and deletes against the real API server', async (t) => {
  if (!client) return t.skip(`API server launcher not ready: ${notReady}`);
  const ns = `it-${Date.now().toString(36)}`;
  await client.create<Namespace>(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await client.create<ConfigMap>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre', namespace: ns }, data: { v: '0' } });

  const inf = new SharedInformer<ConfigMap>(client, CONFIGMAPS, { namespace: ns, pageSize: 1 });
  const seen: string[] = [];
  inf.addEventHandler({
    onAdd: (o, initial) => seen.push(`add ${o.metadata?.name}${initial ? ' (list)' : ''}`),
    onUpdate: (old, o) => seen.push(`update ${o.metadata?.name} ${old.data?.v}->${o.data?.v}`),
    onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
  });
  inf.run();
  try {
    assert.equal(await inf.waitForSync(), true);
    assert.deepEqual(seen.splice(0), ['add pre (list)']);

    const a = await client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'a', namespace: ns }, data: { v: '1' } });
    await client.update<ConfigMap>(CONFIGMAPS, { ...a, data: { v: '2' } });
    await client.patch<ConfigMap>(CONFIGMAPS, 'a', { data: { v: '3' } }, { namespace: ns });
    await client.delete(CONFIGMAPS, 'pre', { namespace: ns });
    await until(() => seen.length >= 4, 'four watch events', 15_000);
    assert.deepEqual(seen, ['add a', 'update a 1->2', 'update a 2->3', 'delete pre']);
    assert.deepEqual(inf.indexer.listKeys(), [`${ns}/a`]);
    assert.equal(inf.indexer.getByName(ns, 'a')?.data?.v, '3');
    assert.ok(inf.lastSyncResourceVersion(), 'the cache tracks the last resourceVersion seen');

    // A stale update is refused with the server's Conflict Status.
    await assert.rejects(client.update<ConfigMap>(CONFIGMAPS, { ...a, data: { v: 'stale' } }), (e: unknown) => e instanceof StatusError && e.code === 409 && e.reason === 'Conflict');
    await assert.rejects(client.get(CONFIGMAPS, 'nope', { namespace: ns }), (e: unknown) => e instanceof StatusError && e.code === 404 && e.reason === 'NotFound');
  } finally {
    await inf.stop();
  }
});

test('leader election against the real API server', async (t) => {
  if (!client) return t.skip(`API server launcher not ready: ${notReady}`);
  let led = false;
  const name = `it-${Date.now().toString(36)}`;
  const le = new LeaderElector({ client, name, identity: 'it-1', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200, releaseOnCancel: true, onStartedLeading: () => void (led = true) });
  const run = le.run();
  await until(() => led, 'leading', 15_000);
  await le.stop();
  await run;
  const lease = await client.get<Lease>(LEASES, name, { namespace: 'kube-system' });
  assert.equal(lease.spec?.holderIdentity ?? '', '');
});
