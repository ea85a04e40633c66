import { CoverageWindow, coverPromise, describeLocalTime, isCovered, isValidTimeZone, nextCoverageChange, validateCoverage } from './coverage';

const LONDON = 'Europe/London';
const utc = (iso: string): Date => new Date(iso);

const weekdaysNineToFive: CoverageWindow[] = [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }];
// 2025-03-30 is the last Sunday of March: at 01:00 UTC London goes from 01:00 GMT to 02:00 BST.
const springForwardSmallHours: CoverageWindow[] = [{ days: [7], from: '00:30', to: '01:30' }];
// 2025-10-26 is the last Sunday of October: at 01:00 UTC London goes from 02:00 BST back to 01:00 GMT.
const fallBackRepeatedHour: CoverageWindow[] = [{ days: [7], from: '01:00', to: '02:00' }];
const fridayLate: CoverageWindow[] = [{ days: [5], from: '22:00', to: '02:00' }];
const sundayNight: CoverageWindow[] = [{ days: [7], from: '22:00', to: '06:00' }];
const saturdayEvening: CoverageWindow[] = [{ days: [6], from: '18:00', to: '24:00' }];
const wholeSunday: CoverageWindow[] = [{ days: [7], from: '00:00', to: '24:00' }];
const wholeWednesday: CoverageWindow[] = [{ days: [3], from: '00:00', to: '00:00' }];
const splitMonday: CoverageWindow[] = [
  { days: [1], from: '09:00', to: '12:00' },
  { days: [1], from: '13:00', to: '17:00' },
];
const adjacentMonday: CoverageWindow[] = [
  { days: [1], from: '09:00', to: '12:00' },
  { days: [1], from: '12:00', to: '17:00' },
];
const alwaysCovered: CoverageWindow[] = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];

describe('isCovered', () => {
  test.each<[string, CoverageWindow[], string, string, boolean]>([
    ['weekday 9–5: 08:30 UTC in summer is 09:30 BST', weekdaysNineToFive, LONDON, '2025-07-14T08:30:00Z', true],
    ['weekday 9–5: 08:30 UTC in winter is 08:30 GMT', weekdaysNineToFive, LONDON, '2025-01-13T08:30:00Z', false],
    ['weekday 9–5: the start minute is covered', weekdaysNineToFive, LONDON, '2025-01-13T09:00:00Z', true],
    ['weekday 9–5: a second before the start is not', weekdaysNineToFive, LONDON, '2025-01-13T08:59:59.999Z', false],
    ['weekday 9–5: the last minute is covered', weekdaysNineToFive, LONDON, '2025-07-14T15:59:00Z', true],
    ['weekday 9–5: the end minute (17:00 BST) is not', weekdaysNineToFive, LONDON, '2025-07-14T16:00:00Z', false],
    ['weekday 9–5: Saturday is not', weekdaysNineToFive, LONDON, '2025-07-19T10:00:00Z', false],
    ['weekday 9–5: Friday before the October change, 08:30 UTC is 09:30 BST', weekdaysNineToFive, LONDON, '2025-10-24T08:30:00Z', true],
    ['weekday 9–5: Monday after the October change, 08:30 UTC is 08:30 GMT', weekdaysNineToFive, LONDON, '2025-10-27T08:30:00Z', false],
    ['weekday 9–5: Monday after the March change, 08:00 UTC is 09:00 BST', weekdaysNineToFive, LONDON, '2025-03-31T08:00:00Z', true],
    ['no windows: never covered', [], LONDON, '2025-07-14T12:00:00Z', false],
    ['spring-forward 00:30–01:30: 00:29 GMT', springForwardSmallHours, LONDON, '2025-03-30T00:29:00Z', false],
    ['spring-forward 00:30–01:30: 00:30 GMT', springForwardSmallHours, LONDON, '2025-03-30T00:30:00Z', true],
    ['spring-forward 00:30–01:30: 00:59 GMT', springForwardSmallHours, LONDON, '2025-03-30T00:59:00Z', true],
    ['spring-forward 00:30–01:30: clocks jump to 02:00 BST, past the end', springForwardSmallHours, LONDON, '2025-03-30T01:00:00Z', false],
    ['spring-forward 00:30–01:30: an ordinary Sunday, 01:15 GMT', springForwardSmallHours, LONDON, '2025-03-23T01:15:00Z', true],
    ['fall-back 01:00–02:00: 00:59 BST', fallBackRepeatedHour, LONDON, '2025-10-25T23:59:00Z', false],
    ['fall-back 01:00–02:00: first 01:00 (BST)', fallBackRepeatedHour, LONDON, '2025-10-26T00:00:00Z', true],
    ['fall-back 01:00–02:00: first 01:59 (BST)', fallBackRepeatedHour, LONDON, '2025-10-26T00:59:00Z', true],
    ['fall-back 01:00–02:00: repeated 01:30 (GMT)', fallBackRepeatedHour, LONDON, '2025-10-26T01:30:00Z', true],
    ['fall-back 01:00–02:00: 02:00 GMT', fallBackRepeatedHour, LONDON, '2025-10-26T02:00:00Z', false],
    ['Friday 22:00–02:00: 21:59 Friday', fridayLate, LONDON, '2025-01-17T21:59:00Z', false],
    ['Friday 22:00–02:00: 22:00 Friday', fridayLate, LONDON, '2025-01-17T22:00:00Z', true],
    ['Friday 22:00–02:00: 01:59 Saturday', fridayLate, LONDON, '2025-01-18T01:59:00Z', true],
    ['Friday 22:00–02:00: 02:00 Saturday', fridayLate, LONDON, '2025-01-18T02:00:00Z', false],
    ['Friday 22:00–02:00: 23:00 Thursday', fridayLate, LONDON, '2025-01-16T23:00:00Z', false],
    ['Friday 22:00–02:00: 01:00 Friday (belongs to Thursday)', fridayLate, LONDON, '2025-01-17T01:00:00Z', false],
    ['Sunday 22:00–06:00: 05:00 Monday wraps round the week', sundayNight, LONDON, '2025-01-13T05:00:00Z', true],
    ['Saturday 18:00–24:00: 23:59 Saturday', saturdayEvening, LONDON, '2025-01-18T23:59:00Z', true],
    ['Saturday 18:00–24:00: midnight is Sunday', saturdayEvening, LONDON, '2025-01-19T00:00:00Z', false],
    ['Sunday 00:00–24:00: midday Sunday', wholeSunday, LONDON, '2025-01-19T12:00:00Z', true],
    ['Sunday 00:00–24:00: midnight into Monday', wholeSunday, LONDON, '2025-01-20T00:00:00Z', false],
    ['Wednesday 00:00–00:00 is the whole day: 23:59', wholeWednesday, LONDON, '2025-01-15T23:59:00Z', true],
    ['Wednesday 00:00–00:00 is the whole day: Thursday 00:00', wholeWednesday, LONDON, '2025-01-16T00:00:00Z', false],
    ['two windows: the lunch gap', splitMonday, LONDON, '2025-01-13T12:30:00Z', false],
    ['two windows: the afternoon', splitMonday, LONDON, '2025-01-13T13:00:00Z', true],
    ['New York 9–5: 13:00 UTC is 09:00 EDT', weekdaysNineToFive, 'America/New_York', '2025-07-14T13:00:00Z', true],
    ['New York 9–5: 12:59 UTC is 08:59 EDT', weekdaysNineToFive, 'America/New_York', '2025-07-14T12:59:00Z', false],
    ['Kolkata 9–5: 03:30 UTC is 09:00 IST', weekdaysNineToFive, 'Asia/Kolkata', '2025-01-13T03:30:00Z', true],
    ['Kolkata 9–5: 03:29 UTC is 08:59 IST', weekdaysNineToFive, 'Asia/Kolkata', '2025-01-13T03:29:00Z', false],
    ['Sydney 9–5: Sunday 23:00 UTC is Monday 10:00 AEDT', weekdaysNineToFive, 'Australia/Sydney', '2025-01-12T23:00:00Z', true],
    ['UTC zone 9–5', weekdaysNineToFive, 'UTC', '2025-07-14T08:30:00Z', false],
  ])('%s', (_name, windows, zone, at, expected) => {
    expect(isCovered(windows, zone, utc(at))).toBe(expected);
  });

  it('ignores malformed windows rather than treating them as cover', () => {
    const windows = [
      { days: [1], from: '9:00', to: '17:00' },
      { days: [8], from: '09:00', to: '17:00' },
      { days: [], from: '09:00', to: '17:00' },
    ] as CoverageWindow[];
    expect(isCovered(windows, LONDON, utc('2025-01-13T10:00:00Z'))).toBe(false);
    expect(isCovered([...windows, ...weekdaysNineToFive], LONDON, utc('2025-01-13T10:00:00Z'))).toBe(true);
  });

  it('rejects an unknown time zone, even with no windows', () => {
    expect(() => isCovered(weekdaysNineToFive, 'Europe/Londn', utc('2025-01-13T10:00:00Z'))).toThrow(RangeError);
    expect(() => isCovered([], 'Nowhere/Else', utc('2025-01-13T10:00:00Z'))).toThrow(RangeError);
  });

  it('rejects an invalid date', () => {
    expect(() => isCovered(weekdaysNineToFive, LONDON, new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('nextCoverageChange', () => {
  test.each<[string, CoverageWindow[], string, string, string | null]>([
    ['weekday 9–5, before opening', weekdaysNineToFive, LONDON, '2025-01-13T08:00:00Z', '2025-01-13T09:00:00Z'],
    ['weekday 9–5, mid-seconds before opening', weekdaysNineToFive, LONDON, '2025-01-13T08:59:30Z', '2025-01-13T09:00:00Z'],
    ['weekday 9–5, at opening: next is closing', weekdaysNineToFive, LONDON, '2025-01-13T09:00:00Z', '2025-01-13T17:00:00Z'],
    ['weekday 9–5, summer closing is 16:00 UTC', weekdaysNineToFive, LONDON, '2025-07-14T10:00:00Z', '2025-07-14T16:00:00Z'],
    ['weekday 9–5, Friday evening to Monday', weekdaysNineToFive, LONDON, '2025-01-17T17:00:00Z', '2025-01-20T09:00:00Z'],
    ['weekday 9–5, over the March change: Monday opens at 08:00 UTC', weekdaysNineToFive, LONDON, '2025-03-28T18:00:00Z', '2025-03-31T08:00:00Z'],
    ['weekday 9–5, over the October change: Monday opens at 09:00 UTC', weekdaysNineToFive, LONDON, '2025-10-24T17:00:00Z', '2025-10-27T09:00:00Z'],
    ['adjacent windows: the shared boundary is not a change', adjacentMonday, LONDON, '2025-01-13T10:00:00Z', '2025-01-13T17:00:00Z'],
    ['spring-forward 00:30–01:30 opens at 00:30 GMT', springForwardSmallHours, LONDON, '2025-03-30T00:00:00Z', '2025-03-30T00:30:00Z'],
    ['spring-forward 00:30–01:30 ends when clocks jump', springForwardSmallHours, LONDON, '2025-03-30T00:30:00Z', '2025-03-30T01:00:00Z'],
    [
      'spring-forward: clocks jump into a 01:00–03:00 window',
      [{ days: [7], from: '01:00', to: '03:00' }],
      LONDON,
      '2025-03-30T00:00:00Z',
      '2025-03-30T01:00:00Z',
    ],
    [
      'spring-forward: 01:00–03:00 window ends at 03:00 BST',
      [{ days: [7], from: '01:00', to: '03:00' }],
      LONDON,
      '2025-03-30T01:00:00Z',
      '2025-03-30T02:00:00Z',
    ],
    ['fall-back 01:00–02:00 opens at 01:00 BST', fallBackRepeatedHour, LONDON, '2025-10-25T23:30:00Z', '2025-10-26T00:00:00Z'],
    ['fall-back 01:00–02:00 stays covered through the repeated hour', fallBackRepeatedHour, LONDON, '2025-10-26T00:00:00Z', '2025-10-26T02:00:00Z'],
    ['Friday 22:00–02:00 ends on Saturday', fridayLate, LONDON, '2025-01-17T23:00:00Z', '2025-01-18T02:00:00Z'],
    ['Saturday 18:00–24:00 ends at midnight', saturdayEvening, LONDON, '2025-01-18T20:00:00Z', '2025-01-19T00:00:00Z'],
    ['once a week: a full week ahead', [{ days: [1], from: '09:00', to: '10:00' }], LONDON, '2025-01-13T10:00:00Z', '2025-01-20T09:00:00Z'],
    ['no windows: never changes', [], LONDON, '2025-01-13T10:00:00Z', null],
    ['always covered: never changes', alwaysCovered, LONDON, '2025-03-29T10:00:00Z', null],
    ['New York 9–5 over its March change', weekdaysNineToFive, 'America/New_York', '2025-03-07T23:00:00Z', '2025-03-10T13:00:00Z'],
  ])('%s', (_name, windows, zone, from, expected) => {
    const next = nextCoverageChange(windows, zone, utc(from));
    expect(next?.toISOString() ?? null).toBe(expected === null ? null : utc(expected).toISOString());
  });

  // Compare with a minute-by-minute scan over weeks that contain clock changes.
  describe('agrees with a brute-force scan', () => {
    const bruteForce = (windows: CoverageWindow[], zone: string, from: Date): Date | null => {
      const initial = isCovered(windows, zone, from);
      const start = Math.floor(from.getTime() / 60_000) * 60_000;
      for (let t = start + 60_000; t <= from.getTime() + 8 * 24 * 60 * 60_000; t += 60_000) {
        if (isCovered(windows, zone, new Date(t)) !== initial) return new Date(t);
      }
      return null;
    };
    const mixed: CoverageWindow[] = [
      { days: [6, 7], from: '00:30', to: '01:30' },
      { days: [7], from: '23:00', to: '01:15' },
      { days: [1, 3], from: '07:45', to: '24:00' },
    ];
    test.each<[string, string]>([
      [LONDON, '2025-03-29T12:00:00Z'],
      [LONDON, '2025-03-30T00:45:00Z'],
      [LONDON, '2025-10-25T12:00:00Z'],
      [LONDON, '2025-10-26T00:40:00Z'],
      ['America/New_York', '2025-11-01T12:00:00Z'],
      ['Australia/Lord_Howe', '2025-10-04T12:00:00Z'],
    ])('%s from %s', (zone, from) => {
      let at: Date | null = utc(from);
      for (let i = 0; i < 6 && at; i++) {
        const expected = bruteForce(mixed, zone, at);
        expect(nextCoverageChange(mixed, zone, at)?.toISOString()).toBe(expected?.toISOString());
        at = expected;
      }
    });
  });
});

describe('validateCoverage', () => {
  test.each<[string, unknown, RegExp[]]>([
    ['an empty schedule is fine', [], []],
    ['good windows are fine', [...weekdaysNineToFive, ...saturdayEvening, ...fridayLate], []],
    ['not a list', { days: [1], from: '09:00', to: '17:00' }, [/must be a list/]],
    ['a window that is not an object', [null], [/^Window 1 must have days/]],
    ['no days', [{ days: [], from: '09:00', to: '17:00' }], [/^Window 1 has no days/]],
    ['days missing', [{ from: '09:00', to: '17:00' }], [/^Window 1 has no days/]],
    ['day numbers out of range', [{ days: [0, 8], from: '09:00', to: '17:00' }], [/day 0 /, /day 8 /]],
    ['day numbers that are not whole numbers', [{ days: [1.5, '2'], from: '09:00', to: '17:00' }], [/day 1.5 /, /day "2" /]],
    ['a repeated day', [{ days: [2, 2], from: '09:00', to: '17:00' }], [/lists Tuesday more than once/]],
    ['a start time without a leading zero', [{ days: [1], from: '9:00', to: '17:00' }], [/start time "9:00"/]],
    ['a start time of 24:00', [{ days: [1], from: '24:00', to: '17:00' }], [/start time "24:00"/]],
    ['an end time past midnight', [{ days: [1], from: '09:00', to: '24:01' }], [/end time "24:01"/]],
    ['an end time with bad minutes', [{ days: [1], from: '09:00', to: '17:60' }], [/end time "17:60"/]],
    ['missing times', [{ days: [1] }], [/no start time/, /no end time/]],
    ['problems are numbered by window', [weekdaysNineToFive[0], { days: [9], from: '09:00', to: '17:00' }], [/^Window 2 /]],
  ])('%s', (_name, input, expected) => {
    const problems = validateCoverage(input);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });

  it('accepts 24:00 as an end time', () => {
    expect(validateCoverage([{ days: [1], from: '18:00', to: '24:00' }])).toEqual([]);
  });
});

describe('isValidTimeZone', () => {
  test.each<[string, boolean]>([
    ['Europe/London', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Europe/Londn', false],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('%p → %p', (zone, expected) => {
    expect(isValidTimeZone(zone)).toBe(expected);
  });
});

describe('coverPromise: when supporters are next on, in the group’s time', () => {
  const weekdays = [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }];

  it('promises nothing extra on cover', () => {
    // Tuesday 8 December 2026, 10:00 in London.
    expect(coverPromise(weekdays, 'Europe/London', new Date('2026-12-08T10:00:00Z'), 'your post will be checked')).toEqual({
      outOfCover: false,
      coverStartsAt: null,
      message: null,
    });
  });

  it('says tomorrow at 9:00 am late on a weekday evening', () => {
    const promise = coverPromise(weekdays, 'Europe/London', new Date('2026-12-08T21:30:00Z'), 'your post will be checked');
    expect(promise.coverStartsAt).toEqual(new Date('2026-12-09T09:00:00Z'));
    expect(promise.message).toBe('Supporters are not on right now; your post will be checked from 9:00 am tomorrow.');
  });

  it('says today early in the morning, and names the weekday over a weekend', () => {
    expect(coverPromise(weekdays, 'Europe/London', new Date('2026-12-08T06:00:00Z'), 'x').message).toContain('from 9:00 am today.');
    // Saturday 12 December: next cover is Monday.
    expect(coverPromise(weekdays, 'Europe/London', new Date('2026-12-12T12:00:00Z'), 'x').message).toContain('from 9:00 am on Monday.');
  });

  it('reads the clock in the group’s zone, not the server’s', () => {
    // 21:30 UTC on Tuesday is 10:30 am on Wednesday in Auckland (UTC+13 in December): on cover there.
    expect(coverPromise(weekdays, 'Pacific/Auckland', new Date('2026-12-08T21:30:00Z'), 'x').outOfCover).toBe(false);
    // 05:00 UTC on Wednesday is 6:00 pm in Auckland: next on Thursday at 9:00 am local, 20:00 UTC on Wednesday.
    const promise = coverPromise(weekdays, 'Pacific/Auckland', new Date('2026-12-09T05:00:00Z'), 'x');
    expect(promise.coverStartsAt).toEqual(new Date('2026-12-09T20:00:00Z'));
    expect(promise.message).toBe('Supporters are not on right now; x from 9:00 am tomorrow.');
  });

  it('promises no time when no cover is scheduled', () => {
    expect(coverPromise([], 'Europe/London', new Date('2026-12-08T10:00:00Z'), 'your post will be checked')).toEqual({
      outOfCover: true,
      coverStartsAt: null,
      message: 'Supporters are not on right now; your post will be checked as soon as one is.',
    });
  });

  it('names a date more than a week ahead', () => {
    expect(describeLocalTime(new Date('2026-12-24T14:30:00Z'), new Date('2026-12-08T10:00:00Z'), 'Europe/London')).toBe('2:30 pm on 24 December');
  });
});
