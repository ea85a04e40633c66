import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { IdentityService } from '@kindred/identity';
import { MailSender } from '@kindred/mail';
import { NotificationFanOutJob, QueueProducer } from '@kindred/queues';
import { DeliveriesRepository } from '../deliveries.repository';
import { digestLines, discreetText, lineFor } from '../notification-copy';
import { NotificationKind } from '../notification-kinds';
import { NotificationsRepository } from '../notifications.repository';
import { toPreferences } from '../notification-views';
import { NotificationsService } from '../notifications.service';
import { PreferencesRepository } from '../preferences.repository';
import { PushSubscriptionsRepository } from '../push-subscriptions.repository';
import { DELIVER_JOB, deliverJobId, DELIVERY_ATTEMPTS, NotificationFanOut } from './notification-fan-out';
import { PushSender } from './push-sender';

export { DELIVERY_ATTEMPTS } from './notification-fan-out';

/** A digest that fails this many times is recorded as failed. */
const DIGEST_ATTEMPTS = 5;

/**
 * Runs the `notifications` queue in the worker: fan-out (events → each person's in-app
 * notification and deliveries, by NotificationFanOut), deliver (one push or mail, claimed before it is sent) and the
 * tick (due digests; deliveries whose job was lost or whose quiet hours ended).
 */
@Injectable()
export class NotificationDelivery {
  private readonly logger = new Logger(NotificationDelivery.name);
  private prunedAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly producer: QueueProducer,
    private readonly identity: IdentityService,
    private readonly mail: MailSender,
    private readonly push: PushSender,
    private readonly service: NotificationsService,
    private readonly notifications: NotificationsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly preferences: PreferencesRepository,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly fanOuts: NotificationFanOut,
  ) {}

  /** One event for its recipients (a `fan-out` job); see NotificationFanOut. */
  fanOut(job: NotificationFanOutJob): Promise<{ notified: number; deliveries: number }> {
    return this.fanOuts.run([job]);
  }

  /**
   * Several events together (a `fan-out-many` job): one read of who still has an account, their
   * preferences and devices, and one statement per table per chunk, however many events.
   */
  fanOutMany(jobs: NotificationFanOutJob[]): Promise<{ notified: number; deliveries: number }> {
    return this.fanOuts.run(jobs);
  }

  /**
   * Sends one delivery, at most once: it is claimed in the database first (a second worker, or a
   * duplicate job, finds it taken or sent and does nothing), each device reached is recorded, and
   * a failure releases it for BullMQ's retry, or records it as failed after the last attempt.
   */
  async deliver(deliveryId: string, attempt: number): Promise<'sent' | 'skipped' | 'not-due' | 'done'> {
    const claimed = await this.deliveries.claim(deliveryId, this.config.notifications.claimSeconds);
    if (!claimed) {
      const state = await this.deliveries.stateOf(deliveryId);
      // Another attempt is sending it now: try again later, in case that sender dies.
      if (state?.state === 'sending') throw new Error(`delivery ${deliveryId} is being sent by another attempt`);
      return state && (state.state === 'pending' || state.state === 'held') ? 'not-due' : 'done';
    }
    const kind = claimed.kind;
    try {
      const outcome = claimed.channel === 'push' ? await this.sendPush(claimed) : await this.sendMail(claimed);
      await this.deliveries.finish(claimed.id, outcome === 'sent' ? 'sent' : 'skipped', outcome === 'sent' ? null : outcome);
      return outcome === 'sent' ? 'sent' : 'skipped';
    } catch (error) {
      const message = (error as Error).message.slice(0, 500);
      if (attempt >= DELIVERY_ATTEMPTS) {
        await this.deliveries.finish(claimed.id, 'failed', message);
        this.logger.warn({ deliveryId, channel: claimed.channel, kind, err: error }, 'notification delivery given up');
      } else {
        await this.deliveries.release(claimed.id, message);
      }
      throw error;
    }
  }

  private async showDetails(userId: string): Promise<boolean> {
    return toPreferences(await this.preferences.find(userId)).showDetails;
  }

  private async sendPush(d: Awaited<ReturnType<DeliveriesRepository['claim']>> & object): Promise<'sent' | 'no device'> {
    const devices = (await this.subscriptions.forUser(d.userId)).filter((s) => !d.sentTo.includes(s.id));
    if (devices.length === 0) return d.sentTo.length > 0 ? 'sent' : 'no device';
    const text = discreetText(d.kind, d.count);
    const payload = { id: d.notificationId, kind: d.kind, title: text.title, body: text.body, url: this.path(d) };
    const failures: Error[] = [];
    let reached = d.sentTo.length;
    for (const device of devices) {
      try {
        const outcome = await this.push.send(device, payload, { urgent: d.urgent });
        if (outcome === 'gone') await this.subscriptions.forget(device.id);
        else {
          await this.deliveries.reached(d.id, device.id);
          await this.subscriptions.touch(device.id);
          reached += 1;
        }
      } catch (error) {
        failures.push(error as Error);
      }
    }
    if (failures.length > 0) throw failures[0]!;
    return reached > 0 ? 'sent' : 'no device';
  }

  private async sendMail(d: Awaited<ReturnType<DeliveriesRepository['claim']>> & object): Promise<'sent' | 'no verified address'> {
    const address = (await this.identity.verifiedAddresses([d.userId])).get(d.userId);
    if (!address) return 'no verified address';
    const token = await this.service.unsubscribeToken(d.userId, d.kind);
    await this.mail.deliver(
      {
        messageId: `notification-${d.id}`,
        to: address,
        message: { template: 'notification', lines: [lineFor(d.kind, d.count).replace(/^./, (c) => c.toLowerCase())], links: this.links(token, this.path(d)) },
      },
      { claimSeconds: this.config.notifications.claimSeconds },
    );
    return 'sent';
  }

  private path(d: { kind: NotificationKind; notificationId: string }): string {
    return `${this.config.publicUrl}/notifications?open=${d.notificationId}`;
  }

  private links(token: string, open: string): { open: string; preferences: string; unsubscribe: string } {
    return {
      open,
      preferences: `${this.config.publicUrl}/settings/notifications`,
      unsubscribe: `${this.config.publicUrl}/unsubscribe?token=${token}`,
    };
  }

  /**
   * The repeatable tick: queues deliveries that are due and have no job (Redis lost it, or quiet
   * hours ended and the delayed job is gone), takes over those whose sender died, and sends each
   * person's due digest as one mail. A job scheduler makes one tick per interval however many
   * workers run, and every step claims before it sends, so two ticks at once send nothing twice.
   */
  async tick(): Promise<{ requeued: number; digests: number }> {
    const overdue = await this.deliveries.overdue(Math.max(5, this.config.notifications.tickSeconds), this.config.notifications.claimSeconds, 500);
    let requeued = 0;
    for (const { id, attempts } of overdue) if (await this.requeue(id, attempts)) requeued += 1;
    const { users, stale } = await this.deliveries.dueDigests(this.config.notifications.claimSeconds, 200);
    let digests = 0;
    for (const userId of users) {
      const digestId = randomUUID();
      const items = await this.deliveries.claimDigest(userId, digestId);
      if (items.length > 0 && (await this.sendDigest(userId, digestId, items))) digests += 1;
    }
    for (const { digestId, userId } of stale) {
      const items = await this.deliveries.reclaimDigest(digestId, this.config.notifications.claimSeconds);
      if (items.length > 0 && (await this.sendDigest(userId, digestId, items))) digests += 1;
    }
    await this.pruneHourly();
    return { requeued, digests };
  }

  /**
   * At most hourly per worker: notifications are kept as long as notices (RETENTION_NOTICE_DAYS),
   * finished deliveries 30 days (for questions about what was sent), unsubscribe links a year.
   */
  private async pruneHourly(): Promise<void> {
    if (Date.now() - this.prunedAt < 3600_000) return;
    this.prunedAt = Date.now();
    try {
      await this.notifications.purgeOlderThan(this.config.retention.noticeDays);
      await this.deliveries.pruneFinished(30);
      await this.preferences.pruneTokens();
    } catch (error) {
      this.logger.warn({ err: error }, 'notifications not pruned this time');
    }
  }

  /**
   * Puts a delivery's job back: promotes one delayed until its due time (quiet hours that ended on
   * the clock the database keeps), retries a failed one, adds a missing one. A delivery already
   * tried (`attempts`) and waiting for its backoff is left to it.
   */
  private async requeue(deliveryId: string, attempts: number): Promise<boolean> {
    const queue = this.producer.queue('notifications');
    const jobId = deliverJobId(deliveryId);
    try {
      const existing = await queue.getJob(jobId);
      if (existing) {
        if (await existing.isDelayed()) {
          if (attempts > 0) return false;
          await existing.promote();
          return true;
        }
        if (await existing.isFailed()) {
          await existing.retry('failed');
          return true;
        }
        if (!(await existing.isCompleted())) return false;
        await existing.remove();
      }
      await queue.add('deliver', { deliveryId }, { ...DELIVER_JOB, jobId });
      return true;
    } catch (error) {
      this.logger.warn({ deliveryId, err: error }, 'delivery not requeued');
      return false;
    }
  }

  private async sendDigest(userId: string, digestId: string, items: Array<{ kind: NotificationKind; count: number }>): Promise<boolean> {
    try {
      const address = (await this.identity.verifiedAddresses([userId])).get(userId);
      if (!address) {
        await this.deliveries.finishDigest(digestId, 'skipped', 'no verified address');
        return false;
      }
      const counts: Partial<Record<NotificationKind, number>> = {};
      for (const item of items) counts[item.kind] = (counts[item.kind] ?? 0) + (item.kind === 'reaction' ? item.count : 1);
      const token = await this.service.unsubscribeToken(userId, null);
      await this.mail.deliver(
        {
          messageId: `digest-${digestId}`,
          to: address,
          message: { template: 'notification-digest', lines: digestLines(counts), links: this.links(token, `${this.config.publicUrl}/notifications`) },
        },
        { claimSeconds: this.config.notifications.claimSeconds },
      );
      await this.deliveries.finishDigest(digestId, 'sent');
      return true;
    } catch (error) {
      this.logger.warn({ digestId, err: error }, 'digest not sent; it is gathered again on a later tick');
      await this.deliveries.releaseDigest(digestId, (error as Error).message.slice(0, 500), DIGEST_ATTEMPTS).catch(() => undefined);
      return false;
    }
  }
}
