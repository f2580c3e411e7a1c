import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import type { RuntimeContainer } from '../runtime/types.js';
import { ProbeManager } from './probe-manager.js';
import type { Clock } from './probe-manager.js';
import type { ProbeTarget } from './probes.js';
import type { ProbeOutcome } from './types.js';

/** Timers fired in time order as the test advances the clock; probes (fake, immediate) settle in between. */
class FakeClock implements Clock {
  t = Date.parse('2025-01-01T00:00:00Z');
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.seq, { at: this.t + ms, fn });
    return this.seq;
  };
  clearTimeout = (h: unknown) => {
    this.timers.delete(h as number);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = [...this.timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

interface Harness {
  clock: FakeClock;
  m: ProbeManager;
  events: string[];
  kills: Array<[string, number]>;
  changes: number;
  probes: Array<{ type: string; at: number; id: string }>;
  /** What each probe kind answers next (by the probe's exec command[0]). */
  answer: Record<string, ProbeOutcome['result']>;
}

function harness(): Harness {
  const clock = new FakeClock();
  const h: Harness = { clock, m: undefined as unknown as ProbeManager, events: [], kills: [], changes: 0, probes: [], answer: {} };
  h.m = new ProbeManager({
    clock,
    killContainer: async (id, grace) => {
      h.kills.push([id, grace]);
    },
    onEvent: (_p, type, reason, message) => h.events.push(`${type} ${reason} ${message}`),
    run: async (probe: Probe, target: ProbeTarget) => {
      const kind = probe.exec!.command![0];
      h.probes.push({ type: kind, at: (clock.t - Date.parse('2025-01-01T00:00:00Z')) / 1000, id: target.containerId });
      const result = h.answer[kind] ?? 'success';
      return { result, output: result === 'failure' ? `${kind} said no` : '' };
    },
  });
  h.m.onChange(() => h.changes++);
  return h;
}

const probe = (kind: string, p: Partial<Probe> = {}): Probe => ({ exec: { command: [kind] }, periodSeconds: 1, ...p });

function podWith(c: Partial<Container>, grace = 7): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { terminationGracePeriodSeconds: grace, containers: [{ name: 'app', image: 'x', ...c }] } };
}

function running(id: string, startedAtMs: number): PodStatus {
  return { phase: 'Running', podIP: '10.0.0.5', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, containerID: `docker://${id}`, state: { running: { startedAt: new Date(startedAtMs).toISOString() } } }] };
}

const instance = (id: string): RuntimeContainer[] => [{ id, name: 'app', pod: { uid: 'u1', name: 'p', namespace: 'default' }, init: false, restartCount: 0, image: 'x', imageRef: 'x', state: 'running', createdAtMs: 0 }];

describe('ProbeManager', () => {
  test('readiness: initialDelaySeconds, then successThreshold and failureThreshold in a row; results only for the current instance', async () => {
    const h = harness();
    const pod = podWith({ readinessProbe: probe('ready', { initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 2, failureThreshold: 2 }) });
    h.m.sync(pod, running('c1', h.clock.t));
    assert.deepEqual(h.m.results(pod, instance('c1')), { readiness: {}, startup: {} }, 'nothing known before the first probe');
    await h.clock.advance(0);
    assert.equal(h.probes.length, 0, 'not probed within the initial delay');
    assert.deepEqual(h.m.results(pod, instance('c1')).readiness, { app: false });
    await h.clock.advance(10_000);
    assert.deepEqual(h.m.results(pod, instance('c1')).readiness, { app: false }, 'one success of two needed');
    await h.clock.advance(10_000);
    assert.deepEqual(h.m.results(pod, instance('c1')).readiness, { app: true });
    assert.equal(h.changes, 1);
    assert.deepEqual(h.probes.map((p) => p.at), [10, 20]);
    h.answer.ready = 'failure';
    await h.clock.advance(10_000);
    assert.deepEqual(h.m.results(pod, instance('c1')).readiness, { app: true }, 'one failure of two needed');
    await h.clock.advance(10_000);
    assert.deepEqual(h.m.results(pod, instance('c1')).readiness, { app: false });
    assert.deepEqual(h.events, ['Warning Unhealthy Readiness probe failed: ready said no', 'Warning Unhealthy Readiness probe failed: ready said no']);
    assert.deepEqual(h.kills, [], 'readiness failures never kill');
    assert.deepEqual(h.m.results(pod, instance('other')).readiness, {}, 'a result belongs to its container instance');
    h.m.stop();
  });

  test('liveness: killed after failureThreshold failures with the probe grace period, then held until a new instance runs', async () => {
    const h = harness();
    const pod = podWith({ livenessProbe: probe('live', { failureThreshold: 3, terminationGracePeriodSeconds: 2 }) });
    h.m.sync(pod, running('c1', h.clock.t));
    await h.clock.advance(2000);
    assert.equal(h.probes.length, 3);
    h.answer.live = 'failure';
    await h.clock.advance(2000);
    assert.deepEqual(h.kills, [], 'two failures of three');
    await h.clock.advance(1000);
    assert.deepEqual(h.kills, [['c1', 2]]);
    assert.deepEqual(h.events.slice(-2), ['Warning Unhealthy Liveness probe failed: live said no', 'Normal Killing Container app failed liveness probe, will be restarted']);
    const probed = h.probes.length;
    await h.clock.advance(5000);
    assert.equal(h.probes.length, probed, 'on hold: the killed instance is not probed again');
    assert.ok(h.changes >= 1, 'the pod is requeued after the kill');

    h.answer.live = 'success';
    h.m.sync(pod, running('c2', h.clock.t));
    await h.clock.advance(0);
    const last = h.probes[h.probes.length - 1];
    assert.deepEqual([last.type, last.id], ['live', 'c2'], 'the new instance is probed at once');
    h.m.stop();
  });

  test('startup gates liveness and readiness; it stops probing once it succeeded; its failure kills', async () => {
    const h = harness();
    h.answer.start = 'failure';
    const pod = podWith({ startupProbe: probe('start', { failureThreshold: 4 }), livenessProbe: probe('live'), readinessProbe: probe('ready') });
    h.m.sync(pod, running('c1', h.clock.t));
    await h.clock.advance(2000);
    assert.deepEqual(new Set(h.probes.map((p) => p.type)), new Set(['start']), 'only the startup probe runs before startup');
    assert.deepEqual(h.m.results(pod, instance('c1')), { readiness: { app: false }, startup: { app: false } });
    h.answer.start = 'success';
    await h.clock.advance(1000);
    assert.deepEqual(h.m.results(pod, instance('c1')).startup, { app: true });
    await h.clock.advance(2000);
    const types = h.probes.slice(-4).map((p) => p.type).sort();
    assert.deepEqual(types, ['live', 'live', 'ready', 'ready'], 'after startup: liveness and readiness, no more startup probes');
    assert.deepEqual(h.m.results(pod, instance('c1')), { readiness: { app: true }, startup: { app: true } });
    h.m.stop();

    const h2 = harness();
    h2.answer.start = 'failure';
    const slow = podWith({ startupProbe: probe('start', { failureThreshold: 2 }) }, 9);
    h2.m.sync(slow, running('s1', h2.clock.t));
    await h2.clock.advance(1000);
    assert.deepEqual(h2.kills, [['s1', 9]], 'the pod grace period without a probe-level one');
    assert.equal(h2.events.at(-1), 'Normal Killing Container app failed startup probe, will be restarted');
    h2.m.stop();
  });

  test('a restarted container starts over not ready; a terminal pod stops its workers', async () => {
    const h = harness();
    const pod = podWith({ readinessProbe: probe('ready') });
    h.m.sync(pod, running('c1', h.clock.t));
    await h.clock.advance(0);
    assert.deepEqual(h.m.results(pod, instance('c1')).readiness, { app: true });
    h.answer.ready = 'failure';
    h.m.sync(pod, running('c2', h.clock.t));
    assert.deepEqual(h.m.results(pod, instance('c2')).readiness, {}, 'the new instance has no result yet');
    await h.clock.advance(0);
    assert.deepEqual(h.m.results(pod, instance('c2')).readiness, { app: false });
    h.m.sync(pod, { ...running('c2', h.clock.t), phase: 'Succeeded' });
    const n = h.probes.length;
    await h.clock.advance(5000);
    assert.equal(h.probes.length, n);
    assert.deepEqual(h.m.results(pod, instance('c2')), { readiness: {}, startup: {} });
  });

  test('a deleted pod: liveness stops quietly, readiness goes on', async () => {
    const h = harness();
    h.answer.live = 'failure';
    const pod = podWith({ livenessProbe: probe('live', { failureThreshold: 1 }), readinessProbe: probe('ready') });
    const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(h.clock.t).toISOString() } };
    h.m.sync(deleting, running('c1', h.clock.t));
    await h.clock.advance(3000);
    assert.deepEqual(h.kills, []);
    assert.ok(h.probes.every((p) => p.type === 'ready') && h.probes.length >= 3);
    h.m.stop();
  });
});
