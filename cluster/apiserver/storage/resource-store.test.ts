import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { Store } from '../../store/types.js';
import { parseSelector } from '../../api/labels.js';
import { StatusError } from '../../api/status.js';
import { BUILTIN_RESOURCES } from '../resources/catalog.js';
import { Codec } from './codec.js';
import { ResourceStore, type WatchEventOut } from './resource-store.js';
import { AesGcmTransformer, AESGCM_PREFIX, prefixTransformer } from './transformer.js';
import { WatchHub } from './watch-hub.js';

let dir: string;
let store: Store;
let hub: WatchHub;
let cms: ResourceStore;
let secrets: ResourceStore;

const info = (resource: string) => BUILTIN_RESOURCES.find((r) => r.group === '' && r.resource === resource)!;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubarium-rs-'));
  store = await openSqliteStore({ path: join(dir, 'db') });
  const codec = new Codec(prefixTransformer(['/registry/secrets/'], new AesGcmTransformer(randomBytes(32))));
  hub = new WatchHub(store, { decode: (k, v, r) => codec.decode(k, v, r), forget: () => {} });
  await hub.start();
  cms = new ResourceStore(info('configmaps'), store, codec, hub);
  secrets = new ResourceStore(info('secrets'), store, codec, hub);
});

after(async () => {
  await hub.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { a: '1' } });

test('keys follow kube-apiserver layout and resourceVersion is the mod revision', async () => {
  const created = await cms.create(cm('layout'));
  const raw = await store.get('/registry/configmaps/default/layout');
  assert.ok(raw.kv);
  assert.equal(created.metadata!.resourceVersion, String(raw.kv.modRevision));
  assert.ok(!JSON.parse(Buffer.from(raw.kv.value).toString()).metadata.resourceVersion, 'resourceVersion is not stored');
  await assert.rejects(cms.create(cm('layout')), (e: unknown) => e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists');
});

test('secrets are encrypted at rest with the aesgcm prefix', async () => {
  await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { password: Buffer.from('hunter2').toString('base64') } });
  const raw = await store.get('/registry/secrets/default/s');
  const text = Buffer.from(raw.kv!.value).toString('latin1');
  assert.ok(text.startsWith(`${AESGCM_PREFIX}key1:`));
  assert.ok(!text.includes('aHVudGVyMg'));
  const back = (await secrets.get('default', 's')) as { data?: { password?: string } };
  assert.equal(back.data?.password, Buffer.from('hunter2').toString('base64'));
});

test('optimistic concurrency: a stale resourceVersion is a 409 Conflict', async () => {
  const o = await cms.create(cm('cas'));
  await cms.update('default', 'cas', (cur) => ({ ...cur, data: { a: '2' } }));
  await assert.rejects(
    cms.update('default', 'cas', () => ({ ...o, data: { a: '3' } })),
    (e: unknown) => e instanceof StatusError && e.code === 409 && /the object has been modified/.test(e.message),
  );
});

test('lists page with consistent continue tokens and filter by label', async () => {
  for (let i = 0; i < 7; i++) await cms.create({ ...cm(`page-${i}`, { page: i % 2 ? 'odd' : 'even' }), metadata: { name: `page-${i}`, namespace: 'pages', labels: { page: i % 2 ? 'odd' : 'even' } } });
  const first = await cms.list('pages', { limit: 3 });
  assert.equal(first.items.length, 3);
  assert.ok(first.continue);
  assert.equal(first.remainingItemCount, 4);
  await cms.create({ ...cm('page-late'), metadata: { name: 'page-late', namespace: 'pages' } });
  const second = await cms.list('pages', { limit: 10, continue: first.continue });
  assert.equal(second.items.length, 4, 'the continuation reads the first page’s snapshot');
  assert.equal(second.resourceVersion, first.resourceVersion);
  const odd = await cms.list('pages', { labelSelector: parseSelector('page=odd'), limit: 2 });
  assert.deepEqual(odd.items.map((o) => o.metadata!.name), ['page-1', 'page-3']);
  assert.ok(odd.continue);
});

test('finalizers hold an object until they are removed', async () => {
  await cms.create({ ...cm('fin'), metadata: { name: 'fin', namespace: 'default', finalizers: ['example.com/hold'] } });
  const res = await cms.delete('default', 'fin', {});
  assert.equal(res.deleted, false);
  assert.ok(res.object.metadata!.deletionTimestamp);
  await cms.update('default', 'fin', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }));
  assert.equal(await cms.tryGet('default', 'fin'), undefined);
});

test('orphan and foreground propagation add their finalizers', async () => {
  await cms.create(cm('orphan'));
  const o = await cms.delete('default', 'orphan', { propagationPolicy: 'Orphan' });
  assert.deepEqual(o.object.metadata!.finalizers, ['orphan']);
  await cms.create(cm('fg'));
  const f = await cms.delete('default', 'fg', { propagationPolicy: 'Foreground' });
  assert.deepEqual(f.object.metadata!.finalizers, ['foregroundDeletion']);
});

test('watch from a resourceVersion replays, then follows; selector watches see objects leave', async () => {
  const start = await cms.list('w');
  const seen: WatchEventOut[] = [];
  const sub = await cms.watch('w', { resourceVersion: start.resourceVersion, labelSelector: parseSelector('keep=yes') }, (evs) => seen.push(...evs), (e) => assert.fail(e));
  await cms.create({ ...cm('x'), metadata: { name: 'x', namespace: 'w', labels: { keep: 'yes' } } });
  await cms.update('w', 'x', (cur) => ({ ...cur, data: { b: '2' } }));
  await cms.update('w', 'x', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { keep: 'no' } } }));
  await cms.create({ ...cm('y'), metadata: { name: 'y', namespace: 'w', labels: { keep: 'no' } } });
  const deadline = Date.now() + 5000;
  while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  sub.cancel();
  assert.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata!.name}`), ['ADDED x', 'MODIFIED x', 'DELETED x']);
  // Resuming from the list revision replays the same history.
  const replay: WatchEventOut[] = [];
  const sub2 = await cms.watch('w', { resourceVersion: start.resourceVersion }, (evs) => replay.push(...evs), (e) => assert.fail(e));
  const d2 = Date.now() + 5000;
  while (replay.length < 4 && Date.now() < d2) await new Promise((r) => setTimeout(r, 10));
  sub2.cancel();
  assert.deepEqual(replay.map((e) => e.type), ['ADDED', 'MODIFIED', 'MODIFIED', 'ADDED']);
});

test('updates start from the watch cache and read the store when it trails (pinned resourceVersion, no-op, lost CAS)', async () => {
  await cms.create(cm('trail'));
  await cms.list('default'); // fills the cache
  // Two writes straight to the store: the cache has not seen them yet when the updates below start.
  const raw = await store.get('/registry/configmaps/default/trail');
  const doc = JSON.parse(Buffer.from(raw.kv!.value).toString());
  const w1 = await store.update('/registry/configmaps/default/trail', Buffer.from(JSON.stringify({ ...doc, data: { a: '2' } })), raw.kv!.modRevision);
  // A client that already saw w1 names its resourceVersion: not a conflict.
  const pinned = await cms.update('default', 'trail', (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: String(w1.revision) }, data: { a: '3' } }));
  assert.equal((pinned.object.data as Record<string, string>).a, '3');
  // An unconditional update equal to what the cache may still hold is checked against the store before it is a no-op.
  const raw2 = await store.get('/registry/configmaps/default/trail');
  await store.update('/registry/configmaps/default/trail', Buffer.from(JSON.stringify({ ...doc, data: { a: '4' } })), raw2.kv!.modRevision);
  const same = await cms.update('default', 'trail', (cur) => ({ ...cur, data: { a: '3' } }));
  assert.equal((same.object.data as Record<string, string>).a, '3');
  assert.notEqual(same.object.metadata!.resourceVersion, pinned.object.metadata!.resourceVersion, 'written over the store’s newer state, not a no-op');
  // A resourceVersion older than the store's is still a 409.
  await assert.rejects(
    cms.update('default', 'trail', (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: String(w1.revision) }, data: { a: '5' } })),
    (e: unknown) => e instanceof StatusError && e.code === 409,
  );
});
