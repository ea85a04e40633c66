import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { GroupsService } from '@kindred/groups';
import { IdentityService } from '@kindred/identity';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { ContentReportsRepository } from '../reports/content-reports.repository';
import { EnforcementHistoryRepository } from './enforcement-history.repository';
import { ReviewItem } from './review-item.entity';
import { ReviewItemsRepository } from './review-items.repository';
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
    private readonly items: ReviewItemsRepository,
    private readonly history: EnforcementHistoryRepository,
    private readonly reports: ContentReportsRepository,
    private readonly sources: ScreeningSources,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
    private readonly groups: GroupsService,
  ) {}

  /**
   * Opens the review item for a subject, or adds to the one already open: there is never more
   * than one open item per subject. Urgency only ever goes up, and the deadline only earlier.
   */
  async openOrMerge(tx: Tx, input: OpenReviewItem): Promise<{ item: ReviewItem; created: boolean }> {
    const existing = await this.items.lockOpenFor(tx, input.subjectType, input.subjectId);
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
      await this.items.update(tx, existing.id, { kind, reasons, priority, dueAt, audience, subjectRevision: input.subjectRevision, appeal });
      return { item: { ...existing, kind, reasons, priority, dueAt, audience, subjectRevision: input.subjectRevision, appeal }, created: false };
    }
    const item = await this.items.insert(tx, {
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
    return { item, created: true };
  }

  /**
   * A revision screened clean replaces what was held or flagged: a screening item about an older
   * revision no longer describes the content. Urgent items and report items are never closed
   * this way: only a person closes them.
   */
  supersedeOpen(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<void> {
    return this.items.supersedeOpenMany(tx, subjectType, [subjectId]);
  }

  /** supersedeOpen for many subjects of one type, in one statement. */
  supersedeOpenMany(tx: Tx, subjectType: SubjectType, subjectIds: string[]): Promise<void> {
    return this.items.supersedeOpenMany(tx, subjectType, subjectIds);
  }

  /**
   * The author edited the subject (its row is locked by the caller, which keeps the lock order:
   * subject first, then its items). The open item about the old words:
   * - urgent: stays open and urgent, marked edited, with the words that raised it;
   * - carrying reports: is replaced by a report item about the new revision, so the post stays
   *   hidden and the reports wait for a moderator, while a decision on the old item answers 409;
   * - otherwise: is superseded, and the new revision is screened on its own.
   */
  async subjectEdited(tx: Tx, subjectType: SubjectType, subjectId: string, revision: number, previousBody: string): Promise<QueueChanges> {
    const touched = await this.items.openIds(tx, subjectType, subjectId);
    await this.items.keepUrgent(tx, subjectType, [{ id: subjectId, body: previousBody }], 'edited');
    const carried = await this.items.supersedeReported(tx, subjectType, subjectId);
    let opened: string | null = null;
    if (carried) {
      // The reports and any escalation still stand; what screening found in the old words does not.
      // Its deadline and the alerts already sent carry over, so nobody is told twice.
      const reasons = carried.reasons.filter((r) => r.source === 'reports' || r.source === 'escalation');
      opened = await this.items.insertCarriedReport(tx, subjectType, subjectId, revision, { ...carried, reasons });
    }
    await this.supersedeOpen(tx, subjectType, subjectId);
    return { touched, opened };
  }

  /** The author deleted the subject (row locked by the caller): an urgent item stays open with the words; any other closes. */
  async subjectDeleted(tx: Tx, subjectType: SubjectType, subjectId: string, previousBody: string): Promise<QueueChanges> {
    const touched = await this.items.openIds(tx, subjectType, subjectId);
    await this.items.keepUrgent(tx, subjectType, [{ id: subjectId, body: previousBody }], 'deleted');
    await this.items.supersedeAllOpen(tx, subjectType, subjectId);
    return { touched, opened: null };
  }

  /** After the edit or deletion committed: every open queue shows what became of the items. */
  async announceChanges(changes: QueueChanges): Promise<void> {
    const ids = [...changes.touched, ...(changes.opened ? [changes.opened] : [])];
    if (ids.length === 0) return;
    const items = await this.items.findMany(ids);
    for (const item of items) await this.announce(item, item.id === changes.opened ? 'review:new' : 'review:updated');
  }

  /**
   * Erasure, inside its transaction, before the words are blanked: open urgent items about them
   * keep the words, marked that the author has left, until a supporter decides; the decision then
   * clears them.
   */
  subjectsErased(tx: Tx, subjectType: SubjectType, subjects: Array<{ id: string; body: string }>): Promise<void> {
    return this.items.keepUrgent(tx, subjectType, subjects, 'erased');
  }

  /** Subjects by this author with an open urgent item: their words are kept on the item if the author erases their account. */
  openUrgentSubjectIds(tx: Tx, subjectType: SubjectType, authorId: string): Promise<string[]> {
    return this.items.openUrgentSubjectIds(tx, subjectType, authorId);
  }

  /** The open item that describes the subject as it is now, if any. */
  currentOpen(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<{ id: string; audience: string } | null> {
    return this.items.currentOpen(tx, subjectType, subjectId);
  }

  /**
   * The latest removal a moderator decided on this content, leaving out refused appeals (also
   * recorded as removals): the decision an appeal against its removal notice contests.
   */
  lastRemoval(subjectType: SubjectType, subjectId: string, tx?: Tx): Promise<{ id: string; decidedBy: string | null } | null> {
    return this.items.lastRemoval(subjectType, subjectId, tx);
  }

  openDueAt(subjectType: SubjectType, subjectId: string): Promise<Date | null> {
    return this.items.openDueAt(subjectType, subjectId);
  }

  /** The most recent review item about a subject (an appeal finds the subject's type through it). */
  latestFor(subjectId: string): Promise<ReviewItem | null> {
    return this.items.latestFor(subjectId);
  }

  /** Items as `viewer` sees them; without a viewer, as a supporter would (the events sent to a group's queue). */
  async views(items: ReviewItem[], viewer: ReviewViewer = { isAdmin: false }): Promise<ReviewItemView[]> {
    const byType = new Map<SubjectType, string[]>();
    for (const item of items) byType.set(item.subjectType, [...(byType.get(item.subjectType) ?? []), item.subjectId]);
    const subjects = new Map<string, SubjectView>();
    for (const [type, ids] of byType) {
      for (const [id, view] of await this.sources.reviewed(type).describe(ids)) subjects.set(id, view);
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
    const rows = await this.reports.onSubjects([...new Set(items.map((i) => i.subjectId))]);
    const names = await this.identity.displayNames(rows.flatMap((r) => (r.reporterId ? [r.reporterId] : [])));
    const bySubject = new Map<string, ReportNote[]>();
    for (const row of rows) {
      const note: ReportNote = {
        clauseKey: row.clauseKey,
        note: row.note,
        reporter: row.reporterId && names.has(row.reporterId) ? { id: row.reporterId, displayName: names.get(row.reporterId)! } : null,
        createdAt: row.createdAt,
      };
      bySubject.set(row.subjectId, [...(bySubject.get(row.subjectId) ?? []), note]);
    }
    return bySubject;
  }

  /**
   * Who a review item is about, for a supporter checking in on that person from it: its group, the
   * subject's author (null once erased or for an item about no one) and its priority. Null when there is no such item.
   */
  async aboutWhom(itemId: string): Promise<{ groupId: string; authorId: string | null; priority: 'urgent' | 'normal' } | null> {
    const item = await this.items.find(itemId);
    return item ? { groupId: item.groupId, authorId: item.subjectAuthorId, priority: item.priority } : null;
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
    const rows = await this.history.forMembers(authors, groups);
    const byMember = new Map<string, typeof rows>();
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
    return this.items.purgeClosedOlderThan(days, batchSize);
  }

  /** Display names for reviewers, never emails. */
  displayNames(ids: string[]): Promise<Map<string, string>> {
    return this.identity.displayNames(ids);
  }
}
