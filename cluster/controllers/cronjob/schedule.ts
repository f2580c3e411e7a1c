/**
 * Which scheduled time a CronJob should act on now (pkg/controller/cronjob/utils.go
 * mostRecentScheduleTime / nextScheduleTime): the latest schedule at or before `now`
 * since the last scheduled run (or creation), not earlier than startingDeadlineSeconds
 * ago, and how many starts were missed — more than 100 earns a warning upstream.
 */
import { nextAfter, type CronSchedule } from './cron.js';

export const TOO_MANY_MISSED = 100;

export interface ScheduleWindow {
  /** lastScheduleTime, else creationTimestamp (ms). */
  earliestMs: number;
  startingDeadlineSeconds?: number | null;
}

export interface MostRecent {
  /** The latest schedule ≤ now not yet acted on, if any. */
  scheduledMs?: number;
  /** Schedules between the earliest time and now (an estimate above TOO_MANY_MISSED). */
  missed: number;
}

export function mostRecentScheduleTime(s: CronSchedule, w: ScheduleWindow, nowMs: number, timeZone: string): MostRecent {
  let earliest = w.earliestMs;
  if (w.startingDeadlineSeconds !== undefined && w.startingDeadlineSeconds !== null) {
    const deadline = nowMs - w.startingDeadlineSeconds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = nextAfter(s, earliest, timeZone);
  if (t1 === undefined || t1 > nowMs) return { missed: 0 };
  let last = t1;
  let missed = 1;
  for (;;) {
    const t = nextAfter(s, last, timeZone);
    if (t === undefined || t > nowMs) return { scheduledMs: last, missed };
    last = t;
    missed++;
    if (missed > TOO_MANY_MISSED) break;
  }
  // Too many to walk one by one: estimate the count from the interval, find the latest from a window before now.
  const t2 = nextAfter(s, t1, timeZone)!;
  const estimate = Math.floor((nowMs - t1) / Math.max(60_000, t2 - t1)) + 1;
  for (const windowMs of [2, 120, 2880, 92_160, 1_152_000].map((m) => m * 60_000)) {
    const from = Math.max(last, nowMs - windowMs);
    let t = nextAfter(s, from, timeZone);
    if (t === undefined || t > nowMs) continue;
    for (let steps = 0; steps < 5000; steps++) {
      const n = nextAfter(s, t, timeZone);
      if (n === undefined || n > nowMs) return { scheduledMs: t, missed: Math.max(estimate, missed) };
      t = n;
    }
  }
  return { scheduledMs: last, missed: Math.max(estimate, missed) };
}

/** When to look again: just after the next schedule (upstream adds 100 ms so the clock has passed it). */
export function requeueDelayMs(s: CronSchedule, nowMs: number, timeZone: string): number | undefined {
  const next = nextAfter(s, nowMs, timeZone);
  return next === undefined ? undefined : next - nowMs + 100;
}

/** Job name for a scheduled time: `<cronjob>-<minutes since epoch>` (getJobName). */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}
