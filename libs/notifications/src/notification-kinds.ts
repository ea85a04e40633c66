/**
 * What a notification is about. In-app is always on; push and email follow the person's preferences
 * (NotificationPreferences). `reaction` notifications are batched per post ("3 people sent
 * support"); `signposting` is the push that follows crisis signposting to the author.
 */
export const NOTIFICATION_KINDS = [
  'reply',
  'mention',
  'moderation',
  'application',
  'agreement',
  'sanction',
  'report-outcome',
  'review-urgent',
  'review-overdue',
  'mentoring',
  'reaction',
  'signposting',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type EmailMode = 'off' | 'immediate' | 'digest';

export interface KindPreference {
  push: boolean;
  email: EmailMode;
  /** Sent by push and email even in quiet hours. */
  neverQuiet: boolean;
}

/** A person's notification settings (API.md, `GET /me/notification-preferences`). */
export interface NotificationPreferences {
  /** IANA time zone their quiet hours and digest time are read in. */
  timezone: string;
  /** Local "HH:MM" to "HH:MM" (may wrap past midnight); nothing by push or email then, except never-quiet kinds. */
  quietHours: { from: string; to: string } | null;
  kinds: Record<NotificationKind, KindPreference>;
  /**
   * Opt-in: push and mail may name the group. Off by default, and even on, nothing anyone wrote
   * and no condition is ever sent by push or mail.
   */
  showDetails: boolean;
}

/**
 * Defaults for a member who never opens the settings: push for what concerns them directly, email
 * only as a daily digest except what they wait for (an application decision, an agreement to
 * accept, a sanction) and safeguarding alerts for supporters. Reactions stay in the app.
 */
export const DEFAULT_KIND_PREFERENCES: Record<NotificationKind, KindPreference> = {
  reply: { push: true, email: 'digest', neverQuiet: false },
  mention: { push: true, email: 'digest', neverQuiet: false },
  moderation: { push: true, email: 'digest', neverQuiet: false },
  application: { push: true, email: 'immediate', neverQuiet: false },
  agreement: { push: true, email: 'immediate', neverQuiet: false },
  sanction: { push: true, email: 'immediate', neverQuiet: false },
  'report-outcome': { push: false, email: 'digest', neverQuiet: false },
  'review-urgent': { push: true, email: 'immediate', neverQuiet: true },
  'review-overdue': { push: true, email: 'immediate', neverQuiet: false },
  mentoring: { push: true, email: 'digest', neverQuiet: false },
  reaction: { push: false, email: 'off', neverQuiet: false },
  signposting: { push: true, email: 'off', neverQuiet: true },
};

export const DEFAULT_TIMEZONE = 'UTC';

export function defaultPreferences(): NotificationPreferences {
  return { timezone: DEFAULT_TIMEZONE, quietHours: null, kinds: { ...DEFAULT_KIND_PREFERENCES }, showDetails: false };
}

/** Stored overrides merged over the defaults (a kind added later gets its default). */
export function mergeKinds(stored: Partial<Record<string, Partial<KindPreference>>>): Record<NotificationKind, KindPreference> {
  const out = {} as Record<NotificationKind, KindPreference>;
  for (const kind of NOTIFICATION_KINDS) out[kind] = { ...DEFAULT_KIND_PREFERENCES[kind], ...(stored[kind] ?? {}) };
  return out;
}

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** Whether `timezone` is an IANA zone this runtime knows. */
export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

function minutesOf(hhmm: string): number {
  const [, h, m] = HH_MM.exec(hhmm)!;
  return Number(h) * 60 + Number(m);
}

/** One formatter per zone: making an Intl.DateTimeFormat costs far more than using one, and a fan-out asks for every recipient. */
const clockFormats = new Map<string, Intl.DateTimeFormat>();

function clockFormat(timezone: string): Intl.DateTimeFormat {
  let format = clockFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    clockFormats.set(timezone, format);
  }
  return format;
}

/** Minutes since local midnight, and seconds into the minute, at `at` in `timezone`. */
function localClock(at: Date, timezone: string): { minutes: number; seconds: number; ms: number } {
  const parts = clockFormat(timezone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minutes: get('hour') * 60 + get('minute'), seconds: get('second'), ms: at.getUTCMilliseconds() };
}

/** The instant `minutes` local minutes after the start of the current local minute at `at`. */
function after(at: Date, minutes: number, clock: { seconds: number; ms: number }): Date {
  return new Date(at.getTime() - clock.seconds * 1000 - clock.ms + minutes * 60_000);
}

/**
 * When the person's quiet hours end, if `at` falls inside them; null otherwise (or with none set).
 * "22:00"–"07:00" wraps past midnight; from = to means no quiet hours.
 */
export function quietUntil(at: Date, timezone: string, quietHours: { from: string; to: string } | null): Date | null {
  if (!quietHours) return null;
  const from = minutesOf(quietHours.from);
  const to = minutesOf(quietHours.to);
  if (from === to) return null;
  const clock = localClock(at, timezone);
  const m = clock.minutes;
  const inside = from < to ? m >= from && m < to : m >= from || m < to;
  if (!inside) return null;
  return after(at, (to - m + 1440) % 1440, clock);
}

/**
 * When a digest item written at `at` goes out: the next `digestHour`:00 local time (a day's items
 * go together), or later if that falls in quiet hours.
 */
export function nextDigestAt(at: Date, timezone: string, digestHour: number, quietHours: { from: string; to: string } | null): Date {
  const clock = localClock(at, timezone);
  const minutes = (digestHour * 60 - clock.minutes + 1440) % 1440 || 1440;
  const due = after(at, minutes, clock);
  return quietUntil(due, timezone, quietHours) ?? due;
}

/** How a notification reaches someone who is not looking, besides the app: a pushed device, or mail. */
export type DeliveryChannel = 'push' | 'email';
/** Mail and push go at once (after quiet hours), or mail waits for the daily digest. */
export type DeliveryMode = 'immediate' | 'digest';
export type DeliveryState = 'pending' | 'held' | 'sending' | 'sent' | 'failed' | 'skipped';
