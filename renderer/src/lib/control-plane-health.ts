/**
 * The control-plane components as the overview shows them: kube-scheduler and
 * kube-controller-manager each hold a leader-election Lease in kube-system and renew it
 * every few seconds (client-go leaderelection); a Lease renewed within its duration
 * means the component's leader is alive, as `kubectl get lease -n kube-system` tells.
 */
import type { ApiObject } from '../../../electron/preload/api';

export const CONTROL_PLANE_LEASES = ['kube-scheduler', 'kube-controller-manager'] as const;

export interface ComponentHealth {
  name: string;
  healthy: boolean;
  /** The leader's identity, when there is one. */
  holder?: string;
  /** Seconds since the leader last renewed. */
  renewedAgoS?: number;
  detail: string;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
}

export function controlPlaneHealth(leases: readonly ApiObject[], now: number): ComponentHealth[] {
  return CONTROL_PLANE_LEASES.map((name) => {
    const lease = leases.find((l) => l.metadata?.name === name);
    const spec = (lease?.spec ?? {}) as LeaseSpec;
    if (!lease || !spec.holderIdentity || !spec.renewTime) return { name, healthy: false, detail: 'no leader' };
    const ago = Math.max(0, Math.round((now - Date.parse(spec.renewTime)) / 1000));
    const healthy = ago <= (spec.leaseDurationSeconds ?? 15);
    return { name, healthy, holder: spec.holderIdentity, renewedAgoS: ago, detail: healthy ? `leader renewed ${ago}s ago` : `leader silent for ${ago}s` };
  });
}
