import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../../../electron/preload/api';
import { controlPlaneHealth } from './control-plane-health';

const lease = (name: string, renewTime: string, holderIdentity = 'host_1'): ApiObject =>
  ({ metadata: { name, namespace: 'kube-system' }, spec: { holderIdentity, leaseDurationSeconds: 15, renewTime } }) as ApiObject;

describe('controlPlaneHealth', () => {
  const now = Date.parse('2026-11-23T18:00:20.000Z');
  it('a leader that renewed within the lease duration is healthy; a silent one is not; no Lease is no leader', () => {
    const h = controlPlaneHealth([lease('kube-scheduler', '2026-11-23T18:00:18.000000Z'), lease('kube-controller-manager', '2026-11-23T17:59:50.000000Z')], now);
    expect(h).toEqual([
      { name: 'kube-scheduler', healthy: true, holder: 'host_1', renewedAgoS: 2, detail: 'leader renewed 2s ago' },
      { name: 'kube-controller-manager', healthy: false, holder: 'host_1', renewedAgoS: 30, detail: 'leader silent for 30s' },
    ]);
    expect(controlPlaneHealth([], now).map((c) => c.detail)).toEqual(['no leader', 'no leader']);
  });
});
