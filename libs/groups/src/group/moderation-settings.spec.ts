import { DEFAULT_MODERATION, resolveModerationSettings, validateModerationSettings } from './moderation-settings';

/** Distinct fields, in order: one field may carry several problems. */
const fields = (errors: { field: string }[]) => [...new Set(errors.map((e) => e.field))];

describe('validateModerationSettings', () => {
  it('accepts the defaults', () => {
    expect(validateModerationSettings(DEFAULT_MODERATION)).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an unknown mode', { mode: 'none' }, 'moderation.mode'],
    ['a negative firstPostsHeld', { firstPostsHeld: -1 }, 'moderation.firstPostsHeld'],
    ['a fractional firstPostsHeld', { firstPostsHeld: 1.5 }, 'moderation.firstPostsHeld'],
    ['too many firstPostsHeld', { firstPostsHeld: 51 }, 'moderation.firstPostsHeld'],
    ['a zero review SLA', { reviewSlaMinutes: 0 }, 'moderation.reviewSlaMinutes'],
    ['a review SLA over a week', { reviewSlaMinutes: 10081 }, 'moderation.reviewSlaMinutes'],
    ['an urgent SLA over a day', { urgentSlaMinutes: 1441 }, 'moderation.urgentSlaMinutes'],
    ['an urgent SLA longer than the normal one', { reviewSlaMinutes: 10, urgentSlaMinutes: 11 }, 'moderation.urgentSlaMinutes'],
    ['reportsToHide of 0', { reportsToHide: 0 }, 'moderation.reportsToHide'],
    ['reportsToHide as text', { reportsToHide: '2' }, 'moderation.reportsToHide'],
    ['a malformed cover window', { coverage: [{ days: [8], from: '9am', to: '17:00' }] }, 'moderation.coverage'],
    ['cover that is not a list', { coverage: 'weekdays' }, 'moderation.coverage'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'moderation.timezone'],
    ['an unknown out-of-coverage mode', { outOfCoverage: 'closed' }, 'moderation.outOfCoverage'],
    ['an unknown setting', { holdAll: true }, 'moderation.holdAll'],
  ])('refuses %s', (_name, change, field) => {
    expect(fields(validateModerationSettings({ ...DEFAULT_MODERATION, ...change }))).toEqual([field]);
  });

  it('refuses something that is not an object', () => {
    expect(fields(validateModerationSettings('pre'))).toEqual(['moderation']);
    expect(fields(validateModerationSettings([]))).toEqual(['moderation']);
  });

  it('allows an empty cover schedule (the group is then always out of cover)', () => {
    expect(validateModerationSettings({ ...DEFAULT_MODERATION, coverage: [] })).toEqual([]);
  });

  it('allows an urgent SLA equal to the normal one', () => {
    expect(validateModerationSettings({ ...DEFAULT_MODERATION, reviewSlaMinutes: 15, urgentSlaMinutes: 15 })).toEqual([]);
  });
});

describe('resolveModerationSettings', () => {
  it('gives the defaults when nothing is sent', () => {
    expect(resolveModerationSettings(undefined)).toEqual({ ok: true, settings: DEFAULT_MODERATION });
  });

  it('fills the settings that were left out from the base', () => {
    const result = resolveModerationSettings({ mode: 'pre', timezone: 'Europe/Dublin' });
    expect(result).toEqual({ ok: true, settings: { ...DEFAULT_MODERATION, mode: 'pre', timezone: 'Europe/Dublin' } });
  });

  it('checks the merged result, so one change cannot break a pair of settings', () => {
    const base = { ...DEFAULT_MODERATION, reviewSlaMinutes: 60, urgentSlaMinutes: 30 };
    const result = resolveModerationSettings({ reviewSlaMinutes: 20 }, base);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : fields(result.errors)).toEqual(['moderation.urgentSlaMinutes']);
  });

  it('never shares arrays with the base', () => {
    const result = resolveModerationSettings({});
    if (!result.ok) throw new Error('expected ok');
    result.settings.coverage[0]!.days.push(8);
    expect(DEFAULT_MODERATION.coverage[0]!.days).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses a non-object', () => {
    expect(resolveModerationSettings(null)).toEqual({ ok: false, errors: [{ field: 'moderation', message: 'Moderation settings must be an object.' }] });
  });
});
