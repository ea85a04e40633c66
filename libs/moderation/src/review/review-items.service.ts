import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { deleteInBatches } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { IdentityService } from '@kindred/identity';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { ReviewItem } from './review-item.entity';
import { EnforcementHistoryEntry } from './enforcement-history.entity';
import { AppealInfo, ReportNote, ReviewReason, SubjectType, SubjectView } from './review.types';
import { ClauseHistory, historyByClause, SanctionKind, suggestSanction } from './stepped-enforcement';

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
  appeal?: AppealInfo | null;
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
  decidedBy: string | null;
  decidedAt: Date | null;
  /** The next step of stepped enforcement for the subject's author, if they were to be sanctioned. */
  suggestedSanction: SanctionKind | null;
  /** The author's removals and sanctions in this group, per clause. */
  authorHistory: ClauseHistory[];
}

/** How long a claim keeps others off an item. */
export const CLAIM_MS = 10 * 60_000;

/** Who holds the item's claim at `now`, if anyone: a claim lapses CLAIM_MS after it was made. */
export function claimHolder(item: Pick<ReviewItem, 'claimedBy' | 'claimedAt'>, now = Date.now()): string | null {
  return item.claimedBy && item.claimedAt && now - item.claimedAt.getTime() < CLAIM_MS ? item.claimedBy : null;
}

function sameReason(a: ReviewReason, b: ReviewReason): boolean {
  return a.source === b.source && a.detail === b.detail && (a.clauseKey ?? null) === (b.clauseKey ?? null) && (a.field ?? null) === (b.field ?? null);
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
      // A newer report count replaces the older one for the same clause rather than piling up beside it.
      const replaced = (r: ReviewReason) =>
        r.source === 'reports' && input.reasons.some((n) => n.source === 'reports' && (n.clauseKey ?? null) === (r.clauseKey ?? null));
      const reasons = existing.reasons.filter((r) => !replaced(r));
      for (const reason of input.reasons) if (!reasons.some((r) => sameReason(r, reason))) reasons.push(reason);
      const priority = existing.priority === 'urgent' || input.priority === 'urgent' ? 'urgent' : 'normal';
      const dueAt = existing.dueAt < input.dueAt ? existing.dueAt : input.dueAt;
      const audience = existing.audience === 'admins' || input.audience === 'admins' ? 'admins' : 'supporters';
      // An appeal joining an open item makes it an appeal, so the original decider stays out of it.
      const kind = input.kind === 'appeal' ? 'appeal' : existing.kind;
      const appeal = input.appeal ?? existing.appeal;
      await manager.update(ReviewItem, { id: existing.id }, {
        kind,
        reasons,
        priority,
        dueAt,
        audience,
        subjectRevision: input.subjectRevision,
        appeal,
      } as QueryDeepPartialEntity<ReviewItem>);
      return { item: { ...existing, kind, reasons, priority, dueAt, audience, subjectRevision: input.subjectRevision, appeal }, created: false };
    }
    const item = manager.create(ReviewItem, {
      ...input,
      appeal: input.appeal ?? null,
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
    await manager.query(
      `UPDATE review_items SET status = 'superseded' WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND kind IN ('post', 'message')`,
      [subjectType, subjectId],
    );
  }

  /** supersedeOpen for many subjects of one type, in one statement. */
  async supersedeOpenMany(manager: EntityManager, subjectType: SubjectType, subjectIds: string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    await manager.query(
      `UPDATE review_items SET status = 'superseded' WHERE subject_type = $1 AND subject_id = ANY($2::uuid[]) AND status = 'open' AND kind IN ('post', 'message')`,
      [subjectType, subjectIds],
    );
  }

  /**
   * The latest removal a moderator decided on this content, leaving out refused appeals (also
   * recorded as removals): the decision an appeal against its removal notice contests.
   */
  async lastRemoval(
    subjectType: SubjectType,
    subjectId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ id: string; decidedBy: string | null } | null> {
    const rows = (await manager.query(
      `SELECT id, decided_by FROM review_items
        WHERE subject_type = $1 AND subject_id = $2 AND status = 'decided' AND kind <> 'appeal' AND decision->>'action' = 'remove'
        ORDER BY decided_at DESC LIMIT 1`,
      [subjectType, subjectId],
    )) as Array<{ id: string; decided_by: string | null }>;
    return rows[0] ? { id: rows[0].id, decidedBy: rows[0].decided_by } : null;
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
    const [histories, reports] = await Promise.all([this.authorHistories(items), this.reportNotes(items.filter((i) => i.kind === 'report'))]);
    const now = Date.now();
    return items.map((item) => {
      const history = (item.subjectAuthorId && histories.get(`${item.groupId}/${item.subjectAuthorId}`)) || [];
      const described = subjects.get(item.subjectId) ?? null;
      const notes = item.kind === 'report' ? reports.get(item.subjectId) : undefined;
      const subject = described && notes ? { ...described, reports: notes } : described;
      const clauseKeys = item.reasons.flatMap((r) => (r.clauseKey ? [r.clauseKey] : []));
      return {
        id: item.id,
        kind: item.kind,
        subject: subject && item.appeal ? { ...subject, appeal: item.appeal } : subject,
        reasons: item.reasons,
        priority: item.priority,
        audience: item.audience,
        status: item.status,
        createdAt: item.createdAt,
        dueAt: item.dueAt,
        overdue: item.status === 'open' && item.dueAt.getTime() <= now,
        claimedBy: claimHolder(item, now),
        decidedBy: item.decidedBy,
        decidedAt: item.decidedAt,
        suggestedSanction: item.subjectAuthorId ? suggestSanction(history, clauseKeys) : null,
        authorHistory: history,
      };
    });
  }

  /** The reports (and their notes) on each reported subject, by subject id, in one query. */
  private async reportNotes(items: ReviewItem[]): Promise<Map<string, ReportNote[]>> {
    if (items.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT subject_id, reporter_id, clause_key, note, created_at FROM content_reports WHERE subject_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [[...new Set(items.map((i) => i.subjectId))]],
    )) as Array<{ subject_id: string; reporter_id: string | null; clause_key: string; note: string | null; created_at: Date }>;
    const names = await this.identity.displayNames(rows.flatMap((r) => (r.reporter_id ? [r.reporter_id] : [])));
    const bySubject = new Map<string, ReportNote[]>();
    for (const row of rows) {
      const note: ReportNote = {
        clauseKey: row.clause_key,
        note: row.note,
        reporter: row.reporter_id && names.has(row.reporter_id) ? { id: row.reporter_id, displayName: names.get(row.reporter_id)! } : null,
        createdAt: row.created_at,
      };
      bySubject.set(row.subject_id, [...(bySubject.get(row.subject_id) ?? []), note]);
    }
    return bySubject;
  }

  /** Each author's history in each group, keyed `groupId/userId`, in one query. */
  private async authorHistories(items: ReviewItem[]): Promise<Map<string, ClauseHistory[]>> {
    const authors = [...new Set(items.flatMap((i) => (i.subjectAuthorId ? [i.subjectAuthorId] : [])))];
    const groups = [...new Set(items.map((i) => i.groupId))];
    if (authors.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(EnforcementHistoryEntry)
      .createQueryBuilder('h')
      .where('h.user_id IN (:...authors) AND h.group_id IN (:...groups)', { authors, groups })
      .getMany();
    const byMember = new Map<string, EnforcementHistoryEntry[]>();
    for (const row of rows) {
      const key = `${row.groupId}/${row.userId}`;
      byMember.set(key, [...(byMember.get(key) ?? []), row]);
    }
    return new Map([...byMember].map(([key, records]) => [key, historyByClause(records)]));
  }

  /** Tells the group's supporters (or its admins) that the queue changed. */
  async announce(item: ReviewItem, kind: 'review:new' | 'review:updated' | 'review:overdue'): Promise<void> {
    const [view] = await this.views([item]);
    await this.events.publish('review.changed', { groupId: item.groupId, kind, item: view as unknown as Record<string, unknown>, audience: item.audience });
  }

  /** Retention: decided or superseded items older than `days` are deleted in batches; counts per group. Open items are never purged. */
  purgeClosedOlderThan(days: number, batchSize = 1000): Promise<Map<string, number>> {
    return deleteInBatches(
      this.dataSource,
      `DELETE FROM review_items WHERE id IN (
         SELECT id FROM review_items WHERE status <> 'open' AND coalesce(decided_at, created_at) < now() - make_interval(days => $2) LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING group_id`,
      [days],
      batchSize,
    );
  }

  /** Display names for reviewers, never emails. */
  displayNames(ids: string[]): Promise<Map<string, string>> {
    return this.identity.displayNames(ids);
  }
}
