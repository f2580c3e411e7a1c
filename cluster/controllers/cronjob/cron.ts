/**
 * Cron schedules as CronJobs read them (robfig/cron/v3 ParseStandard, which the
 * CronJob controller uses): five fields — minute hour day-of-month month day-of-week —
 * with `*`/`?`, numbers, month and weekday names, ranges `a-b`, steps `*\/n`, `a-b/n`,
 * `a/n`, comma lists, and the descriptors @yearly/@annually/@monthly/@weekly/@daily/
 * @midnight/@hourly. When both day fields are restricted a day matches if either does.
 *
 * Times are evaluated in an IANA time zone through Intl. Like robfig's Next, the next
 * run is the earliest instant whose wall-clock time matches: a time skipped by a DST
 * jump does not run that day, a time repeated by a fall-back runs in both occurrences.
 */

interface FieldBounds {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly FieldBounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 6, names: DOW_NAMES },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface CronSchedule {
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** The field was `*` or `?` (robfig's star bit): decides AND vs OR of the day fields. */
  readonly domStar: boolean;
  readonly dowStar: boolean;
}

export class CronParseError extends Error {}

function parseValue(text: string, f: FieldBounds): number {
  const lower = text.toLowerCase();
  if (f.names && lower in f.names) return f.names[lower];
  if (!/^\d+$/.test(text)) throw new CronParseError(`failed to parse int from ${text}: invalid ${f.name}`);
  return Number(text);
}

/** One field: returns its values and whether it was a bare star. */
function parseField(expr: string, f: FieldBounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of expr.split(',')) {
    if (!part) throw new CronParseError(`empty element in ${f.name} field "${expr}"`);
    const [rangeText, stepText, ...extra] = part.split('/');
    if (extra.length) throw new CronParseError(`too many slashes: ${part}`);
    let start: number;
    let end: number;
    let isStar = false;
    if (rangeText === '*' || rangeText === '?') {
      [start, end, isStar] = [f.min, f.max, true];
    } else {
      const bounds = rangeText.split('-');
      if (bounds.length > 2) throw new CronParseError(`too many hyphens: ${part}`);
      start = parseValue(bounds[0], f);
      end = bounds.length === 2 ? parseValue(bounds[1], f) : start;
      if (bounds.length === 1 && stepText !== undefined) end = f.max; // `a/n` means a through max
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) <= 0) throw new CronParseError(`step of range should be a positive number: ${part}`);
      step = Number(stepText);
      if (step > 1) isStar = false;
    }
    if (start < f.min) throw new CronParseError(`beginning of range (${start}) below minimum (${f.min}): ${part}`);
    if (end > f.max) throw new CronParseError(`end of range (${end}) above maximum (${f.max}): ${part}`);
    if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    for (let v = start; v <= end; v += step) values.add(v);
    star ||= isStar;
  }
  return { values, star };
}

/** Parses a standard 5-field schedule or descriptor; throws CronParseError. */
export function parseCron(spec: string): CronSchedule {
  const trimmed = spec.trim();
  if (!trimmed) throw new CronParseError('empty spec string');
  if (/^(CRON_)?TZ=/.test(trimmed)) throw new CronParseError('time zones in the schedule are not supported; use spec.timeZone');
  let expanded = trimmed;
  if (trimmed.startsWith('@')) {
    expanded = DESCRIPTORS[trimmed.toLowerCase()];
    if (!expanded) throw new CronParseError(`unrecognized descriptor: ${trimmed}`);
  }
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${parts.length}: ${trimmed}`);
  const [mi, h, dom, mo, dow] = parts.map((p, i) => parseField(p, FIELDS[i]));
  return { source: trimmed, minutes: mi.values, hours: h.values, daysOfMonth: dom.values, months: mo.values, daysOfWeek: dow.values, domStar: dom.star, dowStar: dow.star };
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone the controller uses when spec.timeZone is unset (upstream: the controller manager's local zone). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether `tz` is an IANA zone Intl knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a zone. */
export function wallTime(ms: number, timeZone: string): WallTime {
  const out: Partial<WallTime> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type === 'weekday') out.weekday = WEEKDAYS[p.value];
    else if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute') out[p.type] = Number(p.value);
  }
  return out as WallTime;
}

/** UTC offset of `timeZone` at an instant, in minutes (east positive). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const w = wallTime(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/** RFC 3339 with the zone's offset (Go's time.RFC3339 after In(loc)). */
export function formatRFC3339InZone(ms: number, timeZone: string): string {
  const off = offsetMinutes(ms, timeZone);
  const local = new Date(ms + off * 60_000).toISOString().replace(/\.\d+Z$/, '');
  if (off === 0) return `${local}Z`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

const sameDay = (a: WallTime, b: WallTime) => a.year === b.year && a.month === b.month && a.day === b.day;

function dayMatches(s: CronSchedule, w: WallTime): boolean {
  const dom = s.daysOfMonth.has(w.day);
  const dow = s.daysOfWeek.has(w.weekday);
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/** The first instant of the next wall-clock day (exact across DST shifts). */
function startOfNextDay(t: number, w: WallTime, tz: string): number {
  let guess = t + ((24 - w.hour) * 60 - w.minute) * 60_000;
  let g = wallTime(guess, tz);
  if (sameDay(g, w)) {
    guess += ((24 - g.hour) * 60 - g.minute) * 60_000;
    g = wallTime(guess, tz);
  }
  // A fall-back shift may have carried us past midnight: step back to the day's first minute.
  for (let i = 0; i < 180 && !sameDay(wallTime(guess - 60_000, tz), w); i++) guess -= 60_000;
  return guess;
}

const FIVE_YEARS_MS = 5 * 366 * 24 * 3600 * 1000;

/**
 * The first scheduled instant strictly after `afterMs` (ms since epoch), or undefined
 * if none comes within five years (e.g. `0 0 30 2 *`), as robfig returns the zero time.
 */
export function nextAfter(s: CronSchedule, afterMs: number, timeZone = 'UTC'): number | undefined {
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  const limit = afterMs + FIVE_YEARS_MS;
  while (t <= limit) {
    const w = wallTime(t, timeZone);
    if (!s.months.has(w.month) || !dayMatches(s, w)) {
      t = startOfNextDay(t, w, timeZone);
      continue;
    }
    if (!s.hours.has(w.hour)) {
      t += (60 - w.minute) * 60_000;
      continue;
    }
    if (!s.minutes.has(w.minute)) {
      t += 60_000;
      continue;
    }
    return t;
  }
  return undefined;
}
