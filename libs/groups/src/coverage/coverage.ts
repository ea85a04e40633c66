/**
 * Moderation cover: a weekly schedule of windows in a group's local time zone.
 *
 * Windows are read as local wall-clock times, so a 09:00–17:00 window follows the clocks
 * through daylight-saving changes. Local times that are skipped when clocks go forward simply
 * never happen; local times that repeat when clocks go back are covered both times.
 */

/** days: 1 = Monday … 7 = Sunday (ISO). from/to: "HH:MM" local; to may be "24:00"; to <= from runs past midnight. */
export interface CoverageWindow {
  days: number[];
  from: string;
  to: string;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const MAX_LOOKAHEAD_MS = 8 * DAY_MINUTES * MINUTE_MS;

const START_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const END_PATTERN = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A window reduced to minutes, after discarding anything malformed. */
interface ParsedWindow {
  days: ReadonlySet<number>;
  from: number;
  to: number;
}

function parseMinutes(value: unknown, pattern: RegExp): number | null {
  if (typeof value !== 'string') return null;
  const match = pattern.exec(value);
  if (!match) return null;
  const hours = Number(match[1] ?? match[3]);
  const minutes = Number(match[2] ?? match[4]);
  return hours * 60 + minutes;
}

function isDayNumber(day: unknown): day is number {
  return typeof day === 'number' && Number.isInteger(day) && day >= 1 && day <= 7;
}

// Malformed windows give no cover: a misconfigured schedule falls back to the group's
// out-of-coverage behaviour rather than pretending someone is watching.
function parseWindows(windows: readonly CoverageWindow[]): ParsedWindow[] {
  const parsed: ParsedWindow[] = [];
  for (const window of windows) {
    if (!window || !Array.isArray(window.days)) continue;
    const from = parseMinutes(window.from, START_PATTERN);
    const to = parseMinutes(window.to, END_PATTERN);
    const days = new Set(window.days.filter(isDayNumber));
    if (from === null || to === null || days.size === 0) continue;
    parsed.push({ days, from, to });
  }
  return parsed;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // hourCycle h23 avoids the "24:00" midnight that hour12: false gives in some engines.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface LocalTime {
  /** 1 = Monday … 7 = Sunday */
  isoDay: number;
  /** minutes since local midnight, 0..1439 */
  minuteOfDay: number;
  /** local wall-clock time minus UTC, in milliseconds */
  offsetMs: number;
}

function localTime(timeZone: string, at: Date): LocalTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? NaN;
  const month = fields.month ?? NaN;
  const day = fields.day ?? NaN;
  const hour = (fields.hour ?? NaN) % 24;
  const minute = fields.minute ?? NaN;
  const second = fields.second ?? NaN;
  const wallClockAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const utcDay = new Date(Date.UTC(year, month - 1, day)).getUTCDay(); // 0 = Sunday
  const wholeSecondsAt = Math.floor(at.getTime() / 1000) * 1000;
  return {
    isoDay: utcDay === 0 ? 7 : utcDay,
    minuteOfDay: hour * 60 + minute,
    offsetMs: wallClockAsUtc - wholeSecondsAt,
  };
}

function previousDay(isoDay: number): number {
  return isoDay === 1 ? 7 : isoDay - 1;
}

function coveredLocally(windows: readonly ParsedWindow[], isoDay: number, minuteOfDay: number): boolean {
  return windows.some((w) => {
    if (w.from < w.to) return w.days.has(isoDay) && minuteOfDay >= w.from && minuteOfDay < w.to;
    // Runs past midnight: the evening part belongs to the listed day, the early hours to the day after.
    return (w.days.has(isoDay) && minuteOfDay >= w.from) || (w.days.has(previousDay(isoDay)) && minuteOfDay < w.to);
  });
}

function assertValidDate(at: Date, name: string): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

/**
 * Whether a supporter is scheduled to be on cover at the instant `at`. An empty list means never.
 * Throws RangeError for an unknown time zone (check with isValidTimeZone first).
 */
export function isCovered(windows: CoverageWindow[], timeZone: string, at: Date): boolean {
  assertValidDate(at, 'at');
  // Resolve the zone first so a bad one is reported even when there are no windows.
  formatterFor(timeZone);
  const parsed = parseWindows(windows);
  if (parsed.length === 0) return false;
  const local = localTime(timeZone, at);
  return coveredLocally(parsed, local.isoDay, local.minuteOfDay);
}

/** Every local minute-of-week (0 = Monday 00:00) at which some window starts or ends. */
function weeklyBoundaries(windows: readonly ParsedWindow[]): number[] {
  const boundaries = new Set<number>();
  for (const w of windows) {
    for (const day of w.days) {
      const dayStart = (day - 1) * DAY_MINUTES;
      boundaries.add((dayStart + w.from) % WEEK_MINUTES);
      const end = w.from < w.to ? dayStart + w.to : dayStart + DAY_MINUTES + w.to;
      boundaries.add(end % WEEK_MINUTES);
    }
  }
  return [...boundaries];
}

/** First whole minute after `fromMs` (exclusive) and at or before `toMs` whose UTC offset differs from `offsetMs`. */
function findOffsetChange(timeZone: string, fromMs: number, toMs: number, offsetMs: number): number {
  // Offsets change once in a stretch this short, so the first minute with the new offset can be bisected.
  let lo = fromMs / MINUTE_MS;
  let hi = toMs / MINUTE_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localTime(timeZone, new Date(mid * MINUTE_MS)).offsetMs === offsetMs) lo = mid;
    else hi = mid;
  }
  return hi * MINUTE_MS;
}

/**
 * The next instant after `from` at which isCovered changes, or null when it does not change
 * within 8 days (always covered, never covered, or only a longer gap ahead).
 *
 * Rather than testing every minute, it jumps from one local window boundary to the next and
 * checks for a clock change (daylight saving) in between, which can also flip cover.
 */
export function nextCoverageChange(windows: CoverageWindow[], timeZone: string, from: Date): Date | null {
  assertValidDate(from, 'from');
  const initial = isCovered(windows, timeZone, from);
  const boundaries = weeklyBoundaries(parseWindows(windows));
  if (boundaries.length === 0) return null;

  const limitMs = from.getTime() + MAX_LOOKAHEAD_MS;
  let cursorMs = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  while (cursorMs < limitMs) {
    const local = localTime(timeZone, new Date(cursorMs));
    const minuteOfWeek = (local.isoDay - 1) * DAY_MINUTES + local.minuteOfDay;
    let step = WEEK_MINUTES;
    for (const boundary of boundaries) {
      const ahead = (boundary - minuteOfWeek + WEEK_MINUTES) % WEEK_MINUTES || WEEK_MINUTES;
      if (ahead < step) step = ahead;
    }
    let nextMs = cursorMs + step * MINUTE_MS;
    if (localTime(timeZone, new Date(nextMs)).offsetMs !== local.offsetMs) {
      nextMs = findOffsetChange(timeZone, cursorMs, nextMs, local.offsetMs);
    }
    if (nextMs > limitMs) return null;
    if (isCovered(windows, timeZone, new Date(nextMs)) !== initial) return new Date(nextMs);
    cursorMs = nextMs;
  }
  return null;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 20 ? `${value.slice(0, 20)}…` : value}"`;
  try {
    return String(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

/** Plain-language problems with a coverage schedule from admin input; [] when it is fine. */
export function validateCoverage(windows: unknown): string[] {
  if (!Array.isArray(windows)) {
    return ['Cover must be a list of windows, each with days, a start time and an end time.'];
  }
  const problems: string[] = [];
  windows.forEach((window: unknown, index) => {
    const label = `Window ${index + 1}`;
    if (typeof window !== 'object' || window === null || Array.isArray(window)) {
      problems.push(`${label} must have days, a start time ("from") and an end time ("to").`);
      return;
    }
    const { days, from, to } = window as Record<string, unknown>;

    if (!Array.isArray(days) || days.length === 0) {
      problems.push(`${label} has no days. Pick at least one day, from 1 (Monday) to 7 (Sunday).`);
    } else {
      const seen = new Set<number>();
      for (const day of days) {
        if (!isDayNumber(day)) {
          problems.push(`${label} has a day ${describeValue(day)} that isn't a whole number from 1 (Monday) to 7 (Sunday).`);
        } else if (seen.has(day)) {
          problems.push(`${label} lists ${DAY_NAMES[day - 1]} more than once.`);
        } else {
          seen.add(day);
        }
      }
    }

    if (from === undefined) {
      problems.push(`${label} has no start time ("from"). Use 24-hour HH:MM, like 09:00.`);
    } else if (parseMinutes(from, START_PATTERN) === null) {
      problems.push(`${label} has a start time ${describeValue(from)} that isn't 24-hour HH:MM from 00:00 to 23:59, like 09:00.`);
    }
    if (to === undefined) {
      problems.push(`${label} has no end time ("to"). Use 24-hour HH:MM, like 17:00, or 24:00 for midnight.`);
    } else if (parseMinutes(to, END_PATTERN) === null) {
      problems.push(`${label} has an end time ${describeValue(to)} that isn't 24-hour HH:MM from 00:00 to 24:00, like 17:00.`);
    }
  });
  return problems;
}

/** Whether the runtime knows this IANA time zone name (for example "Europe/London"). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const DAY_MS = 24 * 60 * MINUTE_MS;

function localDateKey(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return Date.UTC(get('year'), get('month') - 1, get('day'));
}

/**
 * A moment in words a person reads, on the group's clock: "9:00 am today", "9:00 am tomorrow",
 * "9:00 am on Monday" within the week, "9:00 am on 14 December" after that.
 */
export function describeLocalTime(at: Date, now: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(at);
  const days = Math.round((localDateKey(at, timeZone) - localDateKey(now, timeZone)) / DAY_MS);
  if (days <= 0) return `${time} today`;
  if (days === 1) return `${time} tomorrow`;
  if (days < 7) return `${time} on ${new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long' }).format(at)}`;
  return `${time} on ${new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'long' }).format(at)}`;
}

/** What a person waiting for a supporter can honestly be told about when one will look. */
export interface CoverPromise {
  /** No supporter is on cover now. */
  outOfCover: boolean;
  /** When cover next starts (within eight days); null while on cover or when none is scheduled. */
  coverStartsAt: Date | null;
  /** Plain words for someone waiting, while out of cover; null on cover (the review deadline holds then). */
  message: string | null;
}

/**
 * Out of cover, a review deadline is a promise nobody is there to keep: this says when supporters
 * are next on instead ("Supporters are not on right now; your post will be checked from 9:00 am
 * tomorrow."), on the group's clock. `what` is the rest of the sentence: "your post will be checked".
 */
export function coverPromise(windows: CoverageWindow[], timeZone: string, now: Date, what: string): CoverPromise {
  if (isCovered(windows, timeZone, now)) return { outOfCover: false, coverStartsAt: null, message: null };
  const starts = nextCoverageChange(windows, timeZone, now);
  return {
    outOfCover: true,
    coverStartsAt: starts,
    message: starts
      ? `Supporters are not on right now; ${what} from ${describeLocalTime(starts, now, timeZone)}.`
      : `Supporters are not on right now; ${what} as soon as one is.`,
  };
}
