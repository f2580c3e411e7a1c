import { describe, expect, it } from 'vitest';
import { buildTimeline, type CoreEvent } from './timeline';

const ev = (uid: string, kind: string, name: string, reason: string, at: string, type = 'Normal'): CoreEvent => ({
  metadata: { uid, namespace: 'default' },
  involvedObject: { kind, namespace: 'default', name },
  reason,
  type,
  message: `${reason} ${name}`,
  lastTimestamp: at,
});

const events = [
  ev('1', 'Pod', 'web-1', 'Scheduled', '2026-01-01T10:00:00Z'),
  ev('2', 'Pod', 'web-1', 'Started', '2026-01-01T10:00:10Z'),
  ev('3', 'ReplicaSet', 'web-abc', 'SuccessfulCreate', '2026-01-01T09:59:59Z'),
  ev('4', 'Pod', 'web-2', 'FailedScheduling', '2026-01-01T10:00:20Z', 'Warning'),
];

describe('buildTimeline', () => {
  it('puts each object on a lane, ordered by its first event, with marks across the window', () => {
    const t = buildTimeline(events);
    expect(t.lanes.map((l) => l.object)).toEqual(['ReplicaSet default/web-abc', 'Pod default/web-1', 'Pod default/web-2']);
    expect(t.lanes[0].marks[0].x).toBe(0);
    expect(t.lanes[2].marks[0]).toMatchObject({ x: 1, warning: true, reason: 'FailedScheduling' });
    expect(t.lanes[1].marks.map((m) => m.reason)).toEqual(['Scheduled', 'Started']);
    expect(t.reasons).toEqual(['FailedScheduling', 'Scheduled', 'Started', 'SuccessfulCreate']);
  });

  it('filters by object and by reason', () => {
    expect(buildTimeline(events, { object: 'web-1' }).lanes.map((l) => l.object)).toEqual(['Pod default/web-1']);
    const started = buildTimeline(events, { reason: 'Started' });
    expect(started.lanes).toHaveLength(1);
    expect(started.lanes[0].marks[0].x).toBe(0.5); // a single instant sits mid-axis
  });
});

describe('marks at the same instant', () => {
  it('are stacked side by side', () => {
    const t = buildTimeline([ev('a', 'Pod', 'p', 'Pulled', '2026-01-01T10:00:00Z'), ev('b', 'Pod', 'p', 'Created', '2026-01-01T10:00:00Z'), ev('c', 'Pod', 'p', 'Started', '2026-01-01T10:00:01Z')]);
    expect(t.lanes[0].marks.map((m) => m.stack)).toEqual([0, 1, 0]);
  });
});
