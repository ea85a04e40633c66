import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditLogService } from '@kindred/audit';
import { EventBus } from '@kindred/events';
import { ApplicationsService, GroupsService } from '@kindred/groups';
import { ReviewItem } from '../review/review-item.entity';
import { ReviewItemsService } from '../review/review-items.service';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: GroupsService,
    private readonly applications: ApplicationsService,
    private readonly reviewItems: ReviewItemsService,
    private readonly audit: AuditLogService,
    private readonly events: EventBus,
  ) {}

  /** `now` is a parameter so tests can move the clock instead of waiting for it. */
  async tick(now: Date = new Date()): Promise<TickResult> {
    const recipients = new Recipients(this.groups);
    // Keep claiming until a batch comes back short, so a burst of deadlines is not spread over many ticks.
    const drain = async (step: () => Promise<number>) => {
      let total = 0;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const n = await step();
        total += n;
        if (n < BATCH) break;
      }
      return total;
    };
    const overdue = await drain(() => this.overdueItems(now, recipients));
    const escalated = await drain(() => this.escalateItems(now, recipients));
    const applicationAlerts = await this.overdueApplications(now, recipients);
    if (overdue + escalated + applicationAlerts > 0) this.logger.log({ overdue, escalated, applicationAlerts }, 'deadlines passed');
    return { overdue, escalated, applicationAlerts };
  }

  private async overdueItems(now: Date, recipients: Recipients): Promise<number> {
    const told: Array<{ item: ReviewItem; audience: Audience }> = [];
    await this.dataSource.transaction(async (manager) => {
      const items = await this.claim(
        manager,
        `UPDATE review_items SET overdue_notified_at = $1
          WHERE id IN (SELECT id FROM review_items
                        WHERE status = 'open' AND due_at <= $1 AND overdue_notified_at IS NULL
                        ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        now,
      );
      for (const item of items) {
        const { userIds, audience } = await recipients.forItem(item);
        await insertAlerts(manager, userIds, item.groupId, 'review-item', item.id, 'overdue');
        told.push({ item, audience });
      }
    });
    for (const { item, audience } of told) await this.reviewItems.announce({ ...item, audience }, 'review:overdue');
    return told.length;
  }

  private async escalateItems(now: Date, recipients: Recipients): Promise<number> {
    const escalated: ReviewItem[] = [];
    await this.dataSource.transaction(async (manager) => {
      const items = await this.claim(
        manager,
        `UPDATE review_items
            SET escalated_at = $1, audience = 'admins', overdue_notified_at = coalesce(overdue_notified_at, $1),
                reasons = reasons || jsonb_build_array(jsonb_build_object('source', 'escalation', 'detail', 'Not decided within twice its deadline'))
          WHERE id IN (SELECT id FROM review_items
                        WHERE status = 'open' AND escalated_at IS NULL
                          AND created_at + 2 * greatest(due_at - created_at, interval '0') <= $1
                        ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        now,
      );
      const admins = await recipients.admins();
      for (const item of items) {
        await insertAlerts(manager, admins, item.groupId, 'review-item', item.id, 'escalated');
        await this.audit.record(
          manager,
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
      }
    });
    for (const item of escalated) await this.reviewItems.announce(item, 'review:overdue');
    return escalated.length;
  }

  private async claim(manager: EntityManager, sql: string, now: Date): Promise<ReviewItem[]> {
    const [rows] = (await manager.query(sql, [now, BATCH])) as [Array<{ id: string }>, number];
    if (rows.length === 0) return [];
    return manager.getRepository(ReviewItem).find({ where: { id: In(rows.map((r) => r.id)) }, order: { dueAt: 'ASC' } });
  }

  /**
   * Applications have no claim column of their own: the alerts' unique key is the claim. Only the
   * worker whose INSERT wrote rows publishes the event.
   */
  private async overdueApplications(now: Date, recipients: Recipients): Promise<number> {
    const due = await this.applications.pendingPastDue(now);
    if (due.length === 0) return 0;
    const done = (await this.dataSource.query(
      `SELECT subject_id, kind FROM moderation_alerts WHERE subject_type = 'application' AND subject_id = ANY($1::uuid[]) GROUP BY subject_id, kind`,
      [due.map((a) => a.id)],
    )) as Array<{ subject_id: string; kind: string }>;
    const already = new Set(done.map((d) => `${d.subject_id}/${d.kind}`));
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
        if ((await insertAlerts(this.dataSource.manager, userIds, application.groupId, 'application', application.id, 'overdue')) > 0) {
          await this.events.publish('review.changed', { groupId: application.groupId, kind: 'review:overdue', item: view, audience });
          count += 1;
        }
      }
      if (!already.has(`${application.id}/escalated`) && deadlineStage(application.createdAt, application.dueAt, now) === 'escalated') {
        if ((await insertAlerts(this.dataSource.manager, await recipients.admins(), application.groupId, 'application', application.id, 'escalated')) > 0) {
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

async function insertAlerts(
  manager: EntityManager,
  userIds: string[],
  groupId: string,
  subjectType: 'review-item' | 'application',
  subjectId: string,
  kind: 'overdue' | 'escalated',
): Promise<number> {
  if (userIds.length === 0) return 0;
  // INSERT … RETURNING comes back as the rows themselves (UPDATE gives [rows, count]).
  const rows = (await manager.query(
    `INSERT INTO moderation_alerts (user_id, group_id, subject_type, subject_id, kind)
     SELECT u, $2, $3, $4, $5 FROM unnest($1::uuid[]) AS u
     ON CONFLICT ON CONSTRAINT moderation_alerts_once_key DO NOTHING
     RETURNING id`,
    [userIds, groupId, subjectType, subjectId, kind],
  )) as unknown[];
  return rows.length;
}

/** Who to tell, looked up once per group per tick. */
class Recipients {
  private readonly supporters = new Map<string, string[]>();
  private adminIds?: string[];

  constructor(private readonly groups: GroupsService) {}

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
