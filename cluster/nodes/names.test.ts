import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelFilter, networkName, nodeContainerName, nodeVolumeName, validateClusterId, validateNodeName } from './names.js';

test('names follow kubarium-<cluster>[-<node>]', () => {
  assert.equal(networkName('dev'), 'kubarium-dev');
  assert.equal(nodeContainerName('dev', 'node-1'), 'kubarium-dev-node-1');
  assert.equal(nodeVolumeName('dev', 'node-1'), 'kubarium-dev-node-1-docker');
  assert.deepEqual(labelFilter('dev', 'n1'), { label: ['io.kubarium.cluster=dev', 'io.kubarium.node=n1'] });
});

test('node names must be DNS-1123 labels, cluster ids Docker names', () => {
  assert.doesNotThrow(() => validateNodeName('worker-2'));
  for (const bad of ['Worker', '-a', 'a_b', 'a.b', '', 'x'.repeat(64)]) assert.throws(() => validateNodeName(bad), /invalid node name/);
  assert.doesNotThrow(() => validateClusterId('my_cluster.1'));
  for (const bad of ['', '-x', 'a/b', 'x'.repeat(41)]) assert.throws(() => validateClusterId(bad), /invalid cluster id/);
});
