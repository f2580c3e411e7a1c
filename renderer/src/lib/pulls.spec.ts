import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../../../electron/preload/api';
import { applyPullEvent, pullOf, pullsToShow, type ImagePull } from './pulls';

const event = (name: string, reason: string, message: string, at: string, pod = 'web-1'): ApiObject => ({
  kind: 'Event',
  metadata: { name, namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-${pod}` },
  reason,
  message,
  source: { component: 'kubelet', host: 'node-1' },
  lastTimestamp: at,
});

describe('image pulls from Events', () => {
  it('reads Pulling, Pulled and pull failures, and ignores other events', () => {
    expect(pullOf(event('e1', 'Pulling', 'Pulling image "nginx:1.27"', '2026-01-01T00:00:00Z'))).toMatchObject({
      key: 'uid-web-1|nginx:1.27',
      pod: 'default/web-1',
      image: 'nginx:1.27',
      node: 'node-1',
      state: 'pulling',
    });
    expect(pullOf(event('e2', 'Failed', 'failed to pull image "x:1": not found', '2026-01-01T00:00:00Z'))?.state).toBe('failed');
    expect(pullOf(event('e3', 'Failed', 'Error: ErrImagePull', '2026-01-01T00:00:00Z'))).toBeNull();
    expect(pullOf(event('e4', 'Started', 'Started container web', '2026-01-01T00:00:00Z'))).toBeNull();
  });

  it('a pull is active until its Pulled or Failed, whatever order the list delivers them in', () => {
    const pulls = new Map<string, ImagePull>();
    const pulled = event('e2', 'Pulled', 'Successfully pulled image "nginx" in 800ms', '2026-01-01T00:00:05Z');
    const pulling = event('e1', 'Pulling', 'Pulling image "nginx"', '2026-01-01T00:00:05Z');
    expect(applyPullEvent(pulls, { type: 'ADDED', object: pulled })).toBe(true);
    expect(applyPullEvent(pulls, { type: 'ADDED', object: pulling })).toBe(false); // same second: the outcome stands
    expect(pullsToShow(pulls.values(), Date.parse('2026-01-01T00:00:06Z')).active).toEqual([]);

    const other = new Map<string, ImagePull>();
    applyPullEvent(other, { type: 'ADDED', object: event('p', 'Pulling', 'Pulling image "redis"', '2026-01-01T00:00:00Z', 'cache-0') });
    const now = Date.parse('2026-01-01T00:00:10Z');
    expect(pullsToShow(other.values(), now).active.map((p) => p.image)).toEqual(['redis']);
    applyPullEvent(other, { type: 'MODIFIED', object: event('f', 'Failed', 'failed to pull image "redis": timeout', '2026-01-01T00:00:08Z', 'cache-0') });
    const shown = pullsToShow(other.values(), now);
    expect(shown.active).toEqual([]);
    expect(shown.failed.map((p) => p.message)).toEqual(['failed to pull image "redis": timeout']);
  });

  it('drops stale pulls and old failures, forgets deleted events and clears on RESET', () => {
    const pulls = new Map<string, ImagePull>();
    applyPullEvent(pulls, { type: 'ADDED', object: event('p', 'Pulling', 'Pulling image "a"', '2026-01-01T00:00:00Z', 'a') });
    applyPullEvent(pulls, { type: 'ADDED', object: event('f', 'Failed', 'Failed to pull image "b": no', '2026-01-01T00:00:00Z', 'b') });
    const later = Date.parse('2026-01-01T01:00:00Z');
    expect(pullsToShow(pulls.values(), later)).toEqual({ active: [], failed: [] });

    expect(applyPullEvent(pulls, { type: 'DELETED', object: event('other', 'Pulling', 'Pulling image "a"', '2026-01-01T00:00:00Z', 'a') })).toBe(false);
    expect(applyPullEvent(pulls, { type: 'DELETED', object: event('p', 'Pulling', 'Pulling image "a"', '2026-01-01T00:00:00Z', 'a') })).toBe(true);
    expect(pulls.size).toBe(1);
    expect(applyPullEvent(pulls, { type: 'RESET' })).toBe(true);
    expect(pulls.size).toBe(0);
  });
});
