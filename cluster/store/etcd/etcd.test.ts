import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import etcd3 from 'etcd3';
import { openEtcdStore } from './index.js';
import { EtcdWatch } from './watch-stream.js';
import { storeContract, collect } from '../store.contract.js';
import { etcdUnavailableReason, startEtcd, startEtcdCluster, type EtcdCluster } from '../testing/etcd-harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const unavailable = etcdUnavailableReason();
if (unavailable) {
  describe('etcd store', () => {
    it('runs against a real etcd', (t) => {
      t.skip(`skipped: ${unavailable}`);
    });
  });
} else {
  describe('etcd store (single member)', () => {
    let etcd: { endpoints: string[]; stop(): Promise<void> };
    before(async () => {
      etcd = await startEtcd();
    });
    after(async () => {
      await etcd?.stop();
    });
    storeContract('etcd', () => openEtcdStore({ endpoints: etcd.endpoints }));

    it('ends a watch through onError when its stream fails for good (no silent retry loop)', async () => {
      // A client that refuses messages over 16 KiB gets RESOURCE_EXHAUSTED for a 64 KiB event:
      // retrying would fail the same way forever, so the watch must report it (as clientv3 does).
      const store = await openEtcdStore({ endpoints: etcd.endpoints });
      const small = new etcd3.Etcd3({ hosts: etcd.endpoints, grpcOptions: { 'grpc.max_receive_message_length': 16 * 1024 } });
      const prefix = `/stream-error/${randomUUID()}/`;
      try {
        const c = await store.create(`${prefix}big`, new Uint8Array(64 * 1024));
        const events: unknown[] = [];
        const failed = new Promise<Error>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the watch error was never reported')), 10_000);
          const w = new EtcdWatch(small.watchClient, prefix, c.revision, {
            onEvents: (evs) => events.push(...evs),
            onError: (err) => (clearTimeout(timer), resolve(err)),
          });
          w.start().catch(reject);
        });
        const err = await failed;
        assert.match(err.message, /RESOURCE_EXHAUSTED|larger than max/);
        assert.equal(events.length, 0);
      } finally {
        small.close();
        await store.close();
      }
    });
  });

  describe('etcd store (three members)', () => {
    let cluster: EtcdCluster;
    before(async () => {
      cluster = await startEtcdCluster(3, { fastElection: true });
    });
    after(async () => {
      await cluster?.stop();
    });

    it('keeps reading, writing and watching while a member is down', async () => {
      const store = await openEtcdStore({ endpoints: cluster.endpoints });
      try {
        const r0 = await store.currentRevision();
        const w = await collect(store, { prefix: '/ha/', startRevision: r0 + 1 });
        let prev = (await store.create('/ha/k', enc('0'))).revision;
        for (let i = 1; i <= 10; i++) prev = (await store.update('/ha/k', enc(String(i)), prev)).revision;
        await w.waitFor(11);

        // Stop the member each of the store's streams and calls may be using: all of them, one at a time.
        for (const down of cluster.members) {
          await down.stop();
          for (let i = 0; i < 10; i++) {
            const res = await store.update('/ha/k', enc(`${down.name}-${i}`), prev);
            assert.equal(res.succeeded, true);
            prev = res.revision;
          }
          const got = await store.get('/ha/k');
          assert.equal(dec(got.kv!.value), `${down.name}-9`);
          assert.equal((await store.range('/ha/')).count, 1);
          await down.start();
        }

        const events = await w.waitFor(11 + 30, 20_000);
        assert.equal(events.length, 41);
        assert.deepEqual(
          events.map((e) => e.kv.modRevision),
          Array.from({ length: 41 }, (_, i) => r0 + 1 + i),
          'no gap and no duplicate across member failures',
        );
        assert.equal(dec(events[40].kv.value), `${cluster.members[2].name}-9`);
        await w.watch.cancel();
      } finally {
        await store.close();
      }
    });
  });
}
