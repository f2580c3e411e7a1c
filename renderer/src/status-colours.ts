/** How a node's and a pod's state map to the theme's status colours (as `kubectl get` reads them). */
import type { ApiObject } from '../../electron/preload/api';

export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

interface Condition {
  type: string;
  status: string;
}

/** A node is Ready when its Ready condition is True (Unknown: the kubelet stopped posting). */
export function nodeReadiness(node: ApiObject): { label: string; tone: Tone } {
  const conditions = ((node.status as { conditions?: Condition[] } | undefined)?.conditions) ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const unschedulable = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable;
  if (ready?.status === 'True') return { label: unschedulable ? 'Ready,SchedulingDisabled' : 'Ready', tone: unschedulable ? 'warn' : 'ok' };
  return { label: 'NotReady', tone: 'bad' };
}

/** A pod's phase, and Terminating while it is being deleted. */
export function podState(pod: ApiObject): { label: string; tone: Tone } {
  if (pod.metadata?.deletionTimestamp) return { label: 'Terminating', tone: 'idle' };
  const status = pod.status as { phase?: string; conditions?: Condition[] } | undefined;
  const phase = status?.phase ?? 'Pending';
  const ready = status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  switch (phase) {
    case 'Running':
      return { label: ready ? 'Running' : 'Running (not ready)', tone: ready ? 'ok' : 'warn' };
    case 'Succeeded':
      return { label: 'Completed', tone: 'idle' };
    case 'Failed':
      return { label: 'Failed', tone: 'bad' };
    default:
      return { label: phase, tone: 'warn' };
  }
}
