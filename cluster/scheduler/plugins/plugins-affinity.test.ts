/** InterPodAffinity, PodTopologySpread, VolumeBinding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { Selector } from '../../api/labels.js';
import { CycleState } from '../types.js';
import { infoOf, testCache, testNode, testPod } from '../testing.js';
import { InterPodAffinity, ERR_AFFINITY, ERR_ANTI_AFFINITY, ERR_EXISTING_ANTI_AFFINITY } from './inter-pod-affinity.js';
import { PodTopologySpread, ERR_SPREAD, ERR_SPREAD_MISSING_LABEL } from './pod-topology-spread.js';
import { VolumeBinding, ERR_VOLUME_NODE_CONFLICT, ERR_UNBOUND_IMMEDIATE } from './volume-binding.js';

const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });

test('InterPodAffinity: required affinity, anti-affinity, existing anti-affinity, first-pod exception', () => {
  const db = testPod('db', '1', {}, { app: 'db' });
  const loner = testPod('loner', '1', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } } }, { app: 'loner' });
  const c = testCache([testNode('a', { labels: zone('z1') }), testNode('b', { labels: zone('z2') }), testNode('c', { labels: zone('z2') })], [[db, 'a'], [loner, 'c']]);
  const pl = new InterPodAffinity();
  const nearDb = testPod('web', '1', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'db' } } }] } } }, { app: 'web' });
  let st = new CycleState();
  assert.equal(pl.preFilter(st, nearDb, c), null);
  assert.equal(pl.filter(st, nearDb, infoOf(c, 'a')), null);
  assert.deepEqual(pl.filter(st, nearDb, infoOf(c, 'b')), { code: 'UnschedulableAndUnresolvable', reasons: [ERR_AFFINITY] });
  // c hosts a pod whose anti-affinity rejects app=web.
  const plainWeb = testPod('web2', '1', {}, { app: 'web' });
  st = new CycleState();
  pl.preFilter(st, plainWeb, c);
  assert.deepEqual(pl.filter(st, plainWeb, infoOf(c, 'c'))?.reasons, [ERR_EXISTING_ANTI_AFFINITY]);
  assert.equal(pl.filter(st, plainWeb, infoOf(c, 'b')), null);
  const awayFromDb = testPod('x', '1', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'db' } } }] } } });
  st = new CycleState();
  pl.preFilter(st, awayFromDb, c);
  assert.deepEqual(pl.filter(st, awayFromDb, infoOf(c, 'a'))?.reasons, [ERR_ANTI_AFFINITY]);
  // No pod matches anywhere, but the pod matches its own term: allowed (first of its group).
  const first = testPod('f', '1', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'cache' } } }] } } }, { app: 'cache' });
  st = new CycleState();
  pl.preFilter(st, first, c);
  assert.equal(pl.filter(st, first, infoOf(c, 'b')), null);
});

test('InterPodAffinity scores preferred affinity by topology and normalizes min-max', () => {
  const c = testCache([testNode('a', { labels: zone('z1') }), testNode('b', { labels: zone('z2') })], [[testPod('db', '1', {}, { app: 'db' }), 'a']]);
  const pl = new InterPodAffinity();
  const p = testPod('p', '1', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'db' } } } }] } } });
  const st = new CycleState();
  assert.equal(pl.preScore(st, p, c.list(), c), null);
  const scores = Float64Array.from(c.list().map((n) => pl.score(st, p, n)));
  pl.normalizeScore(st, p, c.list(), scores);
  assert.deepEqual([...scores], [100, 0]);
});

test('PodTopologySpread filter enforces maxSkew and requires the topology label', () => {
  const web = (n: string) => testPod(n, '1', {}, { app: 'web' });
  const c = testCache([testNode('a', { labels: zone('z1') }), testNode('b', { labels: zone('z2') }), testNode('nolabel')], [[web('w1'), 'a'], [web('w2'), 'a']]);
  const pl = new PodTopologySpread();
  const p = testPod('p', '1', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] }, { app: 'web' });
  const st = new CycleState();
  assert.equal(pl.preFilter(st, p, c), null);
  assert.deepEqual(pl.filter(st, p, infoOf(c, 'a')), { code: 'Unschedulable', reasons: [ERR_SPREAD] });
  assert.equal(pl.filter(st, p, infoOf(c, 'b')), null);
  assert.equal(pl.filter(st, p, infoOf(c, 'nolabel'))?.reasons[0], ERR_SPREAD_MISSING_LABEL);
});

test('PodTopologySpread system defaults spread pods of the same owner, preferring emptier nodes', () => {
  const web = (n: string) => testPod(n, '1', {}, { app: 'web' });
  const c = testCache([testNode('a', { labels: zone('z1') }), testNode('b', { labels: zone('z1') })], [[web('w1'), 'a'], [web('w2'), 'a']]);
  const pl = new PodTopologySpread(() => new Selector([{ key: 'app', operator: 'Equals', values: ['web'] }]));
  const p = web('new');
  const st = new CycleState();
  assert.equal(pl.preScore(st, p, c.list(), c), null);
  const scores = Float64Array.from(c.list().map((n) => pl.score(st, p, n)));
  pl.normalizeScore(st, p, c.list(), scores);
  assert.ok(scores[1] > scores[0], `b should win: ${[...scores]}`);
  assert.equal(new PodTopologySpread().preScore(new CycleState(), p, c.list(), c)?.code, 'Skip');
});

test('VolumeBinding: bound PV node affinity, missing and unbound immediate claims', () => {
  const pv: PersistentVolume = { metadata: { name: 'pv1' }, spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['a'] }] }] } } } };
  const claims: Record<string, PersistentVolumeClaim> = {
    'default/bound': { metadata: { name: 'bound' }, spec: { volumeName: 'pv1' } },
    'default/pending': { metadata: { name: 'pending' }, spec: { storageClassName: 'standard' } },
  };
  const pl = new VolumeBinding({ claim: (ns, n) => claims[`${ns}/${n}`], volume: (n) => (n === 'pv1' ? pv : undefined), storageClass: () => ({ metadata: { name: 'standard' }, provisioner: 'x', volumeBindingMode: 'Immediate' }) });
  const c = testCache([testNode('a'), testNode('b')]);
  const using = (claim: string) => testPod('p', '1', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] });
  const st = new CycleState();
  assert.equal(pl.preFilter(st, using('bound')), null);
  assert.equal(pl.filter(st, using('bound'), infoOf(c, 'a')), null);
  assert.deepEqual(pl.filter(st, using('bound'), infoOf(c, 'b')), { code: 'UnschedulableAndUnresolvable', reasons: [ERR_VOLUME_NODE_CONFLICT] });
  assert.deepEqual(pl.preFilter(new CycleState(), using('nope'))?.reasons, ['persistentvolumeclaim "nope" not found']);
  assert.deepEqual(pl.preFilter(new CycleState(), using('pending'))?.reasons, [ERR_UNBOUND_IMMEDIATE]);
  assert.equal(pl.preFilter(new CycleState(), testPod('novol'))?.code, 'Skip');
});
