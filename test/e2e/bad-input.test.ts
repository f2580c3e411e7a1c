/**
 * Malformed and hostile requests over raw HTTPS (admin client certificate, or none):
 * each gets the Status upstream answers with, and none of them stores anything or
 * stops the server from answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { openSqliteStore } from '../../cluster/store/sqlite/index.js';
import { join } from 'node:path';
import { rawClient, type RawClient, type RawResponse } from './helpers.js';

const CMS = '/api/v1/namespaces/default/configmaps';

interface Status {
  kind: string;
  status: string;
  reason?: string;
  code: number;
  message: string;
  details?: { name?: string; kind?: string; causes?: { type: string; field?: string; message: string }[] };
}

function statusOf(r: RawResponse, code: number): Status {
  assert.equal(r.status, code, `expected HTTP ${code}, got ${r.status}: ${r.text}`);
  const s = r.json as unknown as Status;
  assert.equal(s?.kind, 'Status', r.text);
  assert.equal(s.status, 'Failure');
  assert.equal(s.code, code);
  return s;
}

describe('bad input over raw HTTPS', () => {
  let cluster: LaunchedCluster;
  let api: RawClient;
  const post = (body: string | Buffer, contentType = 'application/json', query = '') =>
    api.request('POST', `${CMS}${query}`, { body, headers: { 'Content-Type': contentType } });

  before(async () => {
    cluster = await launchCluster();
    api = rawClient(cluster.kubeconfig);
    const list = await api.request('GET', CMS);
    assert.equal(list.status, 200, list.text);
  });
  after(async () => {
    api?.close();
    await cluster?.stop();
  });

  it('malformed JSON is 400 BadRequest', async () => {
    const s = statusOf(await post('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {'), 400);
    assert.equal(s.reason, 'BadRequest');
    statusOf(await post('not json at all'), 400);
    statusOf(await post('[1,2,3]'), 400);
  });

  it('malformed YAML is 400 BadRequest', async () => {
    const s = statusOf(await post('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n', 'application/yaml'), 400);
    assert.equal(s.reason, 'BadRequest');
    statusOf(await post('apiVersion: v1\n  kind: : ConfigMap\n\tbad', 'application/yaml'), 400);
  });

  it('an unsupported body media type is 415', async () => {
    const r = await post('<ConfigMap/>', 'application/xml');
    const s = statusOf(r, 415);
    assert.equal(s.reason, 'UnsupportedMediaType');
  });

  it('a body of another kind or apiVersion than the endpoint is 400', async () => {
    const secret = statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-kind' } })), 400);
    assert.match(secret.message, /ConfigMap/);
    const apps = statusOf(await post(JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'wrong-version' } })), 400);
    assert.match(apps.message, /apps\/v1/);
    statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'wrong-kind2' } })), 400);
    // A namespace in the body that differs from the URL.
    statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-ns', namespace: 'kube-system' } })), 400);
  });

  it('invalid names are 422 Invalid with field causes', async () => {
    const s = statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid!' } })), 422);
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.details?.kind, 'ConfigMap');
    assert.equal(s.details?.name, 'Not_Valid!');
    assert.deepEqual(s.details?.causes?.map((c) => [c.type, c.field]), [['FieldValueInvalid', 'metadata.name']]);
    assert.match(s.message, /^ConfigMap "Not_Valid!" is invalid: metadata\.name: Invalid value: "Not_Valid!": a lowercase RFC 1123 subdomain/);
    const long = statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a'.repeat(254) } })), 422);
    assert.match(long.message, /must be no more than 253 characters/);
    const missing = statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })), 422);
    assert.deepEqual(missing.details?.causes?.map((c) => [c.type, c.field]), [['FieldValueRequired', 'metadata.name']]);
    const label = statusOf(await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok-name', labels: { 'bad key!': 'v' } } })), 422);
    assert.equal(label.details?.causes?.[0]?.field, 'metadata.labels');
    const ns = await api.request('POST', '/api/v1/namespaces', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'has.dots' } }) });
    // IsDNS1123Label: a valid subdomain that is not a label "must not contain dots".
    assert.match(statusOf(ns, 422).message, /Namespace "has\.dots" is invalid: metadata\.name: Invalid value: "has\.dots": must not contain dots/);
  });

  it('unknown fields with fieldValidation=Strict are 400 strict decoding errors', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict', bogus: 1 }, data: { a: '1' }, extra: true });
    const s = statusOf(await post(body, 'application/json', '?fieldValidation=Strict'), 400);
    assert.equal(s.reason, 'BadRequest');
    assert.match(s.message, /^strict decoding error: /);
    assert.match(s.message, /unknown field "extra"/);
    assert.match(s.message, /unknown field "metadata\.bogus"/);
    // Warn stores the object and says why in a Warning header; clean up after it.
    const warned = await post(body.replace('"strict"', '"warned"'), 'application/json', '?fieldValidation=Warn');
    assert.equal(warned.status, 201, warned.text);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"extra\\""/);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"metadata\.bogus\\""/);
    // Decoding into the Go type drops the unknown fields: they are not stored.
    const stored = await api.request('GET', `${CMS}/warned`);
    assert.equal(stored.json?.extra, undefined, stored.text);
    assert.equal((stored.json?.metadata as Record<string, unknown>).bogus, undefined, stored.text);
    assert.deepEqual(stored.json?.data, { a: '1' });
    assert.equal((await api.request('DELETE', `${CMS}/warned`)).status, 200);
  });

  it('a duplicate field with fieldValidation=Strict is 400', async () => {
    const r = await post('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1"},"data":{"b":"2"}}', 'application/json', '?fieldValidation=Strict');
    // Keep the later "nothing was stored" check about the other requests if this one is wrongly accepted.
    if (r.status === 201) await api.request('DELETE', `${CMS}/dup`);
    const s = statusOf(r, 400);
    assert.match(s.message, /strict decoding error: .*duplicate field "data"/);
  });

  it('a body over 3 MiB is 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 1) } });
    const s = statusOf(await post(big), 413);
    assert.equal(s.reason, 'RequestEntityTooLarge');
  });

  it('a watch with a malformed resourceVersion is 400 before the stream starts', async () => {
    const r = await api.request('GET', `${CMS}?watch=true&resourceVersion=not-a-number&timeoutSeconds=1`);
    const s = statusOf(r, 400);
    assert.match(s.message, /resource version/i);
    const list = await api.request('GET', `${CMS}?resourceVersion=abc`);
    statusOf(list, 400);
  });

  it('a watch from a compacted resourceVersion ends with 410 Expired', async () => {
    // History is compacted every 5 minutes upstream and here; nothing in the API compacts
    // on demand, so compact through the store while the launcher is down.
    for (let i = 0; i < 5; i++) {
      const r = await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `churn-${i}` } }));
      assert.equal(r.status, 201, r.text);
      assert.equal((await api.request('DELETE', `${CMS}/churn-${i}`)).status, 200);
    }
    const list = await api.request('GET', CMS);
    const oldRV = Number((list.json?.metadata as { resourceVersion: string }).resourceVersion) - 8;
    api.close();
    await cluster.kill9();
    const store = await openSqliteStore({ path: join(cluster.dataDir, 'store.db'), compactIntervalMs: 0 });
    try {
      await store.compact((await store.currentRevision()) - 1);
    } finally {
      await store.close();
    }
    await cluster.restart();
    api = rawClient(cluster.kubeconfig);
    const w = await api.watch(`${CMS}?watch=true&resourceVersion=${oldRV}`, (events) => events.some((e) => e.type === 'ERROR'), 10_000);
    if (w.status === 410) {
      assert.match(w.body, /"reason":"Expired"/);
    } else {
      assert.equal(w.status, 200, w.body);
      const err = w.events.find((e) => e.type === 'ERROR');
      assert.ok(err, `an ERROR event, got ${w.body}`);
      assert.equal(err.object.code, 410);
      assert.equal(err.object.reason, 'Expired');
      assert.match(String(err.object.message), /too old resource version/);
    }
    // A list at that exact resourceVersion is 410 too.
    const exact = await api.request('GET', `${CMS}?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
    statusOf(exact, 410);
  });

  it('anonymous requests: /api is refused, /healthz /readyz /livez and /version are open', async () => {
    const denied = await api.request('GET', '/api', { anonymous: true });
    assert.ok(denied.status === 401 || denied.status === 403, `got ${denied.status}: ${denied.text}`);
    const list = await api.request('GET', CMS, { anonymous: true });
    assert.ok(list.status === 401 || list.status === 403, `got ${list.status}: ${list.text}`);
    for (const path of ['/healthz', '/readyz', '/livez']) {
      const r = await api.request('GET', path, { anonymous: true });
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      assert.equal(r.text, 'ok');
    }
    const version = await api.request('GET', '/version', { anonymous: true });
    assert.equal(version.status, 200);
    assert.equal(version.json?.minor, '34');
    const write = await api.request('POST', CMS, { anonymous: true, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'anon' } }) });
    assert.ok(write.status === 401 || write.status === 403, `got ${write.status}: ${write.text}`);
  });

  it('unknown paths and methods: 404 and 405', async () => {
    statusOf(await api.request('GET', '/api/v1/nosuchresources'), 404);
    statusOf(await api.request('GET', '/apis/nosuch.group/v1'), 404);
    statusOf(await api.request('GET', `${CMS}/does-not-exist`), 404);
    statusOf(await api.request('PATCH', `${CMS}/does-not-exist`, { body: '{}', headers: { 'Content-Type': 'application/merge-patch+json' } }), 404);
    statusOf(await api.request('PUT', CMS, { body: '{}' }), 405);
  });

  it('afterwards the server still answers and nothing was stored', async () => {
    assert.equal((await api.request('GET', '/readyz')).text, 'ok');
    const list = await api.request('GET', CMS);
    assert.equal(list.status, 200);
    const names = (list.json?.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    assert.deepEqual(names.filter((n) => n !== 'kube-root-ca.crt'), []);
    const all = await api.request('GET', '/api/v1/configmaps');
    const everywhere = (all.json?.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    for (const n of ['wrong-kind', 'wrong-version', 'Not_Valid!', 'strict', 'dup', 'big', 'anon', 'other-ns']) assert.ok(!everywhere.includes(n), n);
    const namespaces = await api.request('GET', '/api/v1/namespaces');
    assert.ok(!(namespaces.json?.items as { metadata: { name: string } }[]).some((n) => n.metadata.name === 'has.dots'));
    // And the write path still works.
    const ok = await post(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'still-fine' } }));
    assert.equal(ok.status, 201, ok.text);
  });
});
