import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { deleteInBatches } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { GroupsService } from '@kindred/groups';
import { IdentityService } from '@kindred/identity';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { ReviewItem } from './review-item.entity';
import { EnforcementHistoryEntry } from './enforcement-history.entity';
import { AppealInfo, ReportNote, ReviewReason, SubjectChange, SubjectType, SubjectView } from './review.types';
import { changeReason, maySanction } from './decision-rules';
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
  /**
   * Set on an urgent item kept open after the author edited or deleted the words, or erased their
   * account (`erased`): `subject.body` then shows the words that raised it.
   */
  subjectChange: SubjectChange | null;
  /** Whether the caller may sanction the author through this item (only admins sanction supporters and admins). */
  sanctionsAllowed: boolean;
}

/** Who is looking at review items: what they may do differs for admins. */
export interface ReviewViewer {
  isAdmin: boolean;
}

/** Review items an edit or deletion changed: announced once the change has committed. */
export interface QueueChanges {
  touched: string[];
  opened: string | null;
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
    private readonly groups: GroupsService,
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
      .where('r.subject_type = :type AND r.subject_id = :id AND r.status = :open AND r.subject_change IS NULL', {
        type: input.subjectType,
        id: input.subjectId,
        open: 'open',
      })
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
      subjectChange: null,
      subjectSnapshot: null,
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

  /**
   * A revision screened clean replaces what was held or flagged: a screening item about an older
   * revision no longer describes the content. Urgent items and report items are never closed
   * this way: only a person closes them.
   */
  async supersedeOpen(manager: EntityManager, subjectType: SubjectType, subjectId: string): Promise<void> {
    await this.supersedeOpenMany(manager, subjectType, [subjectId]);
  }

  /** supersedeOpen for many subjects of one type, in one statement. */
  async supersedeOpenMany(manager: EntityManager, subjectType: SubjectType, subjectIds: string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    await manager.query(
      `UPDATE review_items SET status = 'superseded'
        WHERE subject_type = $1 AND subject_id = ANY($2::uuid[]) AND status = 'open' AND kind IN ('post', 'message')
          AND priority <> 'urgent' AND subject_change IS NULL`,
      [subjectType, subjectIds],
    );
  }

  /**
   * The author edited the subject (its row is locked by the caller, which keeps the lock order:
   * subject first, then its items). The open item about the old words:
   * - urgent: stays open and urgent, marked edited, with the words that raised it;
   * - carrying reports: is replaced by a report item about the new revision, so the post stays
   *   hidden and the reports wait for a moderator, while a decision on the old item answers 409;
   * - otherwise: is superseded, and the new revision is screened on its own.
   */
  async subjectEdited(manager: EntityManager, subjectType: SubjectType, subjectId: string, revision: number, previousBody: string): Promise<QueueChanges> {
    const touched = await this.openIds(manager, subjectType, subjectId);
    await this.keepUrgent(manager, subjectType, [{ id: subjectId, body: previousBody }], 'edited');
    const [reported] = (await manager.query(
      `UPDATE review_items SET status = 'superseded'
        WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND subject_change IS NULL AND kind <> 'appeal'
          AND reasons @> '[{"source": "reports"}]'::jsonb
        RETURNING group_id, subject_author_id, reasons, priority, audience, due_at, claimed_by, claimed_at, overdue_notified_at, escalated_at`,
      [subjectType, subjectId],
    )) as [
      Array<{
        group_id: string;
        subject_author_id: string | null;
        reasons: ReviewReason[];
        priority: string;
        audience: string;
        due_at: Date;
        claimed_by: string | null;
        claimed_at: Date | null;
        overdue_notified_at: Date | null;
        escalated_at: Date | null;
      }>,
      number,
    ];
    const carried = reported[0];
    let opened: string | null = null;
    if (carried) {
      // The reports and any escalation still stand; what screening found in the old words does not.
      // Its deadline and the alerts already sent carry over, so nobody is told twice.
      const reasons = carried.reasons.filter((r) => r.source === 'reports' || r.source === 'escalation');
      const [row] = (await manager.query(
        `INSERT INTO review_items (group_id, kind, subject_type, subject_id, subject_revision, subject_author_id, reasons, priority, audience, status, created_at, due_at,
                                   claimed_by, claimed_at, overdue_notified_at, escalated_at)
         VALUES ($1, 'report', $2, $3, $4, $5, $6::jsonb, $7, $8, 'open', now(), $9, $10, $11, $12, $13) RETURNING id`,
        [
          carried.group_id,
          subjectType,
          subjectId,
          revision,
          carried.subject_author_id,
          JSON.stringify(reasons),
          carried.priority,
          carried.audience,
          carried.due_at,
          carried.claimed_by,
          carried.claimed_at,
          carried.overdue_notified_at,
          carried.escalated_at,
        ],
      )) as Array<{ id: string }>;
      opened = row?.id ?? null;
    }
    await this.supersedeOpen(manager, subjectType, subjectId);
    return { touched, opened };
  }

  /** The author deleted the subject (row locked by the caller): an urgent item stays open with the words; any other closes. */
  async subjectDeleted(manager: EntityManager, subjectType: SubjectType, subjectId: string, previousBody: string): Promise<QueueChanges> {
    const touched = await this.openIds(manager, subjectType, subjectId);
    await this.keepUrgent(manager, subjectType, [{ id: subjectId, body: previousBody }], 'deleted');
    await manager.query(
      `UPDATE review_items SET status = 'superseded' WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND subject_change IS NULL AND kind <> 'appeal'`,
      [subjectType, subjectId],
    );
    return { touched, opened: null };
  }

  /** After the edit or deletion committed: every open queue shows what became of the items. */
  async announceChanges(changes: QueueChanges): Promise<void> {
    const ids = [...changes.touched, ...(changes.opened ? [changes.opened] : [])];
    if (ids.length === 0) return;
    const items = await this.dataSource.getRepository(ReviewItem).find({ where: { id: In(ids) } });
    for (const item of items) await this.announce(item, item.id === changes.opened ? 'review:new' : 'review:updated');
  }

  private async openIds(manager: EntityManager, subjectType: SubjectType, subjectId: string): Promise<string[]> {
    const rows = (await manager.query(`SELECT id FROM review_items WHERE subject_type = $1 AND subject_id = $2 AND status = 'open'`, [
      subjectType,
      subjectId,
    ])) as Array<{
      id: string;
    }>;
    return rows.map((r) => r.id);
  }

  /**
   * Erasure, inside its transaction, before the words are blanked: open urgent items about them
   * keep the words, marked that the author has left, until a supporter decides; the decision then
   * clears them.
   */
  async subjectsErased(manager: EntityManager, subjectType: SubjectType, subjects: Array<{ id: string; body: string }>): Promise<void> {
    await this.keepUrgent(manager, subjectType, subjects, 'erased');
  }

  /** Subjects by this author with an open urgent item: their words are kept on the item if the author erases their account. */
  async openUrgentSubjectIds(manager: EntityManager, subjectType: SubjectType, authorId: string): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT subject_id FROM review_items WHERE subject_type = $1 AND subject_author_id = $2 AND status = 'open' AND priority = 'urgent'`,
      [subjectType, authorId],
    )) as Array<{ subject_id: string }>;
    return rows.map((r) => r.subject_id);
  }

  private async keepUrgent(
    manager: EntityManager,
    subjectType: SubjectType,
    subjects: Array<{ id: string; body: string }>,
    change: SubjectChange,
  ): Promise<void> {
    if (subjects.length === 0) return;
    await manager.query(
      `UPDATE review_items r SET subject_change = $4, subject_snapshot = coalesce(r.subject_snapshot, s.body)
         FROM unnest($2::uuid[], $3::text[]) AS s(id, body)
        WHERE r.subject_type = $1 AND r.subject_id = s.id AND r.status = 'open' AND r.priority = 'urgent'`,
      [subjectType, subjects.map((s) => s.id), subjects.map((s) => s.body), change],
    );
  }

  /** The open item that describes the subject as it is now, if any. */
  async currentOpen(manager: EntityManager, subjectType: SubjectType, subjectId: string): Promise<{ id: string; audience: string } | null> {
    const rows = (await manager.query(
      `SELECT id, audience FROM review_items WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND subject_change IS NULL`,
      [subjectType, subjectId],
    )) as Array<{ id: string; audience: string }>;
    return rows[0] ?? null;
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
    const row = await this.dataSource.getRepository(ReviewItem).findOne({ where: { subjectType, subjectId, status: 'open', subjectChange: IsNull() } });
    return row?.dueAt ?? null;
  }

  /** Items as `viewer` sees them; without a viewer, as a supporter would (the events sent to a group's queue). */
  async views(items: ReviewItem[], viewer: ReviewViewer = { isAdmin: false }): Promise<ReviewItemView[]> {
    const byType = new Map<SubjectType, string[]>();
    for (const item of items) byType.set(item.subjectType, [...(byType.get(item.subjectType) ?? []), item.subjectId]);
    const subjects = new Map<string, SubjectView>();
    for (const [type, ids] of byType) {
      for (const [id, view] of await this.sources.get(type).describe(ids)) subjects.set(id, view);
    }
    const [histories, staff, reports] = await Promise.all([
      this.authorHistories(items),
      this.staffOf(items),
      this.reportNotes(items.filter((i) => i.kind === 'report')),
    ]);
    const now = Date.now();
    return items.map((item) => {
      const history = (item.subjectAuthorId && histories.get(`${item.groupId}/${item.subjectAuthorId}`)) || [];
      const described = subjects.get(item.subjectId) ?? null;
      // A kept item is about the words that raised it, not what the content says now.
      const kept = item.subjectChange && item.subjectSnapshot !== null ? item.subjectSnapshot : null;
      const notes = item.kind === 'report' ? reports.get(item.subjectId) : undefined;
      const shown = described && kept !== null ? { ...described, body: kept } : described;
      const subject = shown && notes ? { ...shown, reports: notes } : shown;
      const clauseKeys = item.reasons.flatMap((r) => (r.clauseKey ? [r.clauseKey] : []));
      const author = item.subjectAuthorId ? { isStaff: staff.get(item.groupId)?.has(item.subjectAuthorId) ?? false } : null;
      return {
        id: item.id,
        kind: item.kind,
        subject: subject && item.appeal ? { ...subject, appeal: item.appeal } : subject,
        reasons: item.subjectChange && item.status === 'open' ? [...item.reasons, changeReason(item.subjectChange)] : item.reasons,
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
        subjectChange: item.subjectChange ?? null,
        sanctionsAllowed: item.status === 'open' && maySanction(viewer, author, item.kind),
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

  /** Whether the person is a supporter of the group or an admin: only admins sanction them. */
  async isStaff(userId: string, groupId: string): Promise<boolean> {
    const [supporters, admins] = await Promise.all([this.groups.supporterIds(groupId), this.groups.adminIds()]);
    return supporters.includes(userId) || admins.includes(userId);
  }

  /** Each group's supporters and the admins, for the groups of the items that have an author. */
  private async staffOf(items: ReviewItem[]): Promise<Map<string, Set<string>>> {
    const groupIds = [...new Set(items.filter((i) => i.subjectAuthorId).map((i) => i.groupId))];
    if (groupIds.length === 0) return new Map();
    const [admins, ...supporters] = await Promise.all([this.groups.adminIds(), ...groupIds.map((g) => this.groups.supporterIds(g))]);
    return new Map(groupIds.map((g, i) => [g, new Set([...admins, ...supporters[i]!])]));
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
