import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { EventBus } from '@kindred/events';
import { IdentityService } from '@kindred/identity';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { ReviewItem } from './review-item.entity';
import { ReviewReason, SubjectType, SubjectView } from './review.types';

export interface OpenReviewItem {
  groupId: string;
  kind: ReviewItem['kind'];
  subjectType: SubjectType;
  subjectId: string;
  subjectRevision: number;
  subjectAuthorId: string | null;
  reasons: ReviewReason[];
  priority: 'urgent' | 'normal';
  audience: 'supporters' | 'admins';
  dueAt: Date;
}

export interface ReviewItemView {
  id: string;
  kind: ReviewItem['kind'];
  subject: SubjectView | null;
  reasons: ReviewReason[];
  priority: 'urgent' | 'normal';
  audience: 'supporters' | 'admins';
  status: ReviewItem['status'];
  createdAt: Date;
  dueAt: Date;
  overdue: boolean;
  claimedBy: string | null;
}

function sameReason(a: ReviewReason, b: ReviewReason): boolean {
  return a.source === b.source && a.detail === b.detail && (a.clauseKey ?? null) === (b.clauseKey ?? null);
}

@Injectable()
export class ReviewItemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sources: ScreeningSources,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
  ) {}

  /**
   * Opens the review item for a subject, or adds to the one already open: there is never more
   * than one open item per subject. Urgency only ever goes up, and the deadline only earlier.
   */
  async openOrMerge(manager: EntityManager, input: OpenReviewItem): Promise<{ item: ReviewItem; created: boolean }> {
    const existing = await manager
      .getRepository(ReviewItem)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.subject_type = :type AND r.subject_id = :id AND r.status = :open', { type: input.subjectType, id: input.subjectId, open: 'open' })
      .getOne();
    if (existing) {
      const reasons = [...existing.reasons];
      for (const reason of input.reasons) if (!reasons.some((r) => sameReason(r, reason))) reasons.push(reason);
      const priority = existing.priority === 'urgent' || input.priority === 'urgent' ? 'urgent' : 'normal';
      const dueAt = existing.dueAt < input.dueAt ? existing.dueAt : input.dueAt;
      const audience = existing.audience === 'admins' || input.audience === 'admins' ? 'admins' : 'supporters';
      await manager.update(ReviewItem, { id: existing.id }, { reasons, priority, dueAt, audience, subjectRevision: input.subjectRevision });
      return { item: { ...existing, reasons, priority, dueAt, audience, subjectRevision: input.subjectRevision }, created: false };
    }
    const item = manager.create(ReviewItem, {
      ...input,
      status: 'open',
      createdAt: new Date(),
      overdueNotifiedAt: null,
      escalatedAt: null,
      claimedBy: null,
      claimedAt: null,
      decidedBy: null,
      decidedAt: null,
      decision: null,
    });
    await manager.insert(ReviewItem, item as QueryDeepPartialEntity<ReviewItem>);
    return { item, created: true };
  }

  /** An edit replaces what was held: the old screening item no longer describes the content. */
  async supersedeOpen(manager: EntityManager, subjectType: SubjectType, subjectId: string): Promise<void> {
    await manager.query(`UPDATE review_items SET status = 'superseded' WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND kind IN ('post', 'message')`, [
      subjectType,
      subjectId,
    ]);
  }

  async openDueAt(subjectType: SubjectType, subjectId: string): Promise<Date | null> {
    const row = await this.dataSource.getRepository(ReviewItem).findOne({ where: { subjectType, subjectId, status: 'open' } });
    return row?.dueAt ?? null;
  }

  async views(items: ReviewItem[]): Promise<ReviewItemView[]> {
    const byType = new Map<SubjectType, string[]>();
    for (const item of items) byType.set(item.subjectType, [...(byType.get(item.subjectType) ?? []), item.subjectId]);
    const subjects = new Map<string, SubjectView>();
    for (const [type, ids] of byType) {
      for (const [id, view] of await this.sources.get(type).describe(ids)) subjects.set(id, view);
    }
    const now = Date.now();
    return items.map((item) => ({
      id: item.id,
      kind: item.kind,
      subject: subjects.get(item.subjectId) ?? null,
      reasons: item.reasons,
      priority: item.priority,
      audience: item.audience,
      status: item.status,
      createdAt: item.createdAt,
      dueAt: item.dueAt,
      overdue: item.status === 'open' && item.dueAt.getTime() <= now,
      claimedBy: item.claimedAt && now - item.claimedAt.getTime() < 10 * 60_000 ? item.claimedBy : null,
    }));
  }

  /** Tells the group's supporters (or its admins) that the queue changed. */
  async announce(item: ReviewItem, kind: 'review:new' | 'review:updated' | 'review:overdue'): Promise<void> {
    const [view] = await this.views([item]);
    await this.events.publish('review.changed', { groupId: item.groupId, kind, item: view as unknown as Record<string, unknown>, audience: item.audience });
  }

  /** Display names for reviewers, never emails. */
  displayNames(ids: string[]): Promise<Map<string, string>> {
    return this.identity.displayNames(ids);
  }
}
