/**
 * Loopback watches against a real API server in this process: the component's user and
 * RBAC decide, the watch's options are checked as over HTTPS, events carry the server's
 * own (shared, in tests frozen) objects, an informer runs on them, and closing the watch
 * unregisters it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../api/status.js';
import { CONFIGMAPS, NAMESPACES } from '../client/gvr.js';
import { SharedInformer } from '../client/informer.js';
import { RestClient } from '../client/rest-client.js';
import { until } from '../client/testing/until.js';
import { issueClientCertificate, loadOrCreateClusterPKI, type ClusterPKI } from '../pki/index.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/types.js';
import { startKubeAPIServer, type KubeAPIServer } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-loopback-'));
let store: Store;
let server: KubeAPIServer;
let admin: RestClient;
let url: string;

let pki: ClusterPKI;

/** A client whose watches are loopback ones, as the control plane's own components have (the same user as its certificate). */
async function componentClient(name: string, groups: string[] = []): Promise<RestClient> {
  const pair = await issueClientCertificate({ ca: pki.ca }, { commonName: name, organizations: groups });
  return new RestClient({ server: url, ca: pki.ca.cert, cert: pair.cert, key: pair.key, loopback: server.loopback({ name, groups }) });
}

before(async () => {
  pki = await loadOrCreateClusterPKI(join(dir, 'pki'), { serverNames: [], serverIPs: ['127.0.0.1'] });
  store = await openSqliteStore({ path: join(dir, 'store.db') });
  server = await startKubeAPIServer({ store, pki, host: '127.0.0.1', port: 0, advertiseAddress: '127.0.0.1' });
  url = `https://127.0.0.1:${server.port}`;
  admin = new RestClient({ server: url, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
  await admin.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'loop' } });
});

after(async () => {
  admin?.close();
  await server?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const configMap = (name: string, v: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'loop' }, data: { v } });

test('events are the server’s own objects, frozen in tests, in order, with bookmarks when asked', async () => {
  const client = await componentClient('system:kube-controller-manager');
  const stream = await client.watch<ConfigMap>(CONFIGMAPS, { namespace: 'loop', allowWatchBookmarks: true });
  assert.equal(stream.shared, true);
  const created = await admin.create(CONFIGMAPS, configMap('a', '1'));
  await admin.update(CONFIGMAPS, { ...created, data: { v: '2' } });
  await admin.delete(CONFIGMAPS, 'a', { namespace: 'loop' });
  const seen: string[] = [];
  for await (const ev of stream) {
    if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
    const cm = ev.object;
    seen.push(`${ev.type} ${cm.metadata?.name} ${cm.data?.v}`);
    assert.equal(cm.kind, 'ConfigMap');
    assert.ok(Object.isFrozen(cm) && Object.isFrozen(cm.metadata), 'shared objects are frozen under scripts/test.mjs');
    if (ev.type === 'DELETED') break;
  }
  assert.deepEqual(seen, ['ADDED a 1', 'MODIFIED a 2', 'DELETED a 2']);
  stream.stop();
});

test('RBAC decides for the component’s user; bad options are the request’s error', async () => {
  await assert.rejects((await componentClient('system:nobody')).watch(CONFIGMAPS, { namespace: 'loop' }), (err: unknown) => err instanceof StatusError && err.code === 403 && /system:nobody/.test(err.message));
  await assert.rejects((await componentClient('system:kube-controller-manager')).watch(CONFIGMAPS, { namespace: 'loop', resourceVersion: 'not-a-number' }), (err: unknown) => err instanceof StatusError && err.code === 400);
  await assert.rejects((await componentClient('system:kube-controller-manager')).watch(CONFIGMAPS, { namespace: 'loop', fieldSelector: 'spec.nope=1' }), (err: unknown) => err instanceof StatusError && err.code === 400);
});

test('an informer on loopback watches keeps the shared objects; stopping unregisters the watch', async () => {
  const before = server.server.metrics.watchers;
  const informer = new SharedInformer<ConfigMap>(await componentClient('system:kube-controller-manager'), CONFIGMAPS, { namespace: 'loop' });
  const updates: string[] = [];
  informer.addEventHandler({ onUpdate: (_old, cm) => updates.push(cm.data?.v ?? '') });
  informer.run();
  assert.ok(await informer.waitForSync());
  const cm = await admin.create(CONFIGMAPS, configMap('b', '1'));
  await until(() => informer.indexer.get('loop/b') !== undefined, 'the informer has b');
  await admin.update(CONFIGMAPS, { ...cm, data: { v: '2' } });
  await until(() => informer.indexer.get('loop/b')?.data?.v === '2', 'the informer has b updated');
  assert.deepEqual(updates, ['2']);
  assert.ok(Object.isFrozen(informer.indexer.get('loop/b')));
  assert.equal(server.server.metrics.watchers, before + 1);
  await informer.stop();
  await until(() => server.server.metrics.watchers === before, 'the watch is unregistered');
});

test('requests go over in-memory connections as the component’s user: no TLS, the same chain', async () => {
  let tlsConnections = 0;
  const count = () => tlsConnections++;
  server.server.server.on('secureConnection', count);
  try {
    const client = await componentClient('loop-admin', ['system:masters']);
    const created = await client.create(CONFIGMAPS, configMap('c', '1'));
    assert.equal(created.metadata?.managedFields?.[0]?.manager, 'kubarium-client', 'the request’s own User-Agent names the manager');
    const updated = await client.update(CONFIGMAPS, { ...created, data: { v: '2' } });
    assert.equal((await client.get<ConfigMap>(CONFIGMAPS, 'c', { namespace: 'loop' })).data?.v, '2');
    // Optimistic concurrency and validation as over HTTPS.
    await assert.rejects(client.update(CONFIGMAPS, { ...created, data: { v: '3' } }), (err: unknown) => err instanceof StatusError && err.code === 409);
    await assert.rejects(client.create(CONFIGMAPS, configMap('Bad_Name', '1')), (err: unknown) => err instanceof StatusError && err.code === 422);
    assert.equal(updated.data?.v, '2');
    // RBAC for the socket's user, whatever else the request claims.
    const nobody = await componentClient('system:nobody');
    await assert.rejects(nobody.get(CONFIGMAPS, 'c', { namespace: 'loop' }), (err: unknown) => err instanceof StatusError && err.code === 403 && /system:nobody/.test(err.message));
    // Many requests at once share the pool's connections.
    const all = await Promise.all(Array.from({ length: 100 }, () => client.get(CONFIGMAPS, 'c', { namespace: 'loop' })));
    assert.equal(all.length, 100);
    client.close();
    nobody.close();
  } finally {
    server.server.server.off('secureConnection', count);
  }
  assert.equal(tlsConnections, 0, 'no TLS connection');
});
