import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatMilliQuantity, setCondition } from './conditions.js';
import { milliValue, parseGoDuration, podMetricsFromItems } from './metrics.js';
import type { PodMetricsInfo } from './metrics.js';
import { ScalingHistory, completeBehavior, convertDesiredReplicasWithRules, normalizeDesiredReplicas, normalizeWithBehaviors, storeScaleEvent } from './normalize.js';
import { groupPods, rawResourceReplicas, resourceReplicas } from './replica-calculator.js';

const T0 = Date.parse('2025-01-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A running, ready pod started long ago, requesting `cpu` millicores. */
function pod(name: string, cpuRequest = 100, extra: { phase?: string; ready?: boolean; startedAgoMs?: number; readySinceAgoMs?: number; deleting?: boolean } = {}): Pod {
  const started = T0 - (extra.startedAgoMs ?? 3_600_000);
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: iso(T0) } : {}) },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: `${cpuRequest}m`, memory: '100Mi' } } }] },
    status: {
      phase: extra.phase ?? 'Running',
      startTime: iso(started),
      conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True', lastTransitionTime: iso(T0 - (extra.readySinceAgoMs ?? 3_000_000)) }],
    },
  };
}

const metrics = (values: Record<string, number>, timestamp = T0): PodMetricsInfo => new Map(Object.entries(values).map(([k, v]) => [k, { timestamp, windowMs: 30_000, value: v }]));
const opts = { now: T0 };

test('metrics helpers: milli values, Go durations, PodMetrics items, DecimalSI text', () => {
  assert.equal(milliValue('250m'), 250);
  assert.equal(milliValue('1'), 1000);
  assert.equal(milliValue('0.3'), 300);
  assert.equal(milliValue('1Ki'), 1_024_000);
  assert.equal(parseGoDuration('30s'), 30_000);
  assert.equal(parseGoDuration('1m0.5s'), 60_500);
  const m = podMetricsFromItems(
    [
      { metadata: { name: 'a' }, timestamp: iso(T0), window: '30s', containers: [{ name: 'x', usage: { cpu: '100m' } }, { name: 'y', usage: { cpu: '50m' } }] },
      { metadata: { name: 'b' }, containers: [{ name: 'x', usage: { memory: '1Mi' } }] },
      { metadata: { name: 'c' }, containers: [] },
    ],
    'cpu',
  );
  assert.deepEqual([...m.keys()], ['a']);
  assert.equal(m.get('a')!.value, 150);
  assert.equal(formatMilliQuantity(250), '250m');
  assert.equal(formatMilliQuantity(1000), '1');
  assert.equal(formatMilliQuantity(1500), '1500m');
  assert.equal(formatMilliQuantity(128_000_000_000), '128M');
});

test('utilization: scale up by the usage ratio, within tolerance no change', () => {
  const pods = [pod('a'), pod('b'), pod('c')];
  // 3 pods at 100% of a 100m request against a 50% target: ratio 2 → 6.
  const up = resourceReplicas({ currentReplicas: 3, resource: 'cpu', metrics: metrics({ a: 100, b: 100, c: 100 }), pods }, 50, opts);
  assert.deepEqual(up, { replicas: 6, utilization: 100, rawAverage: 100 });
  const same = resourceReplicas({ currentReplicas: 3, resource: 'cpu', metrics: metrics({ a: 52, b: 54, c: 53 }), pods }, 50, opts);
  assert.equal(same.replicas, 3);
  const down = resourceReplicas({ currentReplicas: 3, resource: 'cpu', metrics: metrics({ a: 10, b: 10, c: 10 }), pods }, 50, opts);
  assert.equal(down.replicas, 1);
});

test('utilization: missing pods count as 100% on scale-down and 0 on scale-up; unready pods 0 on scale-up', () => {
  const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
  // Scale-down with d missing: d counted at 100% → (10+10+10+100)/400 = 32% vs 50 → ratio 0.64 → ceil(0.64*4)=3.
  assert.equal(resourceReplicas({ currentReplicas: 4, resource: 'cpu', metrics: metrics({ a: 10, b: 10, c: 10 }), pods }, 50, opts).replicas, 3);
  // Scale-up with d missing: d at 0 → (100*3)/400 = 75% → 1.5 → 6.
  assert.equal(resourceReplicas({ currentReplicas: 4, resource: 'cpu', metrics: metrics({ a: 100, b: 100, c: 100 }), pods }, 50, opts).replicas, 6);
  // An unready (never ready, still warming) pod is ignored for the first ratio and counted as 0 for a scale-up.
  const withUnready = [pod('a'), pod('b'), pod('u', 100, { ready: false, startedAgoMs: 10_000, readySinceAgoMs: 10_000 })];
  const g = groupPods(withUnready, metrics({ a: 100, b: 100, u: 500 }), 'cpu', opts);
  assert.deepEqual([...g.unreadyPods], ['u']);
  assert.equal(resourceReplicas({ currentReplicas: 3, resource: 'cpu', metrics: metrics({ a: 100, b: 100, u: 500 }), pods: withUnready }, 50, opts).replicas, 4);
  // Pending and deleting pods.
  const g2 = groupPods([pod('p', 100, { phase: 'Pending' }), pod('x', 100, { deleting: true }), pod('f', 100, { phase: 'Failed' })], new Map(), 'cpu', opts);
  assert.deepEqual([...g2.unreadyPods], ['p']);
  assert.deepEqual([...g2.ignoredPods].sort(), ['f', 'x']);
});

test('utilization errors: no pods, no metrics for ready pods, missing requests', () => {
  assert.throws(() => resourceReplicas({ currentReplicas: 1, resource: 'cpu', metrics: metrics({}), pods: [] }, 50, opts), /no pods returned by selector/);
  assert.throws(() => resourceReplicas({ currentReplicas: 1, resource: 'cpu', metrics: metrics({}), pods: [pod('a', 100, { phase: 'Pending' })] }, 50, opts), /did not receive metrics/);
  const noReq: Pod = { ...pod('a'), spec: { containers: [{ name: 'c' }] } };
  assert.throws(() => resourceReplicas({ currentReplicas: 1, resource: 'cpu', metrics: metrics({ a: 10 }), pods: [noReq] }, 50, opts), /missing request for cpu in container c of Pod a/);
});

test('AverageValue targets use the average usage per pod', () => {
  const pods = [pod('a'), pod('b')];
  const r = rawResourceReplicas({ currentReplicas: 2, resource: 'memory', metrics: metrics({ a: 300_000, b: 500_000 }), pods }, 200_000, opts);
  assert.deepEqual(r, { replicas: 4, rawAverage: 400_000 });
});

test('legacy normalization: min/max and the 2x/4 scale-up limit with the ScalingLimited reasons', () => {
  assert.deepEqual(convertDesiredReplicasWithRules(1, 10, 1, 10), { replicas: 4, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  assert.equal(convertDesiredReplicasWithRules(3, 10, 1, 5).reason, 'TooManyReplicas');
  assert.equal(convertDesiredReplicasWithRules(3, 0, 2, 5).replicas, 2);
  assert.equal(convertDesiredReplicasWithRules(3, 4, 1, 5).reason, 'DesiredWithinRange');
});

test('scale-down stabilization keeps the highest recommendation of the window (300 s)', () => {
  const h = new ScalingHistory();
  h.recordInitial(5, T0);
  let n = normalizeDesiredReplicas(h, 5, 2, 1, 10, 300_000, T0 + 15_000);
  assert.equal(n.desiredReplicas, 5);
  assert.deepEqual(n.conditions[0], { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
  n = normalizeDesiredReplicas(h, 5, 3, 1, 10, 300_000, T0 + 200_000);
  assert.equal(n.desiredReplicas, 5);
  // Past the window, only the recommendations of the last 300 s count (2 at +15 s is gone by +320 s; 3 at +200 s remains).
  n = normalizeDesiredReplicas(h, 5, 2, 1, 10, 300_000, T0 + 320_000);
  assert.equal(n.desiredReplicas, 3);
  n = normalizeDesiredReplicas(h, 3, 2, 1, 10, 300_000, T0 + 600_000);
  assert.equal(n.desiredReplicas, 2);
  assert.equal(n.conditions[0].reason, 'ReadyForNewScale');
});

test('behavior: stabilization windows and Pods/Percent policies with selectPolicy', () => {
  const b = completeBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }] } }, 300_000);
  assert.equal(b.scaleUp.stabilizationWindowSeconds, 0);
  assert.equal(b.scaleUp.policies?.length, 2);
  const h = new ScalingHistory();
  // Max (default): the biggest change allowed → 50% of 10 = 5 down.
  let n = normalizeWithBehaviors(h, 10, 1, 1, 20, b, T0);
  assert.equal(n.desiredReplicas, 5);
  assert.equal(n.conditions[1].reason, 'ScaleDownLimit');
  storeScaleEvent(h, b, 10, 5, T0);
  // Within the period, the 5 already removed count against the budget: start 10 → limit 5 (Percent) → no further change.
  n = normalizeWithBehaviors(h, 5, 1, 1, 20, b, T0 + 10_000);
  assert.equal(n.desiredReplicas, 5);
  // Min: the smallest change → 1 pod at a time.
  const min = completeBehavior({ scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: b.scaleDown.policies } }, 300_000);
  assert.equal(normalizeWithBehaviors(new ScalingHistory(), 10, 1, 1, 20, min, T0).desiredReplicas, 9);
  // Disabled: no scale-down at all.
  const off = completeBehavior({ scaleDown: { selectPolicy: 'Disabled' } }, 300_000);
  assert.equal(normalizeWithBehaviors(new ScalingHistory(), 10, 1, 1, 20, off, T0).desiredReplicas, 10);
  // Scale-up defaults: max(+4 pods, +100%) per 15 s.
  const up = completeBehavior({}, 300_000);
  assert.equal(normalizeWithBehaviors(new ScalingHistory(), 2, 50, 1, 100, up, T0).desiredReplicas, 6);
  assert.equal(normalizeWithBehaviors(new ScalingHistory(), 10, 50, 1, 100, up, T0).desiredReplicas, 20);
  // The default scale-down window (300 s) stabilizes.
  const hs = new ScalingHistory();
  hs.recordInitial(8, T0);
  assert.equal(normalizeWithBehaviors(hs, 8, 2, 1, 100, up, T0 + 30_000).desiredReplicas, 8);
});

test('setCondition keeps lastTransitionTime unless the status flips', () => {
  const list: Parameters<typeof setCondition>[0] = [];
  setCondition(list, 'ScalingActive', 'False', 'FailedGetResourceMetric', 'x', T0);
  setCondition(list, 'ScalingActive', 'False', 'FailedGetResourceMetric', 'y', T0 + 1000);
  assert.equal(list[0].lastTransitionTime, '2025-01-01T12:00:00Z');
  assert.equal(list[0].message, 'y');
  setCondition(list, 'ScalingActive', 'True', 'ValidMetricFound', 'z', T0 + 2000);
  assert.equal(list[0].lastTransitionTime, '2025-01-01T12:00:02Z');
});
