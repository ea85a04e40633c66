import { Logger } from '@nestjs/common';
import { listen, type Listening } from '@kindred/database';

/** The PostgreSQL channel the review_items triggers notify (migration 1763700005000). */
export const DEADLINE_CHANNEL = 'review_deadlines';

/** The next moment (epoch ms, rounded up) an open review item becomes overdue, and escalates; null when none will. */
export interface ReviewMoments {
  overdueAt: number | null;
  escalationAt: number | null;
}

/** Which of the two claims a drain runs. */
export interface DueKinds {
  overdue: boolean;
  escalation: boolean;
}

/** What the timer drives: DeadlinesService. */
export interface DeadlineWork {
  /** Acts on the review deadlines of the `due` kinds passed at `now`; returns how many items it acted on. */
  drainReviewItems(now: Date, due: DueKinds): Promise<number>;
  nextReviewMoments(): Promise<ReviewMoments>;
}

export interface DeadlineTimerOptions {
  /** For the LISTEN connection, which is the timer's own and never taken from the pool. Without it the timer does not listen. */
  databaseUrl?: string;
  /** The longest the timer sleeps without looking again: the tick interval, so it is never worse than the tick. */
  maxWaitMs: number;
  /** Wake-ups closer together than this are served by one drain. */
  minGapMs?: number;
}

export interface WakeUpInput {
  now: number;
  /** The next moment something falls due, or null when nothing will. */
  next: number | null;
  /** When the last drain started; wake-ups are at least minGapMs apart. */
  lastDrainAt: number;
  minGapMs: number;
  maxWaitMs: number;
  /** After drains that could not make progress, the timer waits this long at least. */
  backoffMs: number;
}

/** When to wake up next: at `next`, but no sooner than the gap and backoff allow and no later than maxWaitMs. */
export function wakeUpAt({ now, next, lastDrainAt, minGapMs, maxWaitMs, backoffMs }: WakeUpInput): number {
  const latest = now + maxWaitMs;
  const wanted = next === null ? latest : Math.min(next, latest);
  return Math.min(latest, Math.max(wanted, lastDrainAt + minGapMs, now + backoffMs));
}

/** The backoff after a drain: none after progress or when nothing is due, else doubling up to maxWaitMs. */
export function nextBackoff(previous: number, stuck: boolean, minGapMs: number, maxWaitMs: number): number {
  return stuck ? Math.min(maxWaitMs, Math.max(minGapMs, previous * 2)) : 0;
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function isDue(at: number | null, now: number): boolean {
  return at !== null && at <= now;
}

/**
 * Acts on each review deadline when it falls due rather than at the next `deadlines.tick`.
 *
 * After each drain it asks PostgreSQL for the next overdue or escalation moment and sets one
 * timer for it, never further away than the tick interval. Rows that get a sooner moment (from
 * any writer: the app, a script, psql) make PostgreSQL NOTIFY on a connection the timer listens
 * on, and the timer is brought forward. Nothing polls: between deadlines the process sleeps.
 *
 * Several workers each run one; they wake together and the claims (FOR UPDATE SKIP LOCKED)
 * share out the items. The tick job stays as the safety net, and covers applications.
 */
export class DeadlineTimer {
  private readonly logger = new Logger(DeadlineTimer.name);
  private readonly minGapMs: number;
  private timer?: NodeJS.Timeout;
  private armedFor: number | null = null;
  private running?: Promise<void>;
  /** The earliest moment announced while a drain was running, applied when it ends. */
  private announced: number | null = null;
  /** What the last look found, brought forward by announcements; null when unknown, and then a drain runs both claims. */
  private known: ReviewMoments | null = null;
  private lastDrainAt = 0;
  private backoffMs = 0;
  private listener?: Listening;
  private reconnect?: NodeJS.Timeout;
  private reconnectMs = 0;
  private stopped = false;

  constructor(
    private readonly work: DeadlineWork,
    private readonly options: DeadlineTimerOptions,
  ) {
    this.minGapMs = Math.min(options.minGapMs ?? 50, options.maxWaitMs);
  }

  /** Listens for new deadlines and drains whatever is already due. */
  start(): void {
    void this.listen();
    this.arm(Date.now());
  }

  /** Clears the timers, closes the connection and waits for a drain in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.reconnect);
    this.timer = this.reconnect = undefined;
    this.armedFor = null;
    const listener = this.listener;
    this.listener = undefined;
    await Promise.all([listener?.end().catch(() => undefined), this.running]);
  }

  /** The moment the timer is set for, or null (while draining, or once stopped). */
  get nextWakeUp(): number | null {
    return this.armedFor;
  }

  /** A row falls due at `at` (epoch ms): wake up then if that is sooner than planned. */
  private announce(at: number): void {
    if (this.stopped || !Number.isFinite(at)) return;
    if (this.running) {
      this.announced = earliest(this.announced, at);
      return;
    }
    this.learn(at);
    if (this.armedFor === null || at < this.armedFor) this.arm(at);
  }

  /** An announced moment may be either kind. */
  private learn(at: number): void {
    if (this.known) this.known = { overdueAt: earliest(this.known.overdueAt, at), escalationAt: earliest(this.known.escalationAt, at) };
  }

  private arm(next: number | null): void {
    if (this.stopped) return;
    const now = Date.now();
    const at = wakeUpAt({ now, next, lastDrainAt: this.lastDrainAt, minGapMs: this.minGapMs, maxWaitMs: this.options.maxWaitMs, backoffMs: this.backoffMs });
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - now));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = null;
    this.running = this.cycle().finally(() => {
      this.running = undefined;
    });
  }

  /** One drain, then the next wake-up. Never throws: a failure waits, the tick still runs. */
  private async cycle(): Promise<void> {
    const started = Date.now();
    this.lastDrainAt = started;
    const known = this.known;
    // A claim with nothing due costs a transaction: skip the kind whose next moment is still ahead.
    const due = known ? { overdue: isDue(known.overdueAt, started), escalation: isDue(known.escalationAt, started) } : { overdue: true, escalation: true };
    let next: number | null = null;
    try {
      const acted = due.overdue || due.escalation ? await this.work.drainReviewItems(new Date(started), due) : 0;
      this.known = await this.work.nextReviewMoments();
      next = earliest(this.known.overdueAt, this.known.escalationAt);
      // Something was due yet nothing could be claimed (another worker holds it): do not spin on it.
      this.backoffMs = nextBackoff(this.backoffMs, acted === 0 && isDue(next, started), this.minGapMs, this.options.maxWaitMs);
    } catch (error) {
      // Try again after the backoff: what is due is unknown, and may be due now.
      this.known = null;
      next = started;
      this.backoffMs = nextBackoff(this.backoffMs, true, this.minGapMs, this.options.maxWaitMs);
      this.logger.warn({ err: error, retryInMs: this.backoffMs }, 'deadline drain failed');
    }
    const announced = this.announced;
    this.announced = null;
    if (announced !== null) {
      this.learn(announced);
      next = earliest(next, announced);
    }
    this.arm(next);
  }

  private async listen(): Promise<void> {
    if (this.stopped || !this.options.databaseUrl) return;
    let listener: Listening | undefined;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (listener && this.listener === listener) this.listener = undefined;
      if (this.stopped) return;
      this.reconnectMs = Math.min(this.options.maxWaitMs, Math.max(500, this.reconnectMs * 2));
      this.logger.warn({ err: error, retryInMs: this.reconnectMs }, 'deadline listener lost; the timer falls back to the tick interval');
      this.reconnect = setTimeout(() => void this.listen(), this.reconnectMs);
    };
    try {
      listener = await listen({
        url: this.options.databaseUrl,
        applicationName: 'kindred-deadline-timer',
        channel: DEADLINE_CHANNEL,
        onNotify: (payload) => this.announce(Number(payload)),
        onLost,
      });
    } catch {
      return; // onLost has run, and retries.
    }
    if (this.stopped) {
      await listener.end();
      return;
    }
    this.listener = listener;
    this.reconnectMs = 0;
    // Deadlines written before the LISTEN took effect: look now rather than at the next planned wake-up.
    this.announce(Date.now());
  }
}
