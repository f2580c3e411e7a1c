/**
 * Events on a time axis: one lane per involved object, one mark per occurrence at its time
 * (lastTimestamp, else eventTime, else firstTimestamp, else when the Event was created),
 * positioned as a fraction of the visible window.
 */
import type { ApiObject } from '../../../electron/preload/api';

export interface CoreEvent extends ApiObject {
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  source?: { component?: string };
  reportingComponent?: string;
}

export interface TimelineMark {
  uid: string;
  at: number;
  /** 0..1 across the window. */
  x: number;
  /** How many earlier marks of the lane share this instant (drawn side by side, not on top of each other). */
  stack: number;
  reason: string;
  message: string;
  warning: boolean;
  count: number;
  component: string;
}

export interface TimelineLane {
  /** `Kind namespace/name`. */
  object: string;
  marks: TimelineMark[];
}

export interface TimelineFilter {
  /** Substring of the lane's object (`Pod default/web-1`), case-insensitive. */
  object?: string;
  /** Exact reason, '' for all. */
  reason?: string;
}

export interface Timeline {
  start: number;
  end: number;
  lanes: TimelineLane[];
  reasons: string[];
}

export function eventTime(e: CoreEvent): number {
  for (const t of [e.lastTimestamp, e.eventTime, e.firstTimestamp, e.metadata?.creationTimestamp]) {
    const ms = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  return 0;
}

export function objectOf(e: CoreEvent): string {
  const o = e.involvedObject ?? {};
  return `${o.kind ?? '?'} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '?'}`;
}

export function buildTimeline(events: readonly CoreEvent[], filter: TimelineFilter = {}): Timeline {
  const reasons = [...new Set(events.map((e) => e.reason ?? ''))].filter(Boolean).sort();
  const needle = filter.object?.trim().toLowerCase() ?? '';
  const shown = events.filter((e) => (!filter.reason || e.reason === filter.reason) && (!needle || objectOf(e).toLowerCase().includes(needle)));
  const times = shown.map(eventTime).filter((t) => t > 0);
  const start = times.length ? Math.min(...times) : 0;
  const end = times.length ? Math.max(...times) : 0;
  const span = Math.max(1, end - start);
  const lanes = new Map<string, TimelineLane>();
  for (const e of shown) {
    const object = objectOf(e);
    const lane = lanes.get(object) ?? { object, marks: [] };
    const at = eventTime(e);
    lane.marks.push({
      uid: e.metadata?.uid ?? `${object}/${e.reason}/${at}`,
      at,
      x: end === start ? 0.5 : (at - start) / span,
      stack: 0,
      reason: e.reason ?? '',
      message: e.message ?? '',
      warning: e.type === 'Warning',
      count: e.count ?? 1,
      component: e.source?.component ?? e.reportingComponent ?? '',
    });
    lanes.set(object, lane);
  }
  const sorted = [...lanes.values()];
  for (const lane of sorted) {
    lane.marks.sort((a, b) => a.at - b.at);
    // Event times have one-second resolution: several marks often share one.
    for (let i = 1; i < lane.marks.length; i++) if (lane.marks[i].at === lane.marks[i - 1].at) lane.marks[i].stack = lane.marks[i - 1].stack + 1;
  }
  // Lanes by their first event, so the axis reads top-down as the story unfolded.
  sorted.sort((a, b) => a.marks[0].at - b.marks[0].at || a.object.localeCompare(b.object));
  return { start, end, lanes: sorted, reasons };
}

/** About five evenly spaced tick times across the window. */
export function ticks(start: number, end: number, count = 5): number[] {
  if (end <= start) return [start];
  return Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
}
