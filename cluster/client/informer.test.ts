import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { CONFIGMAPS, PODS } from './gvr.js';
import { NODE_NAME_INDEX, podNodeNameIndexFunc } from './indexer.js';
import { SharedInformer } from './informer.js';
import { SharedInformerFactory } from './informer-factory.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { until } from './testing/until.js';

const server = new FakeApiServer({ splitWatchChunks: true });
let client: RestClient;
const logs: string[] = [];
const quiet = { log: (l: string) => logs.push(l), backoff: { initialMs: 1, maxMs: 5 } };

before(async () => {
  client = new RestClient({ server: await server.start() });
});
after(async () => {
  client.close();
  await server.stop();
});

const cm = (ns: string, name: string, data: Record<string, string> = {}) => ({ metadata: { name, namespace: ns }, data });

function recordEvents(inf: SharedInformer<ConfigMap>): string[] {
  const seen: string[] = [];
  inf.addEventHandler({
    onAdd: (o, initial) => seen.push(`add ${o.metadata?.name}${initial ? ' (list)' : ''}`),
    onUpdate: (old, o) => seen.push(`update ${o.metadata?.name} ${JSON.stringify(old.data)}->${JSON.stringify(o.data)}`),
    onDelete: (o, unknown) => seen.push(`delete ${o.metadata?.name}${unknown ? ' (tombstone)' : ''}`),
  });
  return seen;
}

test('informer: paged list, watch events, re-watch after timeout, relist on 410, tombstones', async () => {
  for (let i = 0; i < 5; i++) server.put('configmaps', cm('inf', `c${i}`, { v: '0' }));
  server.put('configmaps', cm('elsewhere', 'other'));
  const inf = new SharedInformer<ConfigMap>(client, CONFIGMAPS, { namespace: 'inf', pageSize: 2, ...quiet });
  const seen = recordEvents(inf);
  inf.run();
  assert.equal(await inf.waitForSync(), true);
  assert.equal(inf.hasSynced(), true);
  assert.equal(inf.indexer.size, 5);
  assert.equal(inf.indexer.getByName('inf', 'c0')?.kind, 'ConfigMap');
  const lists = server.requests.filter((r) => r.path === '/api/v1/namespaces/inf/configmaps' && r.query.get('watch') !== 'true');
  assert.equal(lists.length, 3, 'five objects in pages of two');
  assert.deepEqual(seen.splice(0), ['add c0 (list)', 'add c1 (list)', 'add c2 (list)', 'add c3 (list)', 'add c4 (list)']);

  // Watch delivers changes in order.
  await until(() => server.openWatches === 1, 'the watch');
  const watchReq = server.requests.at(-1)!;
  assert.equal(watchReq.query.get('allowWatchBookmarks'), 'true');
  assert.equal(watchReq.query.get('resourceVersion'), inf.lastSyncResourceVersion());
  await client.create(CONFIGMAPS, cm('inf', 'new'));
  await client.patch(CONFIGMAPS, 'c1', { data: { v: '1' } }, { namespace: 'inf' });
  await client.delete(CONFIGMAPS, 'c2', { namespace: 'inf' });
  await until(() => seen.length === 3, 'three events');
  assert.deepEqual(seen.splice(0), ['add new', 'update c1 {"v":"0"}->{"v":"1"}', 'delete c2']);
  assert.equal(inf.indexer.getByName('inf', 'c1')?.data?.v, '1');

  // Bookmarks advance the resourceVersion without events.
  await client.create(CONFIGMAPS, cm('unwatched-ns', 'x'));
  server.bookmark();
  await until(() => inf.lastSyncResourceVersion() === server.resourceVersion, 'bookmark');
  assert.equal(seen.length, 0);

  // A normal close (server timeout): re-watch from the last resourceVersion, no relist.
  const rv = inf.lastSyncResourceVersion();
  server.closeWatches();
  await until(() => server.openWatches === 1, 're-watch');
  assert.equal(server.requests.at(-1)?.query.get('resourceVersion'), rv);
  assert.equal(inf.listCount, 1);

  // Missed a delete and history is gone: the re-watch gets 410, the informer relists and
  // reports the delete as a tombstone with the last known object.
  server.closeWatches();
  server.remove('configmaps', 'inf', 'c3');
  server.put('configmaps', cm('inf', 'c4', { v: '4' }));
  server.compact();
  await until(() => inf.listCount === 2 && server.openWatches === 1, 'relist after 410');
  assert.deepEqual(seen.splice(0).sort(), [
    'delete c3 (tombstone)',
    'update c0 {"v":"0"}->{"v":"0"}',
    'update c1 {"v":"1"}->{"v":"1"}',
    'update c4 {"v":"0"}->{"v":"4"}',
    'update new {}->{}',
  ]);
  assert.equal(inf.indexer.getByName('inf', 'c3'), undefined);

  // ERROR Expired inside the stream also relists.
  server.expireWatches();
  await until(() => inf.listCount === 3 && server.openWatches === 1, 'relist after ERROR event');

  // A late handler is replayed the current cache.
  const late: string[] = [];
  inf.addEventHandler({ onAdd: (o, initial) => late.push(`${o.metadata?.name}:${initial}`) });
  assert.deepEqual(late.sort(), ['c0:true', 'c1:true', 'c4:true', 'new:true']);

  await inf.stop();
  await until(() => server.openWatches === 0, 'watches closed on the server');
});

test('informer: transient watch failures are retried from the same resourceVersion', async () => {
  const inf = new SharedInformer<ConfigMap>(client, CONFIGMAPS, { namespace: 'retry', ...quiet });
  server.failNext('GET', /namespaces\/retry\/configmaps\?.*watch=true/, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'boom' }, 2);
  inf.run();
  await inf.waitForSync();
  await until(() => server.openWatches === 1, 'watch after two failures');
  assert.equal(inf.listCount, 1);
  assert.ok(logs.some((l) => l.includes('boom')));
  const seen = recordEvents(inf);
  await client.create(CONFIGMAPS, cm('retry', 'r1'));
  await until(() => seen.includes('add r1'), 'event after retry');
  await inf.stop();
});

test('informer: a failing first list is retried; waitForSync is false when stopped first', async () => {
  server.failNext('GET', /namespaces\/listfail\/configmaps\?limit/, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: 'not ready' }, 2);
  const inf = new SharedInformer<ConfigMap>(client, CONFIGMAPS, { namespace: 'listfail', ...quiet });
  inf.run();
  assert.equal(await inf.waitForSync(), true);
  await inf.stop();

  const never = new SharedInformer<ConfigMap>(client, CONFIGMAPS, { namespace: 'never', ...quiet });
  const waiting = never.waitForSync();
  await never.stop();
  assert.equal(await waiting, false);
});

test('factory: one informer per resource and selector; indexers shared', async () => {
  const factory = new SharedInformerFactory(client, quiet);
  const a = factory.informerFor<Pod>(PODS);
  const b = factory.informerFor<Pod>(PODS, { indexers: { [NODE_NAME_INDEX]: podNodeNameIndexFunc } });
  const c = factory.informerFor<Pod>(PODS, { fieldSelector: 'spec.nodeName=n1' });
  assert.equal(a, b);
  assert.notEqual(a, c);
  server.put('pods', { metadata: { name: 'p1', namespace: 'default' }, spec: { nodeName: 'n1', containers: [] } });
  server.put('pods', { metadata: { name: 'p2', namespace: 'default' }, spec: { nodeName: 'n2', containers: [] } });
  factory.start();
  assert.equal(await factory.waitForCacheSync(), true);
  assert.deepEqual(a.indexer.byIndex(NODE_NAME_INDEX, 'n2').map((p) => p.metadata?.name), ['p2']);
  assert.deepEqual(c.indexer.listKeys(), ['default/p1']);
  const d = factory.informerFor<ConfigMap>(CONFIGMAPS, { namespace: 'late' });
  assert.equal(await d.waitForSync(), true, 'informers created after start() start at once');
  await factory.shutdown();
  await until(() => server.openWatches === 0, 'watches closed on the server');
});
