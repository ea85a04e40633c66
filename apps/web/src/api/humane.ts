/**
 * Words for people: times in the reader's own locale and time zone, and the safety net that keeps
 * developer words (ISO timestamps, clause keys, error codes, field names) out of what the app shows.
 */

/** An ISO 8601 timestamp as the API sends it (`2026-12-05T22:18:33.642Z`). */
export const ISO_TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
/** A kebab-case key (`look-out-for-each-other`): two or more lower-case words joined by hyphens. */
export const KEBAB_KEY = /\b[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*){2,}\b/;
/** A SCREAMING_CASE code (`VALIDATION_FAILED`). */
export const SCREAMING_CODE = /\b[A-Z]{2,}(?:_[A-Z]+)+\b/;
/** A camelCase field name at the start of a sentence (`displayName must …`). */
export const CAMEL_FIELD = /(?:^|[.!?]\s+)[a-z]+[A-Z][A-Za-z]*\b/;

/** What a person should never read: returns the first raw thing found in `text`, or null. */
export function rawWords(text: string): string | null {
  for (const pattern of [new RegExp(ISO_TIMESTAMP.source), KEBAB_KEY, SCREAMING_CODE, CAMEL_FIELD]) {
    const found = pattern.exec(text);
    if (found) return found[0].trim();
  }
  return null;
}

const dayDiff = (when: Date, now: Date) => {
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((start(when) - start(now)) / 86_400_000);
};

/** "10:18 pm" (or "22:18"), as the reader's locale writes a time of day. */
export function formatClock(iso: string | Date | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return '';
  const when = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone }).format(when);
}

/**
 * A moment in plain words, in the reader's locale and time zone: "today, 10:18 pm", "tomorrow,
 * 10:18 pm", "yesterday, 9:02 am", "Saturday 12 December, 10:18 pm" (with the year when it is not this year).
 */
export function formatWhen(iso: string | Date | null | undefined, now: Date = new Date(), locale?: string): string {
  if (!iso) return '';
  const when = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const clock = formatClock(when, locale);
  const days = dayDiff(when, now);
  if (Math.abs(days) <= 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day');
    return `${word}, ${clock}`;
  }
  const date = new Intl.DateTimeFormat(locale, {
    weekday: Math.abs(days) < 7 ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: when.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  }).format(when);
  return `${date}, ${clock}`;
}

/** How long a wait is, in words: "15 minutes", "about an hour", "a few seconds". */
export function formatWait(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'a moment';
  if (seconds < 60) return seconds <= 10 ? 'a few seconds' : `${Math.ceil(seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'about an hour' : `about ${hours} hours`;
}

/**
 * Older notices and messages may still hold an ISO time or a quoted clause key: times become the
 * reader's local time, and `clause "key"` becomes the clause's title (or just "the agreement").
 */
export function humaneText(text: string, clauseTitles: ReadonlyMap<string, string> = new Map(), now: Date = new Date()): string {
  return text
    .replace(ISO_TIMESTAMP, (iso) => formatWhen(iso, now) || iso)
    .replace(/\s*\(clause "([a-z0-9-]+)"\)/g, (_all, key: string) => (clauseTitles.get(key) ? ` (“${clauseTitles.get(key)}”)` : ''))
    .replace(/clause “?"?([a-z0-9]+(?:-[a-z0-9]+)+)"?”?/g, (_all, key: string) =>
      clauseTitles.get(key) ? `“${clauseTitles.get(key)}”` : 'the group agreement',
    );
}

/** Readable names of the API's fields, for a message that still starts with one. */
const FIELD_NAMES: Record<string, string> = {
  displayName: 'Your display name',
  dateOfBirth: 'Your date of birth',
  email: 'The email address',
  newEmail: 'The new email address',
  password: 'The password',
  currentPassword: 'Your current password',
  newPassword: 'The new password',
  code: 'The code',
  clauseKey: 'The part of the agreement',
  maxUses: 'The number of people',
  expiresAt: 'The end date',
  contentWarning: 'The content warning',
  title: 'The title',
  body: 'What you wrote',
  text: 'What you wrote',
  pattern: 'The word or phrase',
  name: 'The name',
};

/** A field error in people's words: a message that starts with the field's API name gets a readable one. */
export function humaneFieldMessage(field: string, message: string): string {
  const leaf = field.split('.').pop() ?? field;
  if (message.startsWith(`${field} `) || message.startsWith(`${leaf} `)) {
    const name = FIELD_NAMES[leaf] ?? 'This answer';
    const rest = message.slice(message.startsWith(`${field} `) ? field.length : leaf.length).trim();
    return `${name} ${rest}${/[.!?]$/.test(rest) ? '' : '.'}`;
  }
  if (message.endsWith(' is not a recognised property')) return 'Something in the form was not expected. Please reload the page and try again.';
  return message;
}
