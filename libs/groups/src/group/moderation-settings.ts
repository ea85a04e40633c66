import type { FieldError } from '@kindred/http';
import { CoverageWindow, isValidTimeZone, validateCoverage } from '../coverage/coverage';

export type ModerationMode = 'pre' | 'post' | 'first-posts';
export type OutOfCoverageMode = 'pre' | 'post' | 'readonly';

/** How a group is moderated (API.md, `moderation`). */
export interface ModerationSettings {
  mode: ModerationMode;
  /** Under `first-posts`, how many of a member's first posts are held for review. */
  firstPostsHeld: number;
  reviewSlaMinutes: number;
  /** For crisis items; never longer than the normal SLA. */
  urgentSlaMinutes: number;
  /** Distinct reporters that hide an item pending review. */
  reportsToHide: number;
  coverage: CoverageWindow[];
  /** IANA time zone the coverage windows are read in. */
  timezone: string;
  outOfCoverage: OutOfCoverageMode;
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

/** What a new group starts with when the admin leaves a setting out. */
export const DEFAULT_MODERATION: Readonly<ModerationSettings> = Object.freeze({
  mode: 'first-posts',
  firstPostsHeld: 2,
  reviewSlaMinutes: 240,
  urgentSlaMinutes: 15,
  reportsToHide: 2,
  coverage: [{ days: EVERY_DAY, from: '08:00', to: '22:00' }],
  timezone: 'Europe/London',
  outOfCoverage: 'pre',
});

const MODES: readonly ModerationMode[] = ['pre', 'post', 'first-posts'];
const OUT_OF_COVERAGE: readonly OutOfCoverageMode[] = ['pre', 'post', 'readonly'];
const MAX_COVERAGE_WINDOWS = 50;

const SETTING_NAMES = new Set<keyof ModerationSettings>([
  'mode',
  'firstPostsHeld',
  'reviewSlaMinutes',
  'urgentSlaMinutes',
  'reportsToHide',
  'coverage',
  'timezone',
  'outOfCoverage',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks a complete settings object; fields are paths like "moderation.timezone".
 * [] when the settings are fine.
 */
export function validateModerationSettings(value: unknown, path = 'moderation'): FieldError[] {
  if (!isPlainObject(value)) return [{ field: path, message: 'Moderation settings must be an object.' }];
  const errors: FieldError[] = [];
  const at = (name: string) => `${path}.${name}`;

  for (const property of Object.keys(value)) {
    if (!SETTING_NAMES.has(property as keyof ModerationSettings)) {
      errors.push({ field: at(property), message: 'Moderation has no setting with this name.' });
    }
  }
  if (!MODES.includes(value.mode as ModerationMode)) {
    errors.push({ field: at('mode'), message: `The mode must be one of ${MODES.map((m) => `"${m}"`).join(', ')}.` });
  }
  if (!isIntIn(value.firstPostsHeld, 0, 50)) {
    errors.push({ field: at('firstPostsHeld'), message: 'The number of first posts held must be a whole number from 0 to 50.' });
  }
  const reviewOk = isIntIn(value.reviewSlaMinutes, 1, 10080);
  if (!reviewOk) {
    errors.push({ field: at('reviewSlaMinutes'), message: 'The review deadline must be a whole number of minutes from 1 to 10080 (a week).' });
  }
  if (!isIntIn(value.urgentSlaMinutes, 1, 1440)) {
    errors.push({ field: at('urgentSlaMinutes'), message: 'The urgent review deadline must be a whole number of minutes from 1 to 1440 (a day).' });
  } else if (reviewOk && (value.urgentSlaMinutes as number) > (value.reviewSlaMinutes as number)) {
    errors.push({ field: at('urgentSlaMinutes'), message: "The urgent review deadline can't be longer than the normal one." });
  }
  if (!isIntIn(value.reportsToHide, 1, 50)) {
    errors.push({ field: at('reportsToHide'), message: 'The number of reports that hide an item must be a whole number from 1 to 50.' });
  }
  if (Array.isArray(value.coverage) && value.coverage.length > MAX_COVERAGE_WINDOWS) {
    errors.push({ field: at('coverage'), message: `Use at most ${MAX_COVERAGE_WINDOWS} cover windows.` });
  } else {
    for (const problem of validateCoverage(value.coverage)) errors.push({ field: at('coverage'), message: problem });
  }
  if (typeof value.timezone !== 'string' || !isValidTimeZone(value.timezone)) {
    errors.push({ field: at('timezone'), message: 'The time zone must be an IANA name such as "Europe/London".' });
  }
  if (!OUT_OF_COVERAGE.includes(value.outOfCoverage as OutOfCoverageMode)) {
    errors.push({
      field: at('outOfCoverage'),
      message: `What happens out of cover must be one of ${OUT_OF_COVERAGE.map((m) => `"${m}"`).join(', ')}.`,
    });
  }
  return errors;
}

export type ResolvedModeration = { ok: true; settings: ModerationSettings } | { ok: false; errors: FieldError[] };

/**
 * Applies an admin's (possibly partial) moderation settings over `base` — the defaults for a new
 * group, the current settings for an update — and checks the result as a whole, so a change to
 * one setting cannot leave the group with an inconsistent pair (urgent SLA > normal SLA).
 */
export function resolveModerationSettings(input: unknown, base: ModerationSettings = DEFAULT_MODERATION): ResolvedModeration {
  if (input === undefined) return { ok: true, settings: cloneSettings(base) };
  if (!isPlainObject(input)) return { ok: false, errors: [{ field: 'moderation', message: 'Moderation settings must be an object.' }] };
  const merged: Record<string, unknown> = { ...cloneSettings(base), ...input };
  const errors = validateModerationSettings(merged);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, settings: cloneSettings(merged as unknown as ModerationSettings) };
}

/** A deep copy holding only the known settings, in a stable order. */
function cloneSettings(s: ModerationSettings): ModerationSettings {
  return {
    mode: s.mode,
    firstPostsHeld: s.firstPostsHeld,
    reviewSlaMinutes: s.reviewSlaMinutes,
    urgentSlaMinutes: s.urgentSlaMinutes,
    reportsToHide: s.reportsToHide,
    coverage: s.coverage.map((w) => ({ days: [...w.days], from: w.from, to: w.to })),
    timezone: s.timezone,
    outOfCoverage: s.outOfCoverage,
  };
}
