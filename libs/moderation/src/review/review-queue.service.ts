import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditLogService } from '@kindred/audit';
import { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { ReviewMetrics } from '../metrics/review-metrics';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { EnforcementHistoryEntry } from './enforcement-history.entity';
import { ReviewItem } from './review-item.entity';
import { CLAIM_MS, claimHolder, ReviewItemsService, ReviewItemView } from './review-items.service';
import type { SanctionKind } from './stepped-enforcement';

export interface Sanction {
  kind: SanctionKind;
  /** Mutes only: how long, in hours. */
  hours?: number;
}

export interface Decision {
  action: 'approve' | 'remove' | 'escalate';
  clauseKey?: string;
  note?: string;
  sanction?: Sanction;
}

/** What a committed decision still has to do once the transaction is over. */
interface Committed {
  item: ReviewItem;
  notices: NoticeView[];
  contentStatus: 'published' | 'removed' | null;
  sanction: { kind: SanctionKind; until: Date | null } | null;
}

const HOUR_MS = 3600_000;

/** What supporters and admins do with review items: see the queue in order, claim, and decide. */
@Injectable()
export class ReviewQueueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly memberships: MembershipService,
    private readonly items: ReviewItemsService,
    private readonly sources: ScreeningSources,
    private readonly notices: NoticesService,
    private readonly audit: AuditLogService,
    private readonly metrics: ReviewMetrics,
  ) {}

  /** Urgent first, then by deadline. Supporters see their group's items; items for admins only admins see. */
  async list(user: AuthUser, groupId: string, status: 'open' | 'decided'): Promise<{ items: ReviewItemView[] }> {
    const role = await this.participation.assertModerator(user, groupId);
    const qb = this.dataSource
      .getRepository(ReviewItem)
      .createQueryBuilder('r')
      .where('r.group_id = :groupId AND r.status = :status', { groupId, status })
      .orderBy(`CASE WHEN r.priority = 'urgent' THEN 0 ELSE 1 END`, 'ASC')
      .addOrderBy('r.due_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(200);
    if (role !== 'admin') qb.andWhere(`r.audience = 'supporters'`);
    return { items: await this.items.views(await qb.getMany()) };
  }

  /** A review item the caller may act on; anyone else is told it does not exist. */
  async itemFor(user: AuthUser, itemId: string): Promise<ReviewItem> {
    const item = await this.dataSource.getRepository(ReviewItem).findOne({ where: { id: itemId } });
    if (!item) throw DomainError.notFound('That review item');
    const role = await this.participation.assertModerator(user, item.groupId, { hideExistence: true });
    if (item.audience === 'admins' && role !== 'admin') throw DomainError.notFound('That review item');
    return item;
  }

  /** A claim keeps other moderators off an item for 10 minutes; claiming again renews one's own. */
  async claim(user: AuthUser, itemId: string): Promise<ReviewItemView> {
    const visible = await this.itemFor(user, itemId);
    this.assertMayDecide(user, visible);
    const [rows] = (await this.dataSource.query(
      `UPDATE review_items SET claimed_by = $2, claimed_at = now()
        WHERE id = $1 AND status = 'open'
          AND (claimed_by IS NULL OR claimed_by = $2 OR claimed_at IS NULL OR claimed_at <= now() - make_interval(secs => $3))
        RETURNING id`,
      [itemId, user.id, CLAIM_MS / 1000],
    )) as [Array<{ id: string }>, number];
    if (rows.length === 0) {
      const current = await this.dataSource.getRepository(ReviewItem).findOneOrFail({ where: { id: itemId } });
      if (current.status !== 'open') throw DomainError.conflict('This item has already been decided.');
      throw DomainError.conflict('Another moderator is looking at this item right now. Try another one, or come back in a few minutes.');
    }
    const item = await this.dataSource.getRepository(ReviewItem).findOneOrFail({ where: { id: itemId } });
    await this.items.announce(item, 'review:updated');
    const [view] = await this.items.views([item]);
    return view!;
  }

  async decide(user: AuthUser, itemId: string, decision: Decision): Promise<ReviewItemView> {
    const visible = await this.itemFor(user, itemId);
    this.assertMayDecide(user, visible);
    await this.validate(visible, decision);

    const committed = await this.dataSource.transaction(async (manager): Promise<Committed> => {
      const item = await manager
        .getRepository(ReviewItem)
        .createQueryBuilder('r')
        .setLock('pessimistic_write')
        .where('r.id = :id', { id: itemId })
        .getOneOrFail();
      if (item.status !== 'open') throw DomainError.conflict('This item has already been decided.');
      // Checked under the row lock, so a claim made a moment ago cannot slip past.
      const holder = claimHolder(item);
      if (holder && holder !== user.id) {
        throw DomainError.conflict(
          'Another moderator claimed this item in the last 10 minutes, so it is theirs to decide for now. Try another item, or come back when their claim runs out.',
        );
      }
      if (decision.action === 'escalate') return this.escalate(manager, user, item, decision);
      return this.settle(manager, user, item, decision);
    });

    // The sanction follows the commit: mute and ban publish membership.changed, which must not announce a rolled-back decision.
    const { item, sanction } = committed;
    if (sanction && item.subjectAuthorId) {
      if (sanction.kind === 'mute' && sanction.until) await this.memberships.mute(item.subjectAuthorId, item.groupId, sanction.until);
      if (sanction.kind === 'ban') await this.memberships.ban(item.subjectAuthorId, item.groupId);
    }
    for (const notice of committed.notices) await this.notices.announce(notice);
    await this.items.announce(item, 'review:updated');
    if (item.status === 'decided' && item.decidedAt) this.metrics.observeDecision((item.decidedAt.getTime() - item.createdAt.getTime()) / 1000);
    if (committed.contentStatus) await this.sources.get(item.subjectType).afterStatusChange?.(item.subjectId, item.groupId, committed.contentStatus);
    const [view] = await this.items.views([item]);
    return view!;
  }

  /** Nobody reviews their own words, and whoever made a decision may not review the appeal against it. */
  private assertMayDecide(user: AuthUser, item: ReviewItem): void {
    if (item.subjectAuthorId === user.id) throw DomainError.forbidden('Someone else needs to review what you wrote.');
    if (item.appeal?.originalDecidedBy && item.appeal.originalDecidedBy === user.id) {
      throw DomainError.forbidden('You made the decision being appealed, so another supporter or an admin needs to review the appeal.');
    }
  }

  private async validate(item: ReviewItem, decision: Decision): Promise<void> {
    if (decision.action === 'remove' && !decision.clauseKey) {
      throw DomainError.validation([{ field: 'clauseKey', message: 'A removal must cite the clause of the group agreement it breaks.' }]);
    }
    if (decision.sanction) {
      if (decision.action !== 'remove' || item.kind === 'appeal') {
        throw DomainError.validation([{ field: 'sanction', message: 'A sanction goes with removing what was written, never on its own.' }]);
      }
      if (decision.sanction.kind === 'mute' && !decision.sanction.hours) {
        throw DomainError.validation([{ field: 'sanction.hours', message: 'Say for how many hours the member is muted.' }]);
      }
      if (decision.sanction.kind !== 'mute' && decision.sanction.hours !== undefined) {
        throw DomainError.validation([{ field: 'sanction.hours', message: 'Only a mute lasts a number of hours.' }]);
      }
      if (!item.subjectAuthorId) throw DomainError.validation([{ field: 'sanction', message: 'The author of this no longer has an account.' }]);
      if (decision.sanction.kind === 'mute') {
        const membership = await this.memberships.find(item.subjectAuthorId, item.groupId);
        if (membership?.status !== 'active') throw DomainError.validation([{ field: 'sanction', message: 'The author is no longer a member of this group.' }]);
      }
    }
    if (decision.clauseKey) await this.groups.assertClause(item.groupId, decision.clauseKey);
  }

  private async escalate(manager: EntityManager, user: AuthUser, item: ReviewItem, decision: Decision): Promise<Committed> {
    const reasons = [...item.reasons, { source: 'escalation' as const, detail: 'Escalated to admins by a moderator' }];
    await manager.update(ReviewItem, { id: item.id }, { audience: 'admins', reasons, claimedBy: null, claimedAt: null });
    await this.audit.record(manager, {
      actorId: user.id,
      action: 'review.escalate',
      groupId: item.groupId,
      subjectType: item.subjectType,
      subjectId: item.subjectId,
      detail: { reviewItemId: item.id, kind: item.kind, clauseKey: decision.clauseKey ?? null },
    });
    return { item: { ...item, audience: 'admins', reasons, claimedBy: null, claimedAt: null }, notices: [], contentStatus: null, sanction: null };
  }

  /** Approve or remove: the content, the item, the member's history, the notices and the audit entry, all in one transaction. */
  private async settle(manager: EntityManager, user: AuthUser, item: ReviewItem, decision: Decision): Promise<Committed> {
    const now = new Date();
    const isAppeal = item.kind === 'appeal';
    const authorId = item.subjectAuthorId;
    // An upheld appeal restores the content; a refused one leaves it as it was.
    const contentStatus: 'published' | 'removed' | null = decision.action === 'approve' ? 'published' : isAppeal ? null : 'removed';
    if (contentStatus) await this.sources.get(item.subjectType).setStatus(manager, item.subjectId, contentStatus);

    const sanction = decision.sanction
      ? { kind: decision.sanction.kind, until: decision.sanction.kind === 'mute' ? new Date(now.getTime() + (decision.sanction.hours ?? 0) * HOUR_MS) : null }
      : null;
    const record = {
      action: decision.action,
      clauseKey: decision.clauseKey ?? null,
      note: decision.note ?? null,
      sanction: sanction ? { kind: sanction.kind, hours: decision.sanction?.hours ?? null, until: sanction.until?.toISOString() ?? null } : null,
    };
    await manager.update(ReviewItem, { id: item.id }, {
      status: 'decided',
      decidedBy: user.id,
      decidedAt: now,
      decision: record,
    } as QueryDeepPartialEntity<ReviewItem>);

    const notices: NoticeView[] = [];
    if (authorId && decision.action === 'remove' && !isAppeal) {
      const clauseKey = decision.clauseKey!;
      const history = [{ action: 'removal' as const }, ...(sanction ? [{ action: sanction.kind }] : [])];
      for (const entry of history)
        await manager.insert(EnforcementHistoryEntry, { groupId: item.groupId, userId: authorId, clauseKey, action: entry.action, reviewItemId: item.id });
      notices.push(
        await this.notices.create(
          {
            userId: authorId,
            kind: 'removal',
            groupId: item.groupId,
            subjectId: item.subjectId,
            clauseKey,
            message: `A supporter removed something you wrote because it goes against the group agreement (clause "${clauseKey}"). You can appeal if you think this is wrong.`,
            appealable: true,
          },
          manager,
        ),
      );
      if (sanction) notices.push(await this.notices.create(sanctionNotice(authorId, item.groupId, item.subjectId, clauseKey, sanction), manager));
    }

    await this.audit.record(
      manager,
      {
        actorId: user.id,
        action: isAppeal ? (decision.action === 'approve' ? 'appeal.upheld' : 'appeal.refused') : `review.${decision.action}`,
        groupId: item.groupId,
        subjectType: item.subjectType,
        subjectId: item.subjectId,
        detail: {
          reviewItemId: item.id,
          kind: item.kind,
          clauseKey: decision.clauseKey ?? null,
          subjectAuthorId: authorId,
          sanction: record.sanction,
          ...(isAppeal && item.appeal ? { noticeId: item.appeal.noticeId, originalDecidedBy: item.appeal.originalDecidedBy } : {}),
        },
      },
      now,
    );
    return { item: { ...item, status: 'decided', decidedBy: user.id, decidedAt: now, decision: record }, notices, contentStatus, sanction };
  }
}

function sanctionNotice(userId: string, groupId: string, subjectId: string, clauseKey: string, sanction: { kind: SanctionKind; until: Date | null }) {
  const base = { userId, groupId, subjectId, clauseKey, appealable: false };
  switch (sanction.kind) {
    case 'warn':
      return {
        ...base,
        kind: 'warning' as const,
        message: `This is a warning: please keep to the group agreement (clause "${clauseKey}"). Repeated problems can lead to a mute or a ban.`,
      };
    case 'mute':
      return {
        ...base,
        kind: 'mute' as const,
        message: `You are muted in this group until ${sanction.until!.toISOString()} for going against the group agreement (clause "${clauseKey}"). You can still read.`,
      };
    case 'ban':
      return { ...base, kind: 'ban' as const, message: `You have been banned from this group for going against the group agreement (clause "${clauseKey}").` };
  }
}
