import { DeadlineStage, deadlineStage, dueAt, percentile } from './sla';

const at = (iso: string): Date => new Date(iso);
const created = at('2025-06-02T10:00:00Z');

describe('dueAt', () => {
  test.each<[string, Date, number, string]>([
    ['adds the SLA in minutes', created, 60, '2025-06-02T11:00:00.000Z'],
    ['an urgent 15-minute SLA', created, 15, '2025-06-02T10:15:00.000Z'],
    ['crosses midnight and month end', at('2025-06-30T23:50:00Z'), 30, '2025-07-01T00:20:00.000Z'],
    ['is plain elapsed time across a clock change', at('2025-03-30T00:30:00Z'), 60, '2025-03-30T01:30:00.000Z'],
    ['a zero SLA is due at once', created, 0, '2025-06-02T10:00:00.000Z'],
    ['keeps milliseconds', at('2025-06-02T10:00:00.250Z'), 1, '2025-06-02T10:01:00.250Z'],
  ])('%s', (_name, createdAt, minutes, expected) => {
    expect(dueAt(createdAt, minutes).toISOString()).toBe(expected);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects an SLA of %p minutes', (minutes) => {
    expect(() => dueAt(created, minutes)).toThrow(RangeError);
  });

  it('rejects an invalid creation time', () => {
    expect(() => dueAt(new Date('nonsense'), 60)).toThrow(RangeError);
  });
});

describe('deadlineStage', () => {
  const due = at('2025-06-02T11:00:00Z'); // 60-minute SLA: overdue at 11:00, escalated at 12:00
  test.each<[string, Date, Date, Date, DeadlineStage]>([
    ['just created', created, due, created, 'on-time'],
    ['a millisecond before due', created, due, at('2025-06-02T10:59:59.999Z'), 'on-time'],
    ['exactly at due', created, due, due, 'overdue'],
    ['between due and twice the SLA', created, due, at('2025-06-02T11:30:00Z'), 'overdue'],
    ['a millisecond before twice the SLA', created, due, at('2025-06-02T11:59:59.999Z'), 'overdue'],
    ['exactly twice the SLA', created, due, at('2025-06-02T12:00:00Z'), 'escalated'],
    ['long after', created, due, at('2025-06-09T12:00:00Z'), 'escalated'],
    ['a clock before creation (skew) is on time', created, due, at('2025-06-02T09:59:00Z'), 'on-time'],
    ['a zero SLA escalates at once', created, created, created, 'escalated'],
    ['a due time before creation escalates at creation', created, at('2025-06-02T09:00:00Z'), created, 'escalated'],
    ['a due time before creation is overdue until creation', created, at('2025-06-02T09:00:00Z'), at('2025-06-02T09:30:00Z'), 'overdue'],
  ])('%s', (_name, createdAt, dueAtValue, now, expected) => {
    expect(deadlineStage(createdAt, dueAtValue, now)).toBe(expected);
  });

  it('rejects invalid dates', () => {
    expect(() => deadlineStage(created, new Date(Number.NaN), created)).toThrow(RangeError);
  });
});

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
  test.each<[string, number[], number, number | null]>([
    ['empty is null', [], 50, null],
    ['only NaN is null', [Number.NaN], 50, null],
    ['a single value is every percentile', [42], 95, 42],
    ['p50 of an odd count is the middle', [5, 1, 3], 50, 3],
    ['p50 of an even count is the lower middle', [4, 1, 3, 2], 50, 2],
    ['p95 of 1..20 is 19', Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
    ['p95 of 1..100 is 95', oneToHundred, 95, 95],
    ['p7 of 1..100 is 7 (no floating-point drift)', oneToHundred, 7, 7],
    ['p0 is the minimum', [9, 4, 7], 0, 4],
    ['p100 is the maximum', [9, 4, 7], 100, 9],
    ['unsorted input', [30, 10, 50, 20, 40], 40, 20],
    ['sorts numerically, not as text', [100, 9, 25], 50, 25],
    ['duplicates count', [1, 1, 1, 10], 75, 1],
    ['ignores NaN', [Number.NaN, 3, 1, 2], 100, 3],
    ['the textbook example: p30 of 15,20,35,40,50 is 20', [15, 20, 35, 40, 50], 30, 20],
  ])('%s', (_name, values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  test.each([-1, 101, Number.NaN])('rejects p = %p', (p) => {
    expect(() => percentile([1, 2, 3], p)).toThrow(RangeError);
  });
});
