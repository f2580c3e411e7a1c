/** NodeUnschedulable, NodeName, NodeAffinity, TaintToleration, NodePorts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../types.js';
import { infoOf, testCache, testNode, testPod } from '../testing.js';
import { NodeUnschedulable, ERR_NODE_UNSCHEDULABLE } from './node-unschedulable.js';
import { NodeName, ERR_NODE_NAME } from './node-name.js';
import { NodeAffinity, ERR_NODE_AFFINITY } from './node-affinity.js';
import { TaintToleration } from './taint-toleration.js';
import { NodePorts, ERR_NODE_PORTS } from './node-ports.js';

const s = () => new CycleState();

test('NodeUnschedulable rejects cordoned nodes unless tolerated', () => {
  const c = testCache([testNode('a', { unschedulable: true }), testNode('b')]);
  const pl = new NodeUnschedulable();
  assert.deepEqual(pl.filter(s(), testPod('p'), infoOf(c, 'a')), { code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_UNSCHEDULABLE] });
  assert.equal(pl.filter(s(), testPod('p'), infoOf(c, 'b')), null);
  const tolerant = testPod('t', '1', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.equal(pl.filter(s(), tolerant, infoOf(c, 'a')), null);
});

test('NodeName only fits the named node', () => {
  const c = testCache([testNode('a'), testNode('b')]);
  const p = testPod('p', '1', { nodeName: 'b' });
  assert.equal(new NodeName().filter(s(), p, infoOf(c, 'a'))?.reasons[0], ERR_NODE_NAME);
  assert.equal(new NodeName().filter(s(), p, infoOf(c, 'b')), null);
});

test('NodeAffinity: nodeSelector, required terms (ORed, expressions ANDed), preferred weights', () => {
  const c = testCache([testNode('a', { labels: { disk: 'ssd', gen: '5' } }), testNode('b', { labels: { disk: 'hdd' } })]);
  const pl = new NodeAffinity();
  const sel = testPod('p', '1', { nodeSelector: { disk: 'ssd' } });
  assert.equal(pl.preFilter(s(), sel), null);
  assert.equal(pl.filter(s(), sel, infoOf(c, 'a')), null);
  assert.deepEqual(pl.filter(s(), sel, infoOf(c, 'b')), { code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_AFFINITY] });
  const req = testPod('r', '1', {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } },
  });
  assert.equal(pl.filter(s(), req, infoOf(c, 'a')), null);
  assert.equal(pl.filter(s(), req, infoOf(c, 'b')), null);
  assert.equal(pl.preFilter(s(), testPod('plain')), SKIP_CODE());
  const pref = testPod('q', '1', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 30, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }, { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }] } } });
  const scores = Float64Array.from([pl.score(s(), pref, infoOf(c, 'a')), pl.score(s(), pref, infoOf(c, 'b'))]);
  assert.deepEqual([...scores], [40, 10]);
  pl.normalizeScore(s(), pref, [], scores);
  assert.deepEqual([...scores], [100, 25]);
});

function SKIP_CODE() {
  return new NodeAffinity().preFilter(new CycleState(), testPod('x'));
}

test('TaintToleration: NoSchedule/NoExecute filter with upstream message; PreferNoSchedule scored in reverse', () => {
  const c = testCache([
    testNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    testNode('soft', { taints: [{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }] }),
    testNode('clean'),
  ]);
  const pl = new TaintToleration();
  const p = testPod('p');
  assert.deepEqual(pl.filter(s(), p, infoOf(c, 'cp')), { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] });
  assert.equal(pl.filter(s(), p, infoOf(c, 'soft')), null);
  const tol = testPod('t', '1', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] });
  assert.equal(pl.filter(s(), tol, infoOf(c, 'cp')), null);
  const scores = Float64Array.from([pl.score(s(), p, infoOf(c, 'soft')), pl.score(s(), p, infoOf(c, 'clean'))]);
  pl.normalizeScore(s(), p, [], scores);
  assert.deepEqual([...scores], [0, 100]);
});

test('NodePorts: same protocol/port conflicts, 0.0.0.0 conflicts with any IP', () => {
  const web = testPod('web', '1', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
  const c = testCache([testNode('a'), testNode('b')], [[web, 'a']]);
  const pl = new NodePorts();
  const again = testPod('again', '1', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }] }] });
  assert.equal(pl.filter(s(), again, infoOf(c, 'a'))?.reasons[0], ERR_NODE_PORTS);
  assert.equal(pl.filter(s(), again, infoOf(c, 'b')), null);
  const udp = testPod('udp', '1', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }] }] });
  assert.equal(pl.filter(s(), udp, infoOf(c, 'a')), null);
  assert.equal(pl.preFilter(s(), testPod('none'))?.code, 'Skip');
});
