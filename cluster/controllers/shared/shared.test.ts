import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Selector, selectorFromLabelSelector } from '../../api/labels.js';
import { claimDecision } from './controller-ref.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
import { computeHash, fnv32a, safeEncodeString } from './hash.js';
import { scaledValueFromIntOrPercent } from './int-or-percent.js';
import { podsToDelete } from './pod-ranking.js';
import { isPodAvailable } from './pod-status.js';
import { equalIgnoreHash, podFromTemplate } from './pod-template.js';
import { slowStartBatch } from './slow-start.js';

test('fnv32a matches the reference vectors; SafeEncodeString maps bytes onto the vowel-free alphabet', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
  // '0' is byte 48: 48 % 27 = 21 → '4'; '9' is 57 % 27 = 3 → 'f'.
  assert.equal(safeEncodeString('09'), '4f');
});

test('computeHash: stable for equal templates (key order, empty fields), changes with content and collisionCount', () => {
  const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c', env: [] }] }, metadata: { labels: { app: 'web' }, annotations: {} } };
  assert.equal(computeHash(a), computeHash(b));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.notEqual(computeHash(a), computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
});

test('equalIgnoreHash ignores only the pod-template-hash label', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  assert.ok(equalIgnoreHash(t, { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } }));
  assert.ok(!equalIgnoreHash(t, { ...t, metadata: { labels: { app: 'web', tier: 'x' } } }));
});

test('percentages: surge rounds up, unavailable rounds down', () => {
  assert.equal(scaledValueFromIntOrPercent('25%', 10, true), 3);
  assert.equal(scaledValueFromIntOrPercent('25%', 10, false), 2);
  assert.equal(scaledValueFromIntOrPercent(2, 10, false), 2);
  assert.equal(scaledValueFromIntOrPercent('3', 10, false), 3);
  assert.throws(() => scaledValueFromIntOrPercent('x%', 10, true));
});

const pod = (name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string } = {}): Pod => ({
  metadata: {
    name,
    namespace: 'ns',
    uid: `uid-${name}`,
    creationTimestamp: new Date(o.created ?? 0).toISOString(),
    annotations: o.cost ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : undefined,
  },
  spec: { nodeName: o.node, containers: [] },
  status: {
    phase: o.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: new Date(o.readySince ?? 0).toISOString() }],
    containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: !!o.ready, restartCount: o.restarts ?? 0 }],
  },
});

test('deletion ranking: unscheduled < scheduled, pending < running, not ready < ready, cost, doubled-up, young < old', () => {
  const now = 1_000_000_000;
  const pick = (pods: Pod[], related: Pod[] = []) => podsToDelete(pods, related, 1, now)[0].metadata!.name;
  assert.equal(pick([pod('sched', { node: 'n1', ready: true }), pod('unsched', { ready: true })]), 'unsched');
  assert.equal(pick([pod('running', { node: 'n', ready: true }), pod('pending', { node: 'n', phase: 'Pending' })]), 'pending');
  assert.equal(pick([pod('ready', { node: 'n', ready: true }), pod('notready', { node: 'n' })]), 'notready');
  assert.equal(pick([pod('dear', { node: 'n', ready: true, cost: '100' }), pod('cheap', { node: 'n', ready: true, cost: '-5' })]), 'cheap');
  const crowded = [pod('r1', { node: 'busy', ready: true }), pod('r2', { node: 'busy', ready: true })];
  assert.equal(pick([pod('alone', { node: 'quiet', ready: true }), pod('doubled', { node: 'busy', ready: true })], crowded), 'doubled');
  assert.equal(pick([pod('old', { node: 'n', ready: true, readySince: 1 }), pod('young', { node: 'n', ready: true, readySince: now - 10 })]), 'young');
  assert.equal(pick([pod('calm', { node: 'n', restarts: 0 }), pod('flaky', { node: 'n', restarts: 7 })]), 'flaky');
  assert.equal(pick([pod('older', { node: 'n', created: 1 }), pod('newer', { node: 'n', created: now - 5 })]), 'newer');
  assert.equal(podsToDelete([pod('a'), pod('b')], [], 5, now).length, 2);
});

test('isPodAvailable honours minReadySeconds', () => {
  const p = pod('p', { ready: true, readySince: 10_000 });
  assert.ok(isPodAvailable(p, 0, 10_000));
  assert.ok(!isPodAvailable(p, 5, 14_000));
  assert.ok(isPodAvailable(p, 5, 15_001));
  assert.ok(!isPodAvailable(pod('q'), 0, 0));
});

test('slowStartBatch: batches of 1, 2, 4, ... and stops after a failing batch', async () => {
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => {
    calls++;
  });
  assert.deepEqual(ok, { successes: 10 });
  assert.equal(calls, 10);
  calls = 0;
  const r = await slowStartBatch(10, 1, async () => {
    if (++calls >= 3) throw new Error('quota');
  });
  // Batch 1 (1 call) and batch 2 (2 calls: one fails) → stop before batch 3.
  assert.equal(calls, 3);
  assert.equal(r.successes, 2);
  assert.equal((r.error as Error).message, 'quota');
});

test('expectations: unsatisfied until observed; deletions counted once per pod; expire after 5 minutes', () => {
  let now = 0;
  const e = new ControllerExpectations(() => now);
  assert.ok(e.satisfied('ns/rs'));
  e.expectCreations('ns/rs', 2);
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));
  e.expectDeletions('ns/rs', ['ns/a']);
  e.deletionObserved('ns/rs', 'ns/other');
  assert.ok(!e.satisfied('ns/rs'));
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a');
  assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 0 });
  e.expectCreations('ns/rs', 1);
  now = EXPECTATIONS_TIMEOUT_MS + 1;
  assert.ok(e.satisfied('ns/rs'));
});

test('claimDecision: own, adopt, release, ignore as ControllerRefManager decides', () => {
  const owner = { metadata: { name: 'rs', namespace: 'ns', uid: 'u1' } };
  const sel = selectorFromLabelSelector({ matchLabels: { app: 'a' } });
  const ref = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid, controller: true }];
  const obj = (labels: Record<string, string>, refs?: ReturnType<typeof ref>, extra = {}) => ({ metadata: { namespace: 'ns', labels, ownerReferences: refs, ...extra } });
  assert.equal(claimDecision(owner, obj({ app: 'a' }, ref('u1')), sel), 'own');
  assert.equal(claimDecision(owner, obj({ app: 'b' }, ref('u1')), sel), 'release');
  assert.equal(claimDecision(owner, obj({ app: 'a' }, ref('u2')), sel), 'ignore');
  assert.equal(claimDecision(owner, obj({ app: 'a' }), sel), 'adopt');
  assert.equal(claimDecision(owner, obj({ app: 'a' }, undefined, { deletionTimestamp: 'now' }), sel), 'ignore');
  assert.equal(claimDecision({ metadata: { ...owner.metadata, deletionTimestamp: 'now' } }, obj({ app: 'a' }), sel), 'ignore');
  assert.equal(claimDecision(owner, obj({ app: 'a' }), Selector.nothing()), 'ignore');
});

test('podFromTemplate: generateName <owner>-, template labels, controller reference', () => {
  const p = podFromTemplate({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c' }] } }, 'web-abc', 'ns', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u', controller: true });
  assert.equal(p.metadata!.generateName, 'web-abc-');
  assert.deepEqual(p.metadata!.labels, { app: 'a' });
  assert.equal(p.metadata!.ownerReferences![0].uid, 'u');
});
