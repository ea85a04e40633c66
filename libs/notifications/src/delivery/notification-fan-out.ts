import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Transactions, type Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { NotificationFanOutJob, QueueProducer } from '@kindred/queues';
import { defaultTitle } from '../notification-copy';
import { isNotificationKind, NotificationKind, nextDigestAt, quietUntil } from '../notification-kinds';
import { toPreferences, toView } from '../notification-views';
import { NewDelivery, NewNotificationRow, NotificationRow, NotificationsRepository, WrittenDelivery } from '../notifications.repository';
import { PreferencesRepository } from '../preferences.repository';

/** Retries over about eight minutes (2 s, 4 s, … 4 min) before a delivery is recorded as failed. */
export const DELIVERY_ATTEMPTS = 8;
export const DELIVER_JOB: JobsOptions = {
  attempts: DELIVERY_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: 1000,
};
/** Notifications (an event for a person) written per statement, at most. */
export const FAN_OUT_CHUNK = 1000;

export function deliverJobId(deliveryId: string): string {
  return `deliver-${deliveryId}`;
}

type KnownJob = NotificationFanOutJob & { kind: NotificationKind };

/** What one chunk wrote: the notifications written or changed now, and the immediate deliveries to queue. */
export interface WrittenNotifications {
  rows: NotificationRow[];
  due: Array<{ id: string; dueAt: Date }>;
  deliveries: number;
}

/**
 * Turns events into each recipient's in-app notification and push and mail deliveries (once per
 * event and person, however often asked), then queues the deliveries and tells open sockets. The
 * worker's fan-out jobs use it, and so does a producer writing a few notifications inside its own
 * transaction (`NotificationsService.notifyWithin`).
 */
@Injectable()
export class NotificationFanOut {
  private readonly logger = new Logger(NotificationFanOut.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly transactions: Transactions,
    private readonly events: EventBus,
    private readonly producer: QueueProducer,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
  ) {}

  /**
   * Each notification the events owe, once per event and person: unknown kinds are dropped, and
   * an event named twice keeps its highest count.
   */
  pairs(jobs: NotificationFanOutJob[]): Array<{ job: KnownJob; userId: string }> {
    const pairs = new Map<string, { job: KnownJob; userId: string }>();
    for (const job of jobs) {
      if (!isNotificationKind(job.kind)) {
        this.logger.warn({ kind: job.kind }, 'notification of an unknown kind dropped');
        continue;
      }
      for (const userId of job.recipients) {
        const key = pairKey(job.eventId, userId);
        if ((pairs.get(key)?.job.count ?? 0) < job.count) pairs.set(key, { job: job as KnownJob, userId });
      }
    }
    return [...pairs.values()];
  }

  /**
   * Writes the notifications (at most FAN_OUT_CHUNK) and their deliveries, by each person's
   * preferences (push to those with a device, mail at once or in the digest, held through quiet
   * hours): one read and one statement, in the caller's transaction or (`Transactions.none`) on
   * their own. Recipients without an account (erased) are dropped.
   */
  async write(tx: Tx, pairs: Array<{ job: KnownJob; userId: string }>): Promise<WrittenNotifications> {
    if (pairs.length === 0) return { rows: [], due: [], deliveries: 0 };
    const { rows, wanted } = await this.plan(tx, pairs);
    return written(await this.notifications.upsertWithDeliveries(rows, wanted, tx));
  }

  /**
   * As `write`, for the notifications a change owes: the caller's statement and the notifications
   * of the rows it changed, in one statement (`NotificationsRepository.upsertWithDeliveriesAfter`;
   * each pair's `key` names the row that owes it). The read of who is notified comes first, on
   * its own. Returns the statement's rows and what was written.
   */
  async writeAfter(
    statement: { sql: string; params: unknown[] },
    pairs: Array<{ job: KnownJob; userId: string; key: string }>,
  ): Promise<{ changed: Array<Record<string, unknown>>; written: WrittenNotifications }> {
    const { rows, wanted } = await this.plan(this.transactions.none, pairs);
    const result = await this.notifications.upsertWithDeliveriesAfter(statement, rows, wanted);
    return { changed: result.changed, written: written(result) };
  }

  /** The rows and deliveries `write` writes for the pairs, after one read of the recipients. */
  private async plan<P extends { job: KnownJob; userId: string; key?: string }>(
    tx: Tx,
    pairs: P[],
  ): Promise<{ rows: Array<NewNotificationRow & { key?: string }>; wanted: NewDelivery[] }> {
    if (pairs.length === 0) return { rows: [], wanted: [] };
    const recipients = new Map((await this.preferences.recipients([...new Set(pairs.map((pair) => pair.userId))], tx)).map((r) => [r.userId, r]));
    const now = new Date();
    const rows: Array<NewNotificationRow & { key?: string }> = [];
    const wanted: NewDelivery[] = [];
    for (const { job, userId, key } of pairs) {
      const recipient = recipients.get(userId);
      if (!recipient) continue;
      rows.push({
        eventId: job.eventId,
        userId,
        kind: job.kind,
        groupId: job.groupId,
        subjectId: job.subjectId,
        title: job.title ?? defaultTitle(job.kind, job.count),
        count: job.count,
        ...(key === undefined ? {} : { key }),
      });
      const p = toPreferences(recipient.preferences);
      const k = p.kinds[job.kind];
      const quiet = job.ignoreQuietHours || k.neverQuiet ? null : quietUntil(now, p.timezone, p.quietHours);
      const base = { eventId: job.eventId, userId, urgent: job.urgent };
      const timed = { mode: 'immediate' as const, state: quiet ? ('held' as const) : ('pending' as const), dueAt: quiet ?? now };
      if (k.push && recipient.hasDevice) wanted.push({ ...base, channel: 'push', ...timed });
      if (k.email === 'immediate' || (k.email === 'digest' && job.urgent)) wanted.push({ ...base, channel: 'email', ...timed });
      else if (k.email === 'digest') {
        wanted.push({
          ...base,
          channel: 'email',
          mode: 'digest',
          state: 'pending',
          dueAt: nextDigestAt(now, p.timezone, this.config.notifications.digestHour, p.quietHours),
        });
      }
    }
    return { rows, wanted };
  }

  /**
   * After the notifications committed: queues their deliveries and tells their recipients' open
   * sockets, a chunk per round trip. Neither can lose anything: a delivery without a job is queued
   * by the tick, and a socket that missed the event reads the list when it next looks.
   */
  async announce(written: WrittenNotifications[]): Promise<void> {
    const rows = written.flatMap((w) => w.rows);
    const due = written.flatMap((w) => w.due);
    for (let start = 0; start < Math.max(due.length, rows.length); start += FAN_OUT_CHUNK) {
      await this.enqueue(due.slice(start, start + FAN_OUT_CHUNK));
      await this.events.publishMany(
        'notification.created',
        rows.slice(start, start + FAN_OUT_CHUNK).map((row) => {
          const view = toView(row);
          return { userId: row.userId, notification: { ...view, createdAt: view.createdAt.toISOString(), readAt: null } };
        }),
      );
    }
  }

  /**
   * A fan-out job: every chunk written (each in one statement), then, once all are written, the
   * deliveries queued and sockets told. A repeat writes nothing new.
   *
   * Everyone is written before anything is queued: the deliveries run in this process too, and a
   * fan-out that queued each chunk's pushes before writing the next waited behind them (5,000
   * people took about two minutes). Rows before jobs as ever: if the process dies in between, the
   * tick queues the deliveries it finds without a job.
   */
  async run(jobs: NotificationFanOutJob[]): Promise<{ notified: number; deliveries: number }> {
    const pairs = this.pairs(jobs);
    const written: WrittenNotifications[] = [];
    for (let start = 0; start < pairs.length; start += FAN_OUT_CHUNK) {
      written.push(await this.write(this.transactions.none, pairs.slice(start, start + FAN_OUT_CHUNK)));
    }
    await this.announce(written);
    return { notified: written.reduce((n, w) => n + w.rows.length, 0), deliveries: written.reduce((n, w) => n + w.deliveries, 0) };
  }

  /** Queues deliveries, each delayed until it is due (the end of quiet hours). A failure leaves them to the tick. */
  private async enqueue(due: Array<{ id: string; dueAt: Date }>): Promise<void> {
    if (due.length === 0) return;
    const now = Date.now();
    try {
      await this.producer.queue('notifications').addBulk(
        due.map((d) => ({
          name: 'deliver',
          data: { deliveryId: d.id },
          opts: { ...DELIVER_JOB, jobId: deliverJobId(d.id), delay: Math.max(0, new Date(d.dueAt).getTime() - now) },
        })),
      );
    } catch (error) {
      this.logger.warn({ deliveries: due.length, err: error }, 'deliveries not queued yet; the tick queues them');
    }
  }
}

function written(result: { rows: NotificationRow[]; deliveries: WrittenDelivery[] }): WrittenNotifications {
  return { rows: result.rows, due: result.deliveries.filter((d) => d.mode === 'immediate'), deliveries: result.deliveries.length };
}

function pairKey(eventId: string, userId: string): string {
  return `${eventId}\u0000${userId}`;
}
