/** NodeResourcesFit, NodeResourcesBalancedAllocation, ImageLocality. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../types.js';
import { infoOf, testCache, testNode, testPod } from '../testing.js';
import { NodeResourcesFit, leastRequestedScore } from './node-resources-fit.js';
import { NodeResourcesBalancedAllocation, balancedScore } from './balanced-allocation.js';
import { ImageLocality, imageLocalityScore } from './image-locality.js';

const s = () => new CycleState();

test('NodeResourcesFit counts bound pods, pod slots and extended resources', () => {
  const c = testCache([testNode('a', { cpu: '2', pods: '2' })], [[testPod('x', '1500m'), 'a']]);
  const pl = new NodeResourcesFit();
  assert.equal(pl.filter(s(), testPod('p', '500m'), infoOf(c, 'a')), null);
  assert.deepEqual(pl.filter(s(), testPod('p', '600m'), infoOf(c, 'a')), { code: 'Unschedulable', reasons: ['Insufficient cpu'] });
  // More than the whole node: no preemption can help.
  assert.equal(pl.filter(s(), testPod('p', '3'), infoOf(c, 'a'))?.code, 'UnschedulableAndUnresolvable');
  c.assumePod(testPod('y', '0'), 'a');
  assert.deepEqual(pl.filter(s(), testPod('p', '100m'), infoOf(c, 'a'))?.reasons, ['Too many pods']);
  const gpu = testPod('g', '0', { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '1' } } }] });
  assert.ok(pl.filter(s(), gpu, infoOf(testCache([testNode('b')]), 'b'))?.reasons.includes('Insufficient nvidia.com/gpu'));
});

test('NodeResourcesFit scores LeastAllocated with non-zero defaults', () => {
  assert.equal(leastRequestedScore(1000, 4000), 75);
  assert.equal(leastRequestedScore(5000, 4000), 0);
  const c = testCache([testNode('a', { cpu: '4', memory: '8Gi' })], [[testPod('x', '2'), 'a']]);
  // cpu: (4000 - 2000 - 1000) / 4000 = 25; memory: (8Gi - 128Mi) / 8Gi = 98 → (25 + 98) / 2 = 61
  assert.equal(new NodeResourcesFit().score(s(), testPod('p', '1'), infoOf(c, 'a')), 61);
  // A pod without requests still counts 100m / 200Mi.
  const best = testPod('b', '0', { containers: [{ name: 'c' }] });
  assert.equal(best.nonZeroCPU, 100);
});

test('BalancedAllocation prefers even cpu/memory use and skips best-effort pods', () => {
  assert.equal(balancedScore([0.5, 0.5]), 100);
  assert.equal(balancedScore([0.2, 0.6]), 80);
  const c = testCache([testNode('a', { cpu: '4', memory: '4Gi' })]);
  const pl = new NodeResourcesBalancedAllocation();
  const p = testPod('p', '2', { containers: [{ name: 'c', resources: { requests: { cpu: '2', memory: '1Gi' } } }] });
  assert.equal(pl.score(s(), p, infoOf(c, 'a')), 87);
  assert.equal(pl.preScore(s(), testPod('b', '0', { containers: [{ name: 'c' }] }))?.code, 'Skip');
});

test('ImageLocality favours nodes with the image, scaled by spread', () => {
  assert.equal(imageLocalityScore(0, 1), 0);
  assert.equal(imageLocalityScore(2000 * 1024 * 1024, 1), 100);
  const big = { names: ['docker.io/library/nginx:latest', 'nginx'], sizeBytes: 500 * 1024 * 1024 };
  const c = testCache([testNode('a', { images: [big] }), testNode('b')]);
  const pl = new ImageLocality(() => c);
  const p = testPod('p');
  assert.ok(pl.score(s(), p, infoOf(c, 'a')) > 0);
  assert.equal(pl.score(s(), p, infoOf(c, 'b')), 0);
});
