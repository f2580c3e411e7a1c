/** The framework's combination of plugins, the FitError message, node sampling, preemption and the queue. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage, FitError } from './fit-error.js';
import { Framework } from './framework.js';
import { DEFAULT_WEIGHTS, defaultPlugins, noVolumes } from './plugins/registry.js';
import { DefaultPreemption, NOT_HELPFUL } from './plugins/default-preemption.js';
import { numFeasibleNodesToFind, PodScheduler } from './schedule-pod.js';
import { SchedulingQueue } from './queue.js';
import { testCache, testNode, testPod } from './testing.js';
import { CycleState } from './types.js';
import type { SchedulerCache } from './cache.js';

const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const };
const framework = (c: SchedulerCache) => new Framework(defaultPlugins({ snapshot: () => c, volumes: noVolumes }), DEFAULT_WEIGHTS);

test('numFeasibleNodesToFind is adaptive as upstream', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(200), 100);
  assert.equal(numFeasibleNodesToFind(1000, 100), 1000);
  assert.equal(numFeasibleNodesToFind(1000, 10), 100);
});

test('filters combine: the message counts reasons per node, sorted as upstream', () => {
  const c = testCache([testNode('n1', { cpu: '2' }), testNode('n2', { cpu: '2' }), testNode('cp', { cpu: '2', taints: [cp] })], [[testPod('x', '1'), 'n1'], [testPod('y', '1'), 'n2']]);
  const s = new PodScheduler(framework(c), c);
  assert.throws(() => s.schedule(testPod('p', '1500m')), FitError);
  try {
    s.schedule(testPod('p', '1500m'));
  } catch (e) {
    const fe = e as FitError;
    assert.equal(fe.message, '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.');
    assert.deepEqual([...fe.diagnosis.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
    fe.diagnosis.postFilterMessage = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    assert.match(fe.refresh(), /cpu\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\.$/);
  }
});

test('with no node at all the cycle fails before filtering, with upstream ErrNoNodesAvailable message', () => {
  const c = testCache([], []);
  assert.throws(
    () => new PodScheduler(framework(c), c).schedule(testPod('p', '100m')),
    (err) => {
      assert.ok(err instanceof FitError);
      assert.equal(err.numAllNodes, 0);
      assert.equal(err.message, 'no nodes available to schedule pods');
      assert.equal(err.diagnosis.unschedulablePlugins.size, 0);
      assert.equal(fitErrorMessage(0, err.diagnosis), 'no nodes available to schedule pods');
      return true;
    },
  );
});

test('scores pick the emptier node; equal totals rotate round-robin', () => {
  const c = testCache([testNode('a'), testNode('b')], [[testPod('x', '2'), 'a']]);
  const s = new PodScheduler(framework(c), c);
  assert.equal(s.schedule(testPod('p', '100m')).node, 'b');
  const even = testCache([testNode('a'), testNode('b'), testNode('c')]);
  const se = new PodScheduler(framework(even), even);
  assert.deepEqual([0, 1, 2].map(() => se.schedule(testPod('q', '100m')).node), ['a', 'b', 'c']);
});

test('a placed pod is visible to the next cycle through the cache (assume)', () => {
  const c = testCache([testNode('a', { cpu: '1' })]);
  const s = new PodScheduler(framework(c), c);
  const first = testPod('one', '800m');
  c.assumePod(first, s.schedule(first).node);
  assert.throws(() => s.schedule(testPod('two', '800m')), /Insufficient cpu/);
  c.forgetPod(first.key);
  assert.equal(s.schedule(testPod('two', '800m')).node, 'a');
});

test('DefaultPreemption picks the node with the cheapest victims and skips unresolvable nodes', async () => {
  const c = testCache(
    [testNode('a', { cpu: '2' }), testNode('b', { cpu: '2' }), testNode('cp', { cpu: '2', taints: [cp] })],
    [[testPod('a-low', '1500m', {}, undefined, 10), 'a'], [testPod('b-low', '1500m', {}, undefined, 5), 'b']],
  );
  const evicted: string[] = [];
  const pre = new DefaultPreemption({ framework: () => fw, snapshot: c, nominatedPods: () => [], evict: async (v) => void evicted.push(v.name) });
  const fw: Framework = new Framework([...defaultPlugins({ snapshot: () => c, volumes: noVolumes }), pre], DEFAULT_WEIGHTS);
  const s = new PodScheduler(fw, c);
  const urgent = testPod('urgent', '1', {}, undefined, 100);
  const state = new CycleState();
  let statuses = new Map();
  try {
    s.schedule(urgent, state);
  } catch (e) {
    statuses = (e as FitError).diagnosis.statuses;
  }
  const r = await fw.runPostFilter(state, urgent, statuses);
  assert.equal(r.nominatedNodeName, 'b');
  assert.deepEqual(evicted, ['b-low']);
  const low = testPod('low', '1', {}, undefined, 1);
  const r2 = await fw.runPostFilter(new CycleState(), low, statuses);
  assert.equal(r2.nominatedNodeName, undefined);
  assert.match(r2.status?.reasons[0] ?? '', new RegExp(`^preemption: 0/3 nodes are available: 1 ${NOT_HELPFUL}, 2 No preemption victims found for incoming pod\\.$`));
});

test('queue: priority order, backoff after failure, parked pods move on relevant events only', async () => {
  let now = 1000;
  const q = new SchedulingQueue({ now: () => now, pluginEvents: new Map([['NodeResourcesFit', new Set(['PodDelete' as const])]]) });
  q.add(testPod('low', '1', {}, undefined, 1));
  q.add(testPod('high', '1', {}, undefined, 9));
  const first = (await q.pop())!;
  assert.equal(first.info.name, 'high');
  const cycle = q.schedulingCycle;
  q.moveAll('NodeAdd'); // a cluster event while `first` is being scheduled
  q.addUnschedulable(first, cycle, ['NodeResourcesFit']);
  assert.deepEqual(q.lengths(), { active: 1, backoff: 1, unschedulable: 0 }, 'a move request during its cycle sends it to backoff');
  const second = (await q.pop())!;
  q.addUnschedulable(second, q.schedulingCycle, ['NodeResourcesFit']);
  assert.equal(q.lengths().unschedulable, 1);
  q.moveAll('NodeAdd');
  assert.equal(q.lengths().unschedulable, 1, 'NodeAdd does not help a pod NodeResourcesFit rejected here');
  now += 5000;
  q.moveAll('PodDelete');
  assert.equal(q.lengths().unschedulable, 0);
  assert.equal(q.backoffDuration({ ...second, attempts: 1 }), 1000);
  assert.equal(q.backoffDuration({ ...second, attempts: 5 }), 10_000);
  q.close();
  assert.equal(await q.pop(), undefined);
});
