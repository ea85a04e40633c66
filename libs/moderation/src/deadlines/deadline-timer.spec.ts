import { DeadlineTimer, DeadlineWork, DueKinds, nextBackoff, wakeUpAt, WakeUpInput } from './deadline-timer';

describe('wakeUpAt', () => {
  const base: WakeUpInput = { now: 10_000, next: null, lastDrainAt: 0, minGapMs: 25, maxWaitMs: 5000, backoffMs: 0 };

  test.each<[string, Partial<WakeUpInput>, number]>([
    ['at the next deadline', { next: 10_400 }, 10_400],
    ['at once when the deadline has passed and no drain ran lately', { next: 9000 }, 10_000],
    ['no later than the tick interval when the next deadline is further away', { next: 60_000 }, 15_000],
    ['after the tick interval when nothing is due', { next: null }, 15_000],
    ['not within the gap after the last drain, so close deadlines share one drain', { next: 10_005, lastDrainAt: 9990 }, 10_015],
    ['after the backoff when drains make no progress', { next: 9000, backoffMs: 400 }, 10_400],
    ['never later than the tick interval, whatever the backoff', { next: 9000, backoffMs: 20_000 }, 15_000],
  ])('%s', (_name, input, expected) => {
    expect(wakeUpAt({ ...base, ...input })).toBe(expected);
  });
});

describe('nextBackoff', () => {
  test.each<[string, number, boolean, number]>([
    ['none after progress', 800, false, 0],
    ['starts at the gap when stuck', 0, true, 25],
    ['doubles while stuck', 100, true, 200],
    ['stops at the tick interval', 4000, true, 5000],
  ])('%s', (_name, previous, stuck, expected) => {
    expect(nextBackoff(previous, stuck, 25, 5000)).toBe(expected);
  });
});

describe('DeadlineTimer', () => {
  /** Deadlines as epoch ms; a drain takes every one that has passed, as the claims do. */
  function fakeWork(deadlines: number[]) {
    const drains: number[] = [];
    const looks: number[] = [];
    const work: DeadlineWork = {
      async drainReviewItems(now) {
        drains.push(now.getTime());
        const due = deadlines.filter((d) => d <= now.getTime());
        deadlines.splice(0, deadlines.length, ...deadlines.filter((d) => d > now.getTime()));
        return due.length;
      },
      async nextReviewMoments() {
        looks.push(Date.now());
        return { overdueAt: deadlines.length > 0 ? Math.min(...deadlines) : null, escalationAt: null };
      },
    };
    return { work, drains, looks, deadlines };
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('drains at start, then at each deadline, coalescing close ones, and sleeps no longer than the tick interval', async () => {
    const { work, drains, looks } = fakeWork([1_000_300, 1_000_310, 1_002_000]);
    const timer = new DeadlineTimer(work, { maxWaitMs: 5000, minGapMs: 25 });
    timer.start();
    await jest.advanceTimersByTimeAsync(10_000);
    await timer.stop();
    expect(drains).toEqual([1_000_000, 1_000_300, 1_000_325, 1_002_000]);
    // Nothing left: one look per tick interval, and no claim.
    expect(looks).toEqual([...drains, 1_007_000]);
  });

  it('sets no timer and drains no more once stopped', async () => {
    const { work, drains } = fakeWork([1_000_500]);
    const timer = new DeadlineTimer(work, { maxWaitMs: 5000 });
    timer.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(timer.nextWakeUp).toBe(1_000_500);
    await timer.stop();
    expect(timer.nextWakeUp).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(drains).toEqual([1_000_000]);
  });

  it('runs only the claim whose moment has come, and both when it does not know', async () => {
    const calls: Array<{ at: number; due: DueKinds }> = [];
    let escalationAt: number | null = 1_000_200;
    const work: DeadlineWork = {
      async drainReviewItems(now, due) {
        calls.push({ at: now.getTime(), due });
        if (due.escalation && escalationAt !== null && escalationAt <= now.getTime()) escalationAt = null;
        return 1;
      },
      nextReviewMoments: async () => ({ overdueAt: 1_900_000, escalationAt }),
    };
    const timer = new DeadlineTimer(work, { maxWaitMs: 5000 });
    timer.start();
    await jest.advanceTimersByTimeAsync(1000);
    await timer.stop();
    expect(calls).toEqual([
      { at: 1_000_000, due: { overdue: true, escalation: true } },
      { at: 1_000_200, due: { overdue: false, escalation: true } },
    ]);
  });

  it('backs off instead of spinning when a due item cannot be claimed', async () => {
    const drains: number[] = [];
    const work: DeadlineWork = {
      async drainReviewItems(now) {
        drains.push(now.getTime());
        return 0;
      },
      nextReviewMoments: async () => ({ overdueAt: null, escalationAt: 999_000 }),
    };
    const timer = new DeadlineTimer(work, { maxWaitMs: 5000, minGapMs: 25 });
    timer.start();
    await jest.advanceTimersByTimeAsync(20_000);
    await timer.stop();
    const gaps = drains.slice(1).map((at, i) => at - drains[i]!);
    expect(gaps.slice(0, 5)).toEqual([25, 50, 100, 200, 400]);
    expect(Math.max(...gaps)).toBe(5000);
  });

  it('keeps going after a failed drain, at the backoff', async () => {
    let calls = 0;
    const work: DeadlineWork = {
      async drainReviewItems() {
        calls += 1;
        if (calls === 1) throw new Error('database restarting');
        return 0;
      },
      nextReviewMoments: async () => ({ overdueAt: null, escalationAt: null }),
    };
    const timer = new DeadlineTimer(work, { maxWaitMs: 5000, minGapMs: 25 });
    timer.start();
    await jest.advanceTimersByTimeAsync(100);
    await timer.stop();
    expect(calls).toBe(2);
  });
});
