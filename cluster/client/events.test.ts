import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { EventRecorder } from './events.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';

const server = new FakeApiServer();
let client: RestClient;
before(async () => {
  client = new RestClient({ server: await server.start() });
});
after(async () => {
  client.close();
  await server.stop();
});

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '5' } };
const eventWrites = () => server.requests.filter((r) => r.path.includes('/events'));

test('first occurrence creates an Event; repeats within 10 minutes patch count and lastTimestamp', async () => {
  let now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const rec = new EventRecorder({ client, component: 'default-scheduler', now: () => now });
  const before = eventWrites().length;
  rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  now += 30_000;
  rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  now += 30_000;
  rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to n1');
  await rec.flush();
  const writes = eventWrites().slice(before);
  assert.deepEqual(writes.map((w) => w.method), ['POST', 'PATCH', 'PATCH', 'POST']);
  assert.equal(writes[1].contentType, 'application/merge-patch+json');

  const created = writes[0].body as Event;
  assert.match(created.metadata?.name ?? '', /^web-1\.[0-9a-f]+$/);
  assert.equal(created.metadata?.namespace, 'shop');
  assert.deepEqual(created.involvedObject, { kind: 'Pod', apiVersion: 'v1', name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '5' });
  assert.deepEqual(created.source, { component: 'default-scheduler' });
  assert.equal(created.reportingComponent, 'default-scheduler');
  assert.equal(created.firstTimestamp, '2025-01-01T12:00:00Z');
  assert.equal(created.count, 1);

  const stored = server.getObject('events', 'shop', created.metadata!.name!) as unknown as Event;
  assert.equal(stored.count, 3);
  assert.equal(stored.firstTimestamp, '2025-01-01T12:00:00Z');
  assert.equal(stored.lastTimestamp, '2025-01-01T12:01:00Z');
  assert.notEqual((writes[3].body as Event).metadata?.name, created.metadata?.name);
});

test('after the 10-minute window a new Event is created; cluster-scoped objects go to default', async () => {
  let now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
  const rec = new EventRecorder({ client, component: 'kubelet', host: 'n1', now: () => now });
  const before = eventWrites().length;
  rec.event(node, 'Normal', 'NodeReady', 'Node n1 status is now: NodeReady');
  now += 11 * 60_000;
  rec.event(node, 'Normal', 'NodeReady', 'Node n1 status is now: NodeReady');
  await rec.flush();
  const writes = eventWrites().slice(before);
  assert.deepEqual(writes.map((w) => `${w.method} ${w.path}`), ['POST /api/v1/namespaces/default/events', 'POST /api/v1/namespaces/default/events']);
  assert.deepEqual((writes[0].body as Event).source, { component: 'kubelet', host: 'n1' });
  assert.equal((writes[0].body as Event).reportingInstance, 'n1');
});

test('an Event deleted meanwhile is created again; objects without kind are not recorded', async () => {
  const logs: string[] = [];
  const rec = new EventRecorder({ client, component: 'c', log: (l) => logs.push(l) });
  rec.event(pod, 'Normal', 'Pulled', 'image pulled');
  await rec.flush();
  const name = (eventWrites().at(-1)!.body as Event).metadata!.name!;
  server.remove('events', 'shop', name);
  rec.event(pod, 'Normal', 'Pulled', 'image pulled');
  await rec.flush();
  const recreated = server.getObject('events', 'shop', name) as unknown as Event;
  assert.equal(recreated.count, 2);

  rec.event({ metadata: { name: 'x' } }, 'Normal', 'R', 'm');
  await rec.flush();
  assert.match(logs.join('\n'), /not recording R/);
});
