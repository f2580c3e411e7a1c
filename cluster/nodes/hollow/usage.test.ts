import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podUsage } from './usage.js';

describe('simulated pod usage', () => {
  it('stays below the request, above a floor, and is stable per pod', () => {
    const pod = {
      metadata: { name: 'w', namespace: 'default', uid: 'u-1' },
      spec: { nodeName: 'n', containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '500m', memory: '256Mi' } } }, { name: 'b', image: 'y' }] },
    };
    const u = podUsage(pod, 0);
    assert.equal(u.node, 'n');
    assert.equal(u.containers.length, 2);
    assert.ok(u.containers[0].cpuMillis > 0 && u.containers[0].cpuMillis <= 500 * 1.15, String(u.containers[0].cpuMillis));
    assert.ok(u.containers[1].memoryBytes >= 4 * 2 ** 20);
    assert.equal(u.cpuMillis, u.containers[0].cpuMillis + u.containers[1].cpuMillis);
    assert.deepEqual(podUsage(pod, 0), u);
  });
});
