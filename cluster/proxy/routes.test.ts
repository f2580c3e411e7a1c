import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from 'kubernetes-types/core/v1.js';
import { desiredPodRoutes, parseRoutes, renderPodNetworkRules } from './routes.js';
import { BoundedFrequencyRunner } from './sync-runner.js';

const node = (name: string, podCIDR?: string, ip?: string): Node => ({
  metadata: { name },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
  status: { addresses: ip ? [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }] : [] },
});

describe('desiredPodRoutes', () => {
  it('routes every other node with a podCIDR and an InternalIP, never our own', () => {
    const routes = desiredPodRoutes([node('n1', '10.244.0.0/24', '172.18.0.2'), node('n3', '10.244.2.0/24', '172.18.0.4'), node('n2', '10.244.1.0/24', '172.18.0.3'), node('n4'), node('n5', '10.244.4.0/24')], 'n1');
    assert.deepEqual(routes, [
      { cidr: '10.244.1.0/24', via: '172.18.0.3', node: 'n2' },
      { cidr: '10.244.2.0/24', via: '172.18.0.4', node: 'n3' },
    ]);
  });

  it('parses `ip route show` output', () => {
    assert.deepEqual(parseRoutes('10.244.1.0/24 via 172.18.0.3 dev eth0 \n10.244.2.0/24 dev eth0 scope link\n'), [
      { cidr: '10.244.1.0/24', via: '172.18.0.3' },
      { cidr: '10.244.2.0/24', via: undefined },
    ]);
  });

  it('masquerades only pod traffic leaving the cluster CIDR', () => {
    const rules = renderPodNetworkRules('10.244.0.0/16').split('\n');
    assert.deepEqual(
      rules.filter((l) => l.startsWith('-A KUBARIUM-POD-MASQ')),
      [
        '-A KUBARIUM-POD-MASQ -d 10.244.0.0/16 -m comment --comment "pod-to-pod traffic is not masqueraded" -j RETURN',
        '-A KUBARIUM-POD-MASQ -m comment --comment "pod traffic leaving the cluster CIDR" -j MASQUERADE',
      ],
    );
  });
});

describe('BoundedFrequencyRunner', () => {
  it('coalesces a burst into few syncs, the first one full, and retries a failed sync', async () => {
    const calls: boolean[] = [];
    let fail = true;
    const runner = new BoundedFrequencyRunner(
      async (full) => {
        calls.push(full);
        if (full && fail) {
          fail = false;
          throw new Error('boom');
        }
      },
      { minIntervalMs: 30, maxIntervalMs: 60_000, retryMs: 5 },
    );
    try {
      runner.run();
      await runner.idle();
      assert.deepEqual(calls, [true, true], 'the failed full sync is retried as a full sync');
      for (let i = 0; i < 50; i++) runner.run();
      await runner.idle();
      assert.deepEqual(calls, [true, true, false], 'a burst of 50 requests costs one sync');
      assert.equal(runner.syncCount, 2);
    } finally {
      await runner.stop();
    }
  });
});
