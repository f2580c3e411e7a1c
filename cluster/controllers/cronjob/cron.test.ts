import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronParseError, formatRFC3339InZone, isValidTimeZone, nextAfter, parseCron } from './cron.js';
import { jobNameFor, mostRecentScheduleTime, TOO_MANY_MISSED } from './schedule.js';

const iso = (ms: number | undefined) => (ms === undefined ? 'none' : new Date(ms).toISOString());
const next = (spec: string, after: string, tz = 'UTC') => iso(nextAfter(parseCron(spec), Date.parse(after), tz));

describe('parseCron', () => {
  it('parses lists, ranges, steps and names', () => {
    const s = parseCron('0,30 9-17/2 */10 JAN-mar,dec mon-FRI');
    assert.deepEqual([...s.minutes], [0, 30]);
    assert.deepEqual([...s.hours], [9, 11, 13, 15, 17]);
    assert.deepEqual([...s.daysOfMonth], [1, 11, 21, 31]);
    assert.deepEqual([...s.months], [1, 2, 3, 12]);
    assert.deepEqual([...s.daysOfWeek], [1, 2, 3, 4, 5]);
    assert.equal(s.domStar, false);
    assert.deepEqual([...parseCron('5/20 * * * *').minutes], [5, 25, 45]);
    assert.equal(parseCron('* * ? * *').domStar, true);
  });

  it('expands descriptors', () => {
    assert.deepEqual(parseCron('@hourly'), { ...parseCron('0 * * * *'), source: '@hourly' });
    assert.deepEqual([...parseCron('@weekly').daysOfWeek], [0]);
    assert.deepEqual([...parseCron('@yearly').months], [1]);
  });

  it('rejects bad schedules with upstream-like messages', () => {
    assert.throws(() => parseCron('* * * *'), /expected exactly 5 fields, found 4/);
    assert.throws(() => parseCron('60 * * * *'), /above maximum \(59\)/);
    assert.throws(() => parseCron('* * 0 * *'), /below minimum \(1\)/);
    assert.throws(() => parseCron('5-1 * * * *'), /beyond end of range/);
    assert.throws(() => parseCron('*/0 * * * *'), /positive number/);
    assert.throws(() => parseCron('@every 5m'), CronParseError);
    assert.throws(() => parseCron('TZ=UTC * * * * *'), /spec.timeZone/);
  });
});

describe('nextAfter', () => {
  it('steps minutes, hours, days and months', () => {
    assert.equal(next('* * * * *', '2024-05-01T10:00:30Z'), '2024-05-01T10:01:00.000Z');
    assert.equal(next('*/15 * * * *', '2024-05-01T10:15:00Z'), '2024-05-01T10:30:00.000Z');
    assert.equal(next('0 0 1 * *', '2024-01-31T12:00:00Z'), '2024-02-01T00:00:00.000Z');
    assert.equal(next('0 0 29 2 *', '2023-03-01T00:00:00Z'), '2024-02-29T00:00:00.000Z');
    assert.equal(next('0 0 30 2 *', '2023-03-01T00:00:00Z'), 'none');
  });

  it('ORs restricted day-of-month and day-of-week, ANDs when one is a star', () => {
    // 2024-06-01 is a Saturday; the 15th and Mondays both qualify.
    assert.equal(next('0 0 15 * 1', '2024-06-01T00:00:00Z'), '2024-06-03T00:00:00.000Z');
    assert.equal(next('0 0 * * 1', '2024-06-01T00:00:00Z'), '2024-06-03T00:00:00.000Z');
    assert.equal(next('0 0 */2 * 1', '2024-06-01T00:00:00Z'), '2024-06-03T00:00:00.000Z');
  });

  it('evaluates wall-clock time in spec.timeZone', () => {
    assert.equal(next('0 9 * * *', '2024-01-14T23:00:00Z', 'Asia/Tokyo'), '2024-01-15T00:00:00.000Z');
    assert.equal(next('0 9 * * *', '2024-01-15T00:00:00Z', 'America/New_York'), '2024-01-15T14:00:00.000Z');
    assert.equal(next('30 2 * * *', '2024-01-15T00:00:00Z', 'Asia/Kolkata'), '2024-01-15T21:00:00.000Z');
    assert.equal(isValidTimeZone('Europe/Berlin'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    assert.equal(formatRFC3339InZone(Date.parse('2024-01-15T14:00:00Z'), 'America/New_York'), '2024-01-15T09:00:00-05:00');
  });

  it('skips wall times removed by a spring-forward jump (robfig semantics)', () => {
    // 2012-03-11 America/New_York: 02:00 EST → 03:00 EDT.
    const tz = 'America/New_York';
    assert.equal(next('30 2 11 3 *', '2012-03-11T05:00:00Z', tz), '2013-03-11T06:30:00.000Z');
    assert.equal(next('0 * * * *', '2012-03-11T06:00:00Z', tz), '2012-03-11T07:00:00.000Z'); // 01:00 EST → 03:00 EDT
    assert.equal(next('0 2 * * *', '2012-03-11T05:00:00Z', tz), '2012-03-12T06:00:00.000Z');
  });

  it('runs repeated wall times in both occurrences on a fall-back (robfig semantics)', () => {
    // 2012-11-04 America/New_York: 02:00 EDT → 01:00 EST.
    const tz = 'America/New_York';
    assert.equal(next('0 * * * *', '2012-11-04T04:00:00Z', tz), '2012-11-04T05:00:00.000Z'); // 01:00 EDT
    assert.equal(next('0 * * * *', '2012-11-04T05:00:00Z', tz), '2012-11-04T06:00:00.000Z'); // 01:00 EST
    assert.equal(next('0 * * * *', '2012-11-04T06:00:00Z', tz), '2012-11-04T07:00:00.000Z'); // 02:00 EST
    assert.equal(next('30 1 4 11 *', '2012-11-04T05:45:00Z', tz), '2012-11-04T06:30:00.000Z');
    assert.equal(next('30 2 4 11 *', '2012-11-04T04:00:00Z', tz), '2012-11-04T07:30:00.000Z');
    // A daily midnight job across the fall-back day still lands on local midnight.
    assert.equal(next('0 0 * * *', '2012-11-04T12:00:00Z', tz), '2012-11-05T05:00:00.000Z');
  });
});

describe('mostRecentScheduleTime', () => {
  const every = parseCron('* * * * *');
  it('returns the latest unmet schedule and the count of missed ones', () => {
    const r = mostRecentScheduleTime(every, { earliestMs: Date.parse('2024-05-01T10:00:00Z') }, Date.parse('2024-05-01T10:03:30Z'), 'UTC');
    assert.equal(iso(r.scheduledMs), '2024-05-01T10:03:00.000Z');
    assert.equal(r.missed, 3);
    assert.equal(mostRecentScheduleTime(every, { earliestMs: Date.parse('2024-05-01T10:00:00Z') }, Date.parse('2024-05-01T10:00:59Z'), 'UTC').scheduledMs, undefined);
  });

  it('counts more than 100 missed starts, and startingDeadlineSeconds bounds the window', () => {
    const now = Date.parse('2024-05-02T10:00:30Z');
    const r = mostRecentScheduleTime(every, { earliestMs: Date.parse('2024-05-01T10:00:00Z') }, now, 'UTC');
    assert.ok(r.missed > TOO_MANY_MISSED);
    assert.equal(r.missed, 1440);
    assert.equal(iso(r.scheduledMs), '2024-05-02T10:00:00.000Z');
    const bounded = mostRecentScheduleTime(every, { earliestMs: Date.parse('2024-05-01T10:00:00Z'), startingDeadlineSeconds: 200 }, now, 'UTC');
    assert.equal(bounded.missed, 3);
    assert.equal(iso(bounded.scheduledMs), '2024-05-02T10:00:00.000Z');
  });

  it('names jobs by scheduled minutes since the epoch', () => {
    assert.equal(jobNameFor('hello', Date.parse('2024-05-01T10:03:00Z')), `hello-${Date.parse('2024-05-01T10:03:00Z') / 60000}`);
  });
});
