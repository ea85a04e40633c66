import { DEFAULT_KIND_PREFERENCES, isTimeZone, mergeKinds, nextDigestAt, quietUntil } from './notification-kinds';
import { digestLines, discreetText, lineFor } from './notification-copy';

const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('holds until the end of quiet hours in the person’s time zone, wrapping past midnight', () => {
    // 23:30 in London (winter, UTC) is inside 22:00–07:00; they end at 07:00 London.
    expect(quietUntil(at('2026-01-10T23:30:00Z'), 'Europe/London', { from: '22:00', to: '07:00' })).toEqual(at('2026-01-11T07:00:00Z'));
    // 06:59:30 is still inside; 07:00 is not.
    expect(quietUntil(at('2026-01-11T06:59:30Z'), 'Europe/London', { from: '22:00', to: '07:00' })).toEqual(at('2026-01-11T07:00:00Z'));
    expect(quietUntil(at('2026-01-11T07:00:00Z'), 'Europe/London', { from: '22:00', to: '07:00' })).toBeNull();
    // Summer time: 22:30 London is 21:30 UTC; the end, 07:00 London, is 06:00 UTC.
    expect(quietUntil(at('2026-07-10T21:30:00Z'), 'Europe/London', { from: '22:00', to: '07:00' })).toEqual(at('2026-07-11T06:00:00Z'));
    // The same instant is afternoon in Auckland: not quiet there.
    expect(quietUntil(at('2026-07-10T21:30:00Z'), 'Pacific/Auckland', { from: '22:00', to: '07:00' })).toBeNull();
  });

  it('has no quiet hours without a window, or with one that starts where it ends', () => {
    expect(quietUntil(at('2026-01-10T23:30:00Z'), 'UTC', null)).toBeNull();
    expect(quietUntil(at('2026-01-10T23:30:00Z'), 'UTC', { from: '10:00', to: '10:00' })).toBeNull();
  });

  it('handles a window within one day', () => {
    expect(quietUntil(at('2026-01-10T13:15:00Z'), 'UTC', { from: '13:00', to: '14:30' })).toEqual(at('2026-01-10T14:30:00Z'));
    expect(quietUntil(at('2026-01-10T12:59:00Z'), 'UTC', { from: '13:00', to: '14:30' })).toBeNull();
  });
});

describe('digest time', () => {
  it('is the next digest hour in the person’s time zone, a day later once today’s has passed', () => {
    expect(nextDigestAt(at('2026-01-10T05:00:00Z'), 'UTC', 8, null)).toEqual(at('2026-01-10T08:00:00Z'));
    expect(nextDigestAt(at('2026-01-10T08:00:00Z'), 'UTC', 8, null)).toEqual(at('2026-01-11T08:00:00Z'));
    expect(nextDigestAt(at('2026-01-10T09:12:34Z'), 'America/New_York', 8, null)).toEqual(at('2026-01-10T13:00:00Z'));
  });

  it('waits for the end of quiet hours when the digest hour falls in them', () => {
    expect(nextDigestAt(at('2026-01-10T05:00:00Z'), 'UTC', 8, { from: '22:00', to: '09:30' })).toEqual(at('2026-01-10T09:30:00Z'));
  });
});

describe('preferences', () => {
  it('fills every kind from the defaults under what the person changed', () => {
    const kinds = mergeKinds({ reply: { email: 'off' } });
    expect(kinds.reply).toEqual({ ...DEFAULT_KIND_PREFERENCES.reply, email: 'off' });
    expect(kinds.mention).toEqual(DEFAULT_KIND_PREFERENCES.mention);
    // Reactions never push or mail unless asked; urgent review alerts are never quiet.
    expect(kinds.reaction).toMatchObject({ push: false, email: 'off' });
    expect(kinds['review-urgent'].neverQuiet).toBe(true);
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('what push and mail say', () => {
  it('says only that something happened, and names the group only when given (for those who opted in)', () => {
    expect(discreetText('reply')).toEqual({ title: 'Kindred: you have a new reply', body: 'Open Kindred to see it.' });
    expect(discreetText('reaction', 3).title).toBe('Kindred: 3 people sent support');
    expect(discreetText('reply', 1, 'Kidney friends').title).toBe('Kindred: you have a new reply (Kidney friends)');
    expect(lineFor('reaction', 1)).toBe('Someone sent support');
  });

  it('sums a digest per kind, in a fixed order', () => {
    expect(digestLines({ mention: 1, reply: 3 })).toEqual(['3 new replies', 'Someone mentioned you']);
  });
});
