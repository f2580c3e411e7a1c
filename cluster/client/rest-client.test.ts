import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { StatusError } from '../api/status.js';
import { createCertificateAuthority, issueLeafCertificate } from '../pki/x509.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import { CONFIGMAPS, DEPLOYMENTS, NODES, PODS, resourcePath } from './gvr.js';
import { RestClient } from './rest-client.js';
import type { WatchEvent } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';

const server = new FakeApiServer({ splitWatchChunks: true });
let client: RestClient;
before(async () => {
  client = new RestClient({ server: await server.start() });
});
after(async () => {
  client.close();
  await server.stop();
});

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data,
});

test('paths for core, grouped, cluster-scoped resources and subresources', () => {
  assert.equal(resourcePath(PODS, 'ns', 'p', 'status'), '/api/v1/namespaces/ns/pods/p/status');
  assert.equal(resourcePath(DEPLOYMENTS), '/apis/apps/v1/deployments');
  assert.equal(resourcePath(NODES, 'ignored', 'n1'), '/api/v1/nodes/n1');
});

test('create, get, update, merge patch, delete', async () => {
  const created = await client.create(CONFIGMAPS, cm('crud', { a: '1' }));
  assert.ok(created.metadata?.resourceVersion);
  const got = await client.get<ConfigMap>(CONFIGMAPS, 'crud', { namespace: 'default' });
  assert.deepEqual(got.data, { a: '1' });
  const updated = await client.update(CONFIGMAPS, { ...got, data: { a: '2' } });
  assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
  const patched = await client.patch<ConfigMap>(CONFIGMAPS, 'crud', { data: { b: '3' } }, { namespace: 'default' });
  assert.deepEqual(patched.data, { a: '2', b: '3' });
  assert.equal(server.requests.at(-1)?.contentType, 'application/merge-patch+json');
  await client.delete(CONFIGMAPS, 'crud', { namespace: 'default', propagationPolicy: 'Background' });
  assert.deepEqual(server.requests.at(-1)?.body, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
  await assert.rejects(client.get(CONFIGMAPS, 'crud'), (e: StatusError) => e instanceof StatusError && e.code === 404 && e.reason === 'NotFound');
});

test('a stale resourceVersion surfaces the server Status as a 409 Conflict StatusError', async () => {
  const v1 = await client.create(CONFIGMAPS, cm('occ'));
  await client.update(CONFIGMAPS, { ...v1, data: { x: 'y' } });
  await assert.rejects(client.update(CONFIGMAPS, { ...v1, data: { x: 'z' } }), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 409);
    assert.equal(e.reason, 'Conflict');
    assert.match(e.message, /the object has been modified/);
    return true;
  });
});

test('Status bodies keep reason, message and details; non-Status bodies get a reason from the code', async () => {
  server.failNext('GET', /\/deployments\/web$/, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden',
    message: 'deployments.apps "web" is forbidden: no', details: { name: 'web', group: 'apps', kind: 'deployments' },
  });
  await assert.rejects(client.get<Deployment>(DEPLOYMENTS, 'web'), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.deepEqual([e.code, e.reason, e.message, e.details?.group], [403, 'Forbidden', 'deployments.apps "web" is forbidden: no', 'apps']);
    return true;
  });
  await assert.rejects(client.request('GET', '/nonsense'), (e: unknown) => e instanceof StatusError && e.code === 404 && e.reason === 'NotFound');
});

test('list pages with limit/continue; listAll follows them and fills apiVersion/kind', async () => {
  for (let i = 0; i < 7; i++) await client.create(CONFIGMAPS, cm(`page-${i}`, {}, { paging: 'yes' }));
  const first = await client.list<ConfigMap>(CONFIGMAPS, { namespace: 'default', labelSelector: 'paging=yes', limit: 3 });
  assert.equal(first.items.length, 3);
  assert.ok(first.metadata.continue);
  const all = await client.listAll<ConfigMap>(CONFIGMAPS, { labelSelector: 'paging=yes', limit: 3 });
  assert.deepEqual(all.items.map((i) => i.metadata?.name), [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
  assert.equal(all.items[0].kind, 'ConfigMap');
  assert.equal(all.items[0].apiVersion, 'v1');
  assert.ok(Number(all.resourceVersion) > 0);
});

test('listAll falls back to a full list when a continue token expires', async () => {
  server.failNext('GET', /continue=/, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'continue too old' });
  const all = await client.listAll<ConfigMap>(CONFIGMAPS, { labelSelector: 'paging=yes', limit: 3 });
  assert.equal(all.items.length, 7);
});

test('watch streams chunked events from a resourceVersion, including bookmarks', async () => {
  const start = server.resourceVersion;
  const w = await client.watch<ConfigMap>(CONFIGMAPS, { namespace: 'default', resourceVersion: start, allowWatchBookmarks: true, timeoutSeconds: 30 });
  assert.equal(server.requests.at(-1)?.query.get('allowWatchBookmarks'), 'true');
  await client.create(CONFIGMAPS, cm('w1'));
  await client.patch(CONFIGMAPS, 'w1', { data: { k: 'v' } });
  await client.delete(CONFIGMAPS, 'w1');
  server.bookmark();
  const seen: string[] = [];
  for await (const ev of w) {
    seen.push(ev.type === 'BOOKMARK' ? 'BOOKMARK' : `${ev.type} ${(ev.object as ConfigMap).metadata?.name}`);
    if (ev.type === 'ADDED') assert.equal((ev.object as ConfigMap).kind, 'ConfigMap');
    if (ev.type === 'BOOKMARK') break;
  }
  w.stop();
  assert.deepEqual(seen, ['ADDED w1', 'MODIFIED w1', 'DELETED w1', 'BOOKMARK']);
});

test('watch from a compacted resourceVersion rejects with 410; in-stream Expired arrives as an ERROR event', async () => {
  const old = server.resourceVersion;
  await client.create(CONFIGMAPS, cm('compact-me'));
  server.compact();
  await assert.rejects(client.watch(CONFIGMAPS, { resourceVersion: old }), (e: unknown) => e instanceof StatusError && e.code === 410 && e.reason === 'Expired');

  const w = await client.watch<ConfigMap>(CONFIGMAPS, { resourceVersion: server.resourceVersion });
  server.expireWatches();
  const events: Array<WatchEvent<ConfigMap>> = [];
  for await (const ev of w) events.push(ev);
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'ERROR');
  if (events[0].type === 'ERROR') assert.equal(events[0].object.code, 410);
});

test('stop() ends the iteration cleanly', async () => {
  const w = await client.watch<ConfigMap>(CONFIGMAPS, { resourceVersion: server.resourceVersion });
  setImmediate(() => w.stop());
  for await (const _ of w) assert.fail('no events expected');
});

test('binding and eviction subresources POST to the pod', async () => {
  await client.bind({ metadata: { name: 'p1', namespace: 'ns1' }, target: { kind: 'Node', name: 'n1' } });
  assert.equal(server.requests.at(-1)?.path, '/api/v1/namespaces/ns1/pods/p1/binding');
  await client.evict({ metadata: { name: 'p1', namespace: 'ns1' } });
  const last = server.requests.at(-1)!;
  assert.equal(last.path, '/api/v1/namespaces/ns1/pods/p1/eviction');
  assert.deepEqual(last.body, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p1', namespace: 'ns1' } });
});

test('client-side throttle still completes concurrent requests', async () => {
  const throttled = new RestClient({ server: server.url, qps: 1000, burst: 2 });
  try {
    const results = await Promise.all(Array.from({ length: 10 }, () => throttled.list<Pod>(PODS)));
    assert.equal(results.length, 10);
  } finally {
    throttled.close();
  }
});

test('HTTPS with mTLS from a kubeconfig file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubarium-client-tls-'));
  const ca = await createCertificateAuthority('test-ca', 1);
  const serving = await issueLeafCertificate(ca, { commonName: 'apiserver', days: 1, usage: 'server', sans: { dnsNames: ['localhost'], ips: ['127.0.0.1'] } });
  const user = await issueLeafCertificate(ca, { commonName: 'system:kube-scheduler', days: 1, usage: 'client' });
  const tlsServer = new FakeApiServer({ tls: { cert: serving.cert, key: serving.key, ca: ca.cert, requestCert: true } });
  const url = await tlsServer.start();
  writeKubeconfig(join(dir, 'kubeconfig'), { server: url, ca: ca.cert, clientCert: user.cert, clientKey: user.key, namespace: 'team' });
  const c = RestClient.fromKubeconfig(join(dir, 'kubeconfig'), { userAgent: 'kube-scheduler' });
  try {
    assert.equal(c.namespace, 'team');
    await c.create(CONFIGMAPS, { metadata: { name: 'secure' }, data: {} });
    assert.equal(tlsServer.requests.at(-1)?.path, '/api/v1/namespaces/team/configmaps');
    assert.equal(tlsServer.requests.at(-1)?.clientCN, 'system:kube-scheduler');
    // An untrusted CA is refused.
    const other = await createCertificateAuthority('other-ca', 1);
    const bad = new RestClient({ server: url, ca: other.cert });
    await assert.rejects(bad.list(CONFIGMAPS), /certificate/);
    bad.close();
  } finally {
    c.close();
    await tlsServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
