/**
 * The disruption controller against the real API server: a budget's disruptionsAllowed
 * follows pod readiness (pod status patched here, as a kubelet would), and evictions —
 * the API's and `kubectl drain`'s — are refused with 429 while the budget is spent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { StatusError } from '../../api/status.js';
import { NODES, PODDISRUPTIONBUDGETS, PODS, REPLICASETS } from '../../client/index.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import type { Harness } from '../testing/harness.js';
import { eventually } from '../testing/harness.js';
import { QUIET, startHarness } from '../testing/harness.js';
import { startDisruptionController } from './controller.js';

let h: Harness;
const ns = 'default';
const labels = { app: 'web' };

before(async () => {
  h = await startHarness(QUIET);
  await h.start(['disruption-controller', (ctx) => startDisruptionController(ctx)]);
});
after(async () => {
  await h?.stop();
});

async function setReady(name: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await h.client.patch<Pod>(PODS, name, { status: { phase: 'Running', startTime: now, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }] } }, { namespace: ns, subresource: 'status' });
}

const pdbStatus = async () => (await h.client.get<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, 'web', { namespace: ns })).status;

async function evict(name: string): Promise<number> {
  try {
    await h.client.evict({ metadata: { name, namespace: ns } });
    return 201;
  } catch (err) {
    if (err instanceof StatusError) return err.code;
    throw err;
  }
}

test('disruptionsAllowed follows readiness; evictions beyond the budget get 429', async () => {
  await h.client.create<Node>(NODES, { metadata: { name: 'node-1' } });
  const rs = await h.client.create<ReplicaSet>(REPLICASETS, {
    metadata: { name: 'web', namespace: ns },
    spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  for (const i of [0, 1, 2]) {
    await h.client.create<Pod>(PODS, {
      metadata: { name: `web-${i}`, namespace: ns, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true }] },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
    });
    await setReady(`web-${i}`, true);
  }
  await h.client.create<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, { metadata: { name: 'web', namespace: ns }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } });

  const first = await eventually(async () => {
    const s = await pdbStatus();
    return s?.disruptionsAllowed === 1 && s;
  }, 'budget allowing one disruption');
  assert.equal(first.expectedPods, 3); // from the ReplicaSet's replicas
  assert.equal(first.currentHealthy, 3);
  assert.equal(first.desiredHealthy, 2);
  assert.equal(first.observedGeneration, 1);
  assert.deepEqual(first.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);

  // One pod goes unready: the budget is spent.
  await setReady('web-2', false);
  const spent = await eventually(async () => {
    const s = await pdbStatus();
    return s?.currentHealthy === 2 && s;
  }, 'budget seeing the unready pod');
  assert.equal(spent.disruptionsAllowed, 0);
  assert.equal(spent.conditions?.[0].reason, 'InsufficientPods');
  assert.equal(await evict('web-0'), 429);

  // kubectl drain evicts through the same subresource and keeps being refused.
  const drain = await runKubectl(['drain', 'node-1', '--ignore-daemonsets', '--timeout=3s'], { kubeconfig: h.cluster.kubeconfig });
  assert.notEqual(drain.code, 0);
  assert.match(drain.stdout + drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);

  // Ready again: of two evictions racing for the one allowed disruption, one goes through and is
  // recorded, the other is refused; so is a later one.
  await setReady('web-2', true);
  await eventually(async () => (await pdbStatus())?.disruptionsAllowed === 1, 'budget allowing a disruption again');
  const raced = await Promise.all([evict('web-0'), evict('web-1')]);
  assert.deepEqual([...raced].sort(), [201, 429]);
  const [evicted, kept] = raced[0] === 201 ? ['web-0', 'web-1'] : ['web-1', 'web-0'];
  const after1 = await eventually(async () => {
    const s = await pdbStatus();
    // The evicted pod is gone or terminating, so its disruptedPods entry is cleaned up.
    return s?.currentHealthy === 2 && s.disruptedPods?.[evicted] === undefined && s;
  }, 'budget after the eviction, with disruptedPods cleaned up');
  assert.equal(after1.disruptionsAllowed, 0);
  assert.equal(await evict(kept), 429);
});

test('a percentage minAvailable over pods without a controller expects none and allows no disruption', async () => {
  await h.client.create<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, { metadata: { name: 'lonely', namespace: ns }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'lonely' } } } });
  await h.client.create<Pod>(PODS, { metadata: { name: 'lonely', namespace: ns, labels: { app: 'lonely' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await setReady('lonely', true);
  // No controller: expected scale 0, so no disruption is allowed even though the pod is ready.
  const s = await eventually(async () => {
    const st = (await h.client.get<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, 'lonely', { namespace: ns })).status;
    return st?.currentHealthy === 1 && st;
  }, 'lonely budget status');
  assert.equal(s.expectedPods, 0);
  assert.equal(s.disruptionsAllowed, 0);
});
