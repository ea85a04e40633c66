import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { Transactions } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { ApplicationsService, GroupsService } from '@kindred/groups';
import { ReviewItem } from '../review/review-item.entity';
import { ReviewItemsRepository } from '../review/review-items.repository';
import { ReviewItemsService } from '../review/review-items.service';
import { DeadlineTimer, DeadlineTimerOptions, DueKinds, ReviewMoments } from './deadline-timer';
import { ItemAlerts, ModerationAlertsRepository } from './moderation-alerts.repository';
import { GroupStaff, SafeguardingAlerts } from './safeguarding-alerts';
import { deadlineStage } from './sla';

/** Items claimed per statement; the next tick takes the rest. */
const BATCH = 200;
/** At most this many batches per tick, so one tick cannot run for ever. */
const MAX_ROUNDS = 100;

export interface TickResult {
  overdue: number;
  escalated: number;
  applicationAlerts: number;
}

type Audience = 'supporters' | 'admins';

/**
 * The `deadlines.tick` job (DESIGN.md, "Timeliness"): when an open review item or a pending
 * application passes its dueAt, the group's supporters are told (a `review:overdue` event and a
 * durable moderation alert each); at twice the SLA it escalates to the admins. A group without
 * supporters has its admins told instead, so nothing is ever silently overdue.
 *
 * Review items do not wait for the tick: each worker's DeadlineTimer (startTimer) drains them the
 * moment they fall due, and the tick is the safety net behind it. Applications still go by the tick.
 *
 * Safe with several workers: review items are claimed with UPDATE … WHERE id IN (… FOR UPDATE
 * SKIP LOCKED) on `overdue_notified_at` / `escalated_at`, and alerts are unique per subject, kind
 * and person, so each alert and each event happens once whichever worker gets there first.
 *
 * Cover: items held while a group is out of cover (outOfCoverage 'pre') get the ordinary SLA when
 * they are held, and this job treats them like any other item: due at dueAt, escalated at 2× the
 * SLA. It neither pauses the clock nor hurries it; the group's schedule decides who is on hand.
 */
@Injectable()
export class DeadlinesService {
  private readonly logger = new Logger(DeadlinesService.name);
  constructor(
    private readonly transactions: Transactions,
    private readonly items: ReviewItemsRepository,
    private readonly alerts: ModerationAlertsRepository,
    private readonly groups: GroupsService,
    private readonly applications: ApplicationsService,
    private readonly reviewItems: ReviewItemsService,
    private readonly audit: AuditLogService,
    private readonly events: EventBus,
    private readonly safeguarding: SafeguardingAlerts,
  ) {}

  /** `now` is a parameter so tests can move the clock instead of waiting for it. */
  async tick(now: Date = new Date()): Promise<TickResult> {
    const recipients = new Recipients(this.groups, this.safeguarding);
    const { overdue, escalated } = await this.drainItems(now, recipients);
    const applicationAlerts = await this.overdueApplications(now, recipients);
    if (overdue + escalated + applicationAlerts > 0) this.logger.log({ overdue, escalated, applicationAlerts }, 'deadlines passed');
    return { overdue, escalated, applicationAlerts };
  }

  /**
   * Starts acting on review deadlines as they fall due, between ticks (see DeadlineTimer). The
   * caller stops it on shutdown.
   */
  startTimer(options: DeadlineTimerOptions): DeadlineTimer {
    const timer = new DeadlineTimer(
      {
        drainReviewItems: async (now, due) => {
          const { overdue, escalated } = await this.drainItems(now, new Recipients(this.groups, this.safeguarding), due);
          return overdue + escalated;
        },
        nextReviewMoments: () => this.nextReviewMoments(),
      },
      options,
    );
    timer.start();
    return timer;
  }

  /**
   * When the next open review item becomes overdue, and when the next escalates: one index probe
   * each. Rounded up to the millisecond, so a claim made at that moment finds the item due.
   */
  nextReviewMoments(): Promise<ReviewMoments> {
    return this.items.nextMoments();
  }

  /** Overdue then escalated items, claiming until a batch comes back short, so a burst is not spread over many ticks. */
  private async drainItems(
    now: Date,
    recipients: Recipients,
    due: DueKinds = { overdue: true, escalation: true },
  ): Promise<{ overdue: number; escalated: number }> {
    const drain = async (step: () => Promise<number>) => {
      let total = 0;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const n = await step();
        total += n;
        if (n < BATCH) break;
      }
      return total;
    };
    const overdue = due.overdue ? await drain(() => this.overdueItems(now, recipients)) : 0;
    const escalated = due.escalation ? await drain(() => this.escalateItems(now, recipients)) : 0;
    return { overdue, escalated };
  }

  private async overdueItems(now: Date, recipients: Recipients): Promise<number> {
    const told: ReviewItem[] = [];
    let notified: Array<string | null> = [];
    await this.transactions.run(async (tx) => {
      notified = [];
      const items = await this.items.claimOverdue(tx, now, BATCH);
      const alerts: ItemAlerts[] = [];
      for (const item of items) {
        const { userIds, audience } = await recipients.forItem(item);
        alerts.push({ userIds, groupId: item.groupId, subjectId: item.id });
        told.push({ ...item, audience });
        // By push and mail too: the supporters once, and the admins for an urgent item nobody took.
        notified.push(...(await this.safeguarding.overdue(tx, item, await recipients.staff(item.groupId), now)));
      }
      await this.alerts.insertForItems(tx, alerts, 'overdue');
    });
    await this.safeguarding.dispatch(notified);
    await this.announceOverdue(told);
    return told.length;
  }

  private async escalateItems(now: Date, recipients: Recipients): Promise<number> {
    const escalated: ReviewItem[] = [];
    let notified: Array<string | null> = [];
    await this.transactions.run(async (tx) => {
      notified = [];
      // The item passes to the admins, so a supporter's claim on it ends, as when a supporter escalates.
      const items = await this.items.claimEscalations(tx, now, BATCH);
      if (items.length === 0) return;
      const admins = await recipients.admins();
      await this.alerts.insertForItems(
        tx,
        items.map((item) => ({ userIds: admins, groupId: item.groupId, subjectId: item.id })),
        'escalated',
      );
      for (const item of items) {
        await this.audit.record(
          tx,
          {
            actorId: null,
            action: 'review.escalate',
            groupId: item.groupId,
            subjectType: item.subjectType,
            subjectId: item.subjectId,
            detail: { reviewItemId: item.id, kind: item.kind, automatic: true, dueAt: item.dueAt.toISOString() },
          },
          now,
        );
        escalated.push(item);
        notified.push(await this.safeguarding.escalated(tx, item, await recipients.staff(item.groupId)));
      }
    });
    await this.safeguarding.dispatch(notified);
    await this.announceOverdue(escalated);
    return escalated.length;
  }

  /** ReviewItemsService.announce for many items: their views in one round of queries, then one event each. */
  private async announceOverdue(items: ReviewItem[]): Promise<void> {
    if (items.length === 0) return;
    const views = await this.reviewItems.views(items);
    for (const [i, item] of items.entries()) {
      const view = views[i] as unknown as Record<string, unknown>;
      await this.events.publish('review.changed', { groupId: item.groupId, kind: 'review:overdue', item: view, audience: item.audience });
    }
  }

  /**
   * Applications have no claim column of their own: the alerts' unique key is the claim. Only the
   * worker whose INSERT wrote rows publishes the event.
   */
  private async overdueApplications(now: Date, recipients: Recipients): Promise<number> {
    const due = await this.applications.pendingPastDue(now);
    if (due.length === 0) return 0;
    const already = await this.alerts.sentForApplications(due.map((a) => a.id));
    let count = 0;
    for (const application of due) {
      const view = {
        type: 'application',
        id: application.id,
        groupId: application.groupId,
        createdAt: application.createdAt.toISOString(),
        dueAt: application.dueAt.toISOString(),
        overdue: true,
      };
      if (!already.has(`${application.id}/overdue`)) {
        const { userIds, audience } = await recipients.forGroup(application.groupId);
        if ((await this.alerts.insert(userIds, application.groupId, 'application', application.id, 'overdue')) > 0) {
          await this.events.publish('review.changed', { groupId: application.groupId, kind: 'review:overdue', item: view, audience });
          count += 1;
        }
      }
      if (!already.has(`${application.id}/escalated`) && deadlineStage(application.createdAt, application.dueAt, now) === 'escalated') {
        if ((await this.alerts.insert(await recipients.admins(), application.groupId, 'application', application.id, 'escalated')) > 0) {
          await this.events.publish('review.changed', {
            groupId: application.groupId,
            kind: 'review:overdue',
            item: { ...view, escalated: true },
            audience: 'admins',
          });
          count += 1;
        }
      }
    }
    return count;
  }
}

/** Who to tell, looked up once per group per tick. */
class Recipients {
  private readonly supporters = new Map<string, string[]>();
  private readonly staffOf = new Map<string, GroupStaff>();
  private adminIds?: string[];

  constructor(
    private readonly groups: GroupsService,
    private readonly safeguarding: SafeguardingAlerts,
  ) {}

  /** The group's settings, supporters and the admins, for alerts by push and mail. */
  async staff(groupId: string): Promise<GroupStaff> {
    let staff = this.staffOf.get(groupId);
    if (!staff) {
      staff = await this.safeguarding.staffOf(groupId);
      this.staffOf.set(groupId, staff);
    }
    return staff;
  }

  async admins(): Promise<string[]> {
    this.adminIds ??= await this.groups.adminIds();
    return this.adminIds;
  }

  /** The group's supporters, or its admins when it has none. */
  async forGroup(groupId: string): Promise<{ userIds: string[]; audience: Audience }> {
    let ids = this.supporters.get(groupId);
    if (!ids) {
      ids = await this.groups.supporterIds(groupId);
      this.supporters.set(groupId, ids);
    }
    return ids.length > 0 ? { userIds: ids, audience: 'supporters' } : { userIds: await this.admins(), audience: 'admins' };
  }

  async forItem(item: ReviewItem): Promise<{ userIds: string[]; audience: Audience }> {
    if (item.audience === 'admins') return { userIds: await this.admins(), audience: 'admins' };
    return this.forGroup(item.groupId);
  }
}
