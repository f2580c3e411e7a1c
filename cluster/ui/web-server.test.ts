import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { launchCluster, type LaunchedCluster } from '../../test/support/cluster.js';
import type { ApiObject, BridgeReply, DrainResult, ExplorerWatchEvent, NodeControls, ResourceKind, StoreEvent, StoreInfo, StoreKeyList, StoreKeyMeta, StoreValue } from './explorer-api.js';

/** A minimal bridge client over the web-mode WebSocket, as the renderer's web client speaks it. */
class TestClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: BridgeReply) => void>();
  readonly events = new Map<number, ExplorerWatchEvent[]>();
  readonly storeEvents = new Map<number, StoreEvent[]>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const reply = JSON.parse(String(raw)) as BridgeReply;
      if ('event' in reply) this.events.get(reply.event)?.push(reply.data);
      else if ('storeEvent' in reply) this.storeEvents.get(reply.storeEvent)?.push(...reply.data);
      else if ('log' in reply || 'exec' in reply || 'status' in reply) return;
      else this.pending.get(reply.id)?.(reply);
    });
  }
  static open(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  async call<T>(method: string, ...args: unknown[]): Promise<{ id: number; value: T }> {
    const id = this.nextId++;
    if (method === 'watch') this.events.set(id, []);
    if (method === 'watchStore') this.storeEvents.set(id, []);
    const reply = await new Promise<BridgeReply>((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, args }));
    });
    if (!('id' in reply)) throw new Error('unexpected event');
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
    return { id, value: reply.value as T };
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };

describe('web mode: `kubarium up --ui` and its WebSocket bridge', () => {
  let cluster: LaunchedCluster;
  let uiUrl: URL;
  let client: TestClient;

  before(async () => {
    cluster = await launchCluster({ args: ['--hollow-nodes', '2', '--ui'] });
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    uiUrl = new URL(line[1]);
    client = await TestClient.open(`ws://${uiUrl.host}/bridge?token=${uiUrl.searchParams.get('token')}`);
  });
  after(async () => {
    client?.ws.terminate();
    await cluster?.stop();
  });

  it('prints a loopback URL with a token and refuses a WebSocket without it', async () => {
    assert.equal(uiUrl.hostname, '127.0.0.1');
    assert.ok((uiUrl.searchParams.get('token') ?? '').length >= 32);
    await assert.rejects(TestClient.open(`ws://${uiUrl.host}/bridge?token=wrong`), /401/);
    await assert.rejects(TestClient.open(`ws://${uiUrl.host}/bridge`), /401/);
  });

  it('discovers kinds with group, version, resource and scope', async () => {
    const { value: kinds } = await client.call<ResourceKind[]>('listResources');
    const find = (group: string, resource: string) => kinds.find((k) => k.group === group && k.resource === resource);
    assert.deepEqual({ ...find('', 'pods'), verbs: undefined, shortNames: undefined }, { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: undefined, shortNames: undefined });
    assert.equal(find('apps', 'deployments')?.namespaced, true);
    assert.equal(find('', 'nodes')?.namespaced, false);
    assert.ok(!kinds.some((k) => k.resource.includes('/')), 'no subresources');
  });

  it('lists the two hollow nodes', async () => {
    const deadline = Date.now() + 30_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      const { value } = await client.call<ApiObject[]>('list', NODES);
      names = value.map((n) => n.metadata?.name ?? '');
      if (names.length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(names.length, 2, `nodes: ${names.join(', ')}`);
  });

  it('a watch starts with the current state as ADDED events (list, then watch)', async () => {
    const { id } = await client.call<null>('watch', NODES, null);
    const added = await until('two ADDED nodes', () => {
      const names = (client.events.get(id) ?? []).flatMap((e) => (e.type === 'ADDED' ? [e.object.metadata?.name] : []));
      return names.length >= 2 ? names : undefined;
    });
    assert.deepEqual([...new Set(added)].sort(), ['hollow-node-0', 'hollow-node-1']);
    await client.call<null>('unwatch', id);
  });

  it('watches pods: a pod applied through the bridge arrives as ADDED, its deletion as DELETED; field errors come back with causes', async () => {
    const { id } = await client.call<null>('watch', PODS, 'default');
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-mode-pod\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox\n`;
    const { value: outcomes } = await client.call<{ ok: boolean }[]>('apply', pod);
    assert.deepEqual(outcomes.map((o) => o.ok), [true]);
    const seen = (type: string) => client.events.get(id)?.find((e) => e.type === type && 'object' in e && e.object.metadata?.name === 'web-mode-pod');
    await until('ADDED web-mode-pod', () => seen('ADDED'));

    const { value: got } = await client.call<ApiObject>('get', PODS, 'default', 'web-mode-pod');
    assert.equal(got.metadata?.name, 'web-mode-pod');

    const bad = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: -1\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: busybox}]}\n`;
    const { value: failed } = await client.call<{ ok: false; error: { code: number; causes: { field?: string }[] } }[]>('apply', bad);
    assert.equal(failed[0].ok, false);
    assert.equal(failed[0].error.code, 422);
    assert.ok(failed[0].error.causes.some((c) => c.field === 'spec.replicas'), JSON.stringify(failed[0].error));

    await client.call<null>('delete', PODS, 'default', 'web-mode-pod');
    await until('DELETED web-mode-pod', () => seen('DELETED'), 60_000);
    await client.call<null>('unwatch', id);
  });

  it('the store view: keys with revisions, a Secret as stored ciphertext and decrypted on request, history, time travel, live events', async () => {
    const { value: info } = await client.call<StoreInfo>('storeInfo');
    assert.equal(info.backend, 'sqlite');
    assert.ok(info.revision > 1);

    const { id } = await client.call<null>('watchStore', '/registry/');
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: store-view-cm\n  namespace: default\ndata:\n  k: ${data}\n`;
    await client.call('apply', cm('one'));
    await client.call('apply', cm('two'));
    const key = '/registry/configmaps/default/store-view-cm';
    const puts = await until('two PUTs of the ConfigMap', () => {
      const mine = (client.storeEvents.get(id) ?? []).filter((e) => e.key === key && e.type === 'PUT');
      return mine.length >= 2 ? mine : undefined;
    });
    assert.deepEqual(puts.map((e) => e.version), [1, 2]);
    assert.equal(puts[1].prevModRevision, puts[0].modRevision);
    await client.call<null>('unwatch', id);

    const { value: list } = await client.call<StoreKeyList>('storeKeys', '/registry/');
    assert.ok(list.keys.some((k) => k.key === '/registry/namespaces/default'));
    const meta = list.keys.find((k) => k.key === key);
    assert.equal(meta?.version, 2);

    const { value: now } = await client.call<StoreValue>('storeValue', key);
    assert.equal(now.encoding, 'json');
    assert.match(now.text, /"k": "two"/);
    // Time travel: the key as of the first write, and the whole prefix as of the revision before it existed.
    const { value: then } = await client.call<StoreValue>('storeValue', key, puts[0].modRevision);
    assert.match(then.text, /"k": "one"/);
    const { value: before } = await client.call<StoreKeyList>('storeKeys', '/registry/configmaps/', puts[0].modRevision - 1);
    assert.equal(before.revision, puts[0].modRevision - 1);
    assert.ok(!before.keys.some((k) => k.key === key));

    const { value: history } = await client.call<StoreKeyMeta[]>('storeHistory', key);
    assert.deepEqual(history.map((h) => [h.version, h.modRevision]), [[2, puts[1].modRevision], [1, puts[0].modRevision]]);

    await client.call('apply', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: store-view-secret\n  namespace: default\nstringData:\n  password: hunter2\n`);
    const secretKey = '/registry/secrets/default/store-view-secret';
    const { value: sealed } = await client.call<StoreValue>('storeValue', secretKey);
    assert.equal(sealed.encoding, 'encrypted');
    assert.match(sealed.text, /^k8s:enc:aesgcm:v1:key1:[A-Za-z0-9+/=]+$/);
    assert.ok(!sealed.text.includes('aHVudGVyMg'), 'no plaintext in the stored value');
    const { value: opened } = await client.call<StoreValue>('storeValue', secretKey, null, true);
    assert.equal(opened.decrypted, true);
    assert.match(opened.text, /"password": "aHVudGVyMg=="/);
  });

  it('node actions: cordon and uncordon, drain by eviction, hollow nodes added; container actions refused without --nodes', async () => {
    const { value: controls } = await client.call<NodeControls>('nodeControls');
    assert.deepEqual(controls, { containers: null, hollowNodes: true });
    await assert.rejects(client.call('stopNode', 'hollow-node-0'), /runs no node containers/);

    const { value: added } = await client.call<string[]>('addHollowNodes', 1);
    assert.equal(added.length, 1);
    const { value: nodes } = await client.call<ApiObject[]>('list', NODES);
    assert.ok(nodes.some((n) => n.metadata?.name === added[0]), `${added[0]} registered`);

    await client.call('cordonNode', 'hollow-node-1', true);
    const { value: cordoned } = await client.call<ApiObject>('get', NODES, null, 'hollow-node-1');
    assert.equal((cordoned.spec as { unschedulable?: boolean }).unschedulable, true);
    await client.call('cordonNode', 'hollow-node-1', false);
    const { value: uncordoned } = await client.call<ApiObject>('get', NODES, null, 'hollow-node-1');
    assert.equal((uncordoned.spec as { unschedulable?: boolean }).unschedulable, undefined);

    // A pod bound to hollow-node-0 (no scheduler needed), then drained away by eviction.
    await client.call('apply', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: drain-me\n  namespace: default\nspec:\n  nodeName: hollow-node-0\n  containers: [{name: c, image: busybox}]\n`);
    const { value: drained } = await client.call<DrainResult>('drainNode', 'hollow-node-0');
    assert.ok(drained.evicted.includes('default/drain-me'), JSON.stringify(drained));
    assert.deepEqual(drained.failed, []);
    const { value: node0 } = await client.call<ApiObject>('get', NODES, null, 'hollow-node-0');
    assert.equal((node0.spec as { unschedulable?: boolean }).unschedulable, true);
    await client.call('cordonNode', 'hollow-node-0', false);
  });
});
