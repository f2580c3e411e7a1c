/**
 * Durability and concurrency: a crash (SIGKILL) in the middle of a stream of creates
 * loses none that were acknowledged with 201; and optimistic concurrency (GET, then
 * PUT with the resourceVersion, retry on 409) by 20 clients on one counter loses no
 * increment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { rawClient, type RawClient } from './helpers.js';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('durability', () => {
  let cluster: LaunchedCluster;
  let api: RawClient;

  before(async () => {
    cluster = await launchCluster();
    api = rawClient(cluster.kubeconfig);
  });
  after(async () => {
    api?.close();
    await cluster?.stop();
  });

  it('every create acknowledged before kill -9 is there after restart', async () => {
    const acknowledged: string[] = [];
    const failed: string[] = [];
    let stop = false;
    // Four writers, each a stream of creates; the launcher is killed while they run.
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `crash-${w}-${i}`;
        try {
          const r = await api.request('POST', CMS, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } }), timeoutMs: 5_000 });
          if (r.status === 201) acknowledged.push(name);
          else failed.push(`${name}: ${r.status}`);
        } catch {
          return; // the connection died with the server: this create is unacknowledged
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // Kill once a fair number of creates went through (polled, not timed).
    while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 5));
    await cluster.kill9();
    stop = true;
    await Promise.all(writers);
    assert.deepEqual(failed, []);
    const ackedAtKill = [...acknowledged];
    api.close();

    await cluster.restart();
    api = rawClient(cluster.kubeconfig);
    const list = await api.request('GET', CMS);
    assert.equal(list.status, 200, list.text);
    const present = new Set((list.json?.items as { metadata: { name: string }; data: { i: string } }[]).map((i) => i.metadata.name));
    const lost = ackedAtKill.filter((n) => !present.has(n));
    assert.deepEqual(lost, [], `${lost.length} of ${ackedAtKill.length} acknowledged creates lost`);
    // Each stored object is whole (its data matches its name).
    for (const item of list.json?.items as { metadata: { name: string }; data?: { i: string } }[]) {
      const m = /^crash-\d+-(\d+)$/.exec(item.metadata.name);
      if (m) assert.equal(item.data?.i, m[1], item.metadata.name);
    }
    // The server is writable again and resourceVersions keep increasing.
    const after = await api.request('POST', CMS, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-crash' } }) });
    assert.equal(after.status, 201, after.text);
    const listRV = Number((list.json?.metadata as { resourceVersion: string }).resourceVersion);
    assert.ok(Number((after.json?.metadata as { resourceVersion: string }).resourceVersion) > listRV);
  });

  it('concurrent merge patches without a resourceVersion all apply (retried, never 409)', async () => {
    const ns = 'default';
    const created = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patched-by-many' } }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(created.status, 201);
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api
          .request('PATCH', `/api/v1/namespaces/${ns}/configmaps/patched-by-many`, {
            body: JSON.stringify({ data: { [`k${i}`]: String(i) } }),
            headers: { 'Content-Type': 'application/merge-patch+json' },
          })
          .then((r) => r.status),
      ),
    );
    assert.deepEqual(codes, Array(20).fill(200));
    const final = await api.request('GET', `/api/v1/namespaces/${ns}/configmaps/patched-by-many`);
    assert.equal(Object.keys((final.json as { data: Record<string, string> }).data).length, 20);
    // A patch naming a stale resourceVersion is a precondition: 409.
    const stale = await api.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/patched-by-many`, {
      body: JSON.stringify({ metadata: { resourceVersion: (created.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion }, data: { late: 'x' } }),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(stale.status, 409);
  });

  it('20 clients doing read-modify-write on one counter lose no increment', async () => {
    const name = 'counter';
    const created = await api.request('POST', CMS, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { count: '0' } }) });
    assert.equal(created.status, 201, created.text);
    const CLIENTS = 20;
    const PER_CLIENT = 5;
    let conflicts = 0;
    const client = async () => {
      // Each client has its own connection pool, as separate processes would.
      const own = rawClient(cluster.kubeconfig);
      try {
        for (let done = 0; done < PER_CLIENT; ) {
          const got = await own.request('GET', `${CMS}/${name}`);
          assert.equal(got.status, 200, got.text);
          const cm = got.json as { metadata: { resourceVersion: string }; data: { count: string } };
          cm.data.count = String(Number(cm.data.count) + 1);
          const put = await own.request('PUT', `${CMS}/${name}`, { body: JSON.stringify(cm) });
          if (put.status === 409) {
            assert.equal((put.json as { reason?: string }).reason, 'Conflict', put.text);
            conflicts++;
            continue;
          }
          assert.equal(put.status, 200, put.text);
          done++;
        }
      } finally {
        own.close();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const final = await api.request('GET', `${CMS}/${name}`);
    assert.equal((final.json as { data: { count: string } }).data.count, String(CLIENTS * PER_CLIENT));
    assert.ok(conflicts > 0, 'some writes raced and got 409 Conflict');
  });
});
