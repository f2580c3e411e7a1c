import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { RangeOptions, Store } from '../../store/types.js';
import { parseSelector } from '../../api/labels.js';
import { BUILTIN_RESOURCES } from '../resources/catalog.js';
import { Codec } from './codec.js';
import { ResourceStore } from './resource-store.js';
import { identityTransformer } from './transformer.js';
import { WatchHub } from './watch-hub.js';
import { lowerBound } from './watch-cache.js';

let dir: string;
let store: Store;
let hub: WatchHub;
let cms: ResourceStore;
/** Ranges the store answered, to tell cache-served lists from store reads. */
const ranges: Array<{ prefix: string; opts: RangeOptions | undefined }> = [];

const info = BUILTIN_RESOURCES.find((r) => r.group === '' && r.resource === 'configmaps')!;
const cm = (name: string, ns = 'wc', labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { a: '1' } });
const names = (items: { metadata?: { name?: string } }[]) => items.map((o) => o.metadata!.name);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubarium-wc-'));
  const real = await openSqliteStore({ path: join(dir, 'db') });
  store = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'range') {
        return (prefix: string, opts?: RangeOptions) => {
          ranges.push({ prefix, opts });
          return target.range(prefix, opts);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const codec = new Codec(identityTransformer);
  // A decoder that knows nothing of the ResourceStore: the cache must keep itself current through its own subscription.
  hub = new WatchHub(store, { decode: (k, v, r) => codec.decode(k, v, r), forget: () => {} });
  await hub.start();
  cms = new ResourceStore(info, store, codec, hub);
});

after(async () => {
  cms.dispose();
  await hub.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('lowerBound finds the first key not below the probe', () => {
  const keys = ['a', 'b/1', 'b/2', 'c'];
  assert.equal(lowerBound(keys, ''), 0);
  assert.equal(lowerBound(keys, 'b/'), 1);
  assert.equal(lowerBound(keys, 'b0'), 3);
  assert.equal(lowerBound(keys, 'z'), 4);
});

test('lists come from the cache after one fill, and see every write acknowledged before them', async () => {
  await cms.create(cm('a'));
  await cms.create(cm('b'));
  await cms.create(cm('other', 'elsewhere'));
  const first = await cms.list('wc');
  assert.deepEqual(names(first.items), ['a', 'b']);
  const filled = ranges.length;

  // Writes acknowledged, then a list at once: a consistent read waits for the hub to deliver them.
  await cms.create(cm('c'));
  await cms.delete('wc', 'a', {});
  const { object: b2 } = await cms.update('wc', 'b', (cur) => ({ ...cur, data: { a: '2' } }));
  const second = await cms.list('wc');
  assert.deepEqual(names(second.items), ['b', 'c']);
  assert.equal(second.items[0].metadata!.resourceVersion, b2.metadata!.resourceVersion);
  assert.equal(second.resourceVersion, String(await store.currentRevision()));
  assert.deepEqual(names((await cms.list(undefined)).items), ['other', 'b', 'c'], 'all namespaces, in key order');
  assert.deepEqual(names((await cms.list('wc', { resourceVersion: '0' })).items), ['b', 'c']);
  assert.equal(ranges.length, filled, 'no store range after the fill');
});

test('a first page from the cache continues from the store at the same revision', async () => {
  for (const n of ['p1', 'p2', 'p3', 'p4']) await cms.create(cm(n, 'pages', { shard: n === 'p3' ? 'x' : 'y' }));
  const page1 = await cms.list('pages', { limit: 2 });
  assert.deepEqual(names(page1.items), ['p1', 'p2']);
  assert.equal(page1.remainingItemCount, 2);
  assert.ok(page1.continue);
  await cms.create(cm('p0', 'pages'));
  await cms.delete('pages', 'p4', {});
  const page2 = await cms.list('pages', { limit: 2, continue: page1.continue });
  assert.deepEqual(names(page2.items), ['p3', 'p4'], 'the snapshot of the first page, not the writes after it');
  assert.equal(page2.continue, undefined);
  assert.equal(page2.resourceVersion, page1.resourceVersion);

  const selected = await cms.list('pages', { labelSelector: parseSelector('shard=y') });
  assert.deepEqual(names(selected.items), ['p1', 'p2']);
});

test('an exact-revision list reads the store', async () => {
  const before = await cms.list('wc');
  await cms.create(cm('d'));
  const n = ranges.length;
  const exact = await cms.list('wc', { resourceVersion: before.resourceVersion, resourceVersionMatch: 'Exact' });
  assert.deepEqual(names(exact.items), names(before.items));
  assert.ok(ranges.length > n);
});
