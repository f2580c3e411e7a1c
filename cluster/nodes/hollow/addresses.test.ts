import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fallbackPodCIDR, hollowNodeIP, PodIPAllocator } from './addresses.js';

describe('hollow addresses', () => {
  it('gives node IPs from 198.18.0.0/15 without network or broadcast addresses', () => {
    assert.equal(hollowNodeIP(0), '198.18.0.1');
    assert.equal(hollowNodeIP(253), '198.18.0.254');
    assert.equal(hollowNodeIP(254), '198.18.1.1');
    const ips = new Set(Array.from({ length: 5000 }, (_, i) => hollowNodeIP(i)));
    assert.equal(ips.size, 5000);
  });

  it('gives each node its own fallback /24', () => {
    assert.equal(fallbackPodCIDR(0), '10.128.0.0/24');
    assert.equal(fallbackPodCIDR(1), '10.128.1.0/24');
    assert.equal(fallbackPodCIDR(256), '10.129.0.0/24');
  });

  it('allocates pod IPs from the CIDR, skipping network, gateway and broadcast, and reuses released ones', () => {
    const a = new PodIPAllocator('10.244.3.0/24');
    assert.equal(a.allocate(), '10.244.3.2');
    assert.equal(a.allocate(), '10.244.3.3');
    const all = new Set<string>(['10.244.3.2', '10.244.3.3']);
    for (let ip = a.allocate(); ip; ip = a.allocate()) all.add(ip);
    assert.equal(all.size, 253);
    assert.ok(!all.has('10.244.3.0') && !all.has('10.244.3.1') && !all.has('10.244.3.255'));
    a.release('10.244.3.77');
    assert.equal(a.allocate(), '10.244.3.77');
    assert.equal(a.allocate(), undefined);
  });

  it('reserves addresses pods already have, and refuses ones outside the range', () => {
    const a = new PodIPAllocator('10.244.0.0/30');
    assert.equal(a.reserve('10.244.0.2'), true);
    assert.equal(a.reserve('10.9.9.9'), false);
    assert.equal(a.allocate(), undefined);
  });
});
