import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { GroupsService } from '@kindred/groups';
import type { IdentityService } from '@kindred/identity';
import type { NotificationEvent, NotificationsService } from '@kindred/notifications';
import type { ContentReportsRepository } from '../reports/content-reports.repository';
import type { EnforcementHistoryRepository } from './enforcement-history.repository';
import { ReviewItemsService } from './review-items.service';
import type { ItemAlerts, ModerationAlertsRepository } from '../deadlines/moderation-alerts.repository';
import type { ModerationAlert } from '../deadlines/moderation-alert.entity';
import { percentile } from '../deadlines/sla';
import type { AppealsRepository } from '../appeals/appeals.repository';
import type { ReviewItem } from './review-item.entity';
import type { NewReviewItem, ReviewItemsRepository } from './review-items.repository';
import type {
  AfterCommit,
  AppliedVerdict,
  ContentSource,
  PlainPublication,
  ScreeningSources,
  ScreeningSubject,
  VerdictToApply,
} from '../screening-pipeline/screening-source';
import type { SubjectType, SubjectView } from './review.types';

/** ReviewItemsRepository kept in memory, for the unit tier: the queries services use, with their rules. */
export class FakeReviewItemsRepository implements Pick<
  ReviewItemsRepository,
  | 'find'
  | 'findMany'
  | 'lock'
  | 'lockOpenFor'
  | 'insert'
  | 'update'
  | 'supersedeOpenMany'
  | 'currentOpen'
  | 'queue'
  | 'lastRemoval'
  | 'latestFor'
  | 'claimOverdue'
  | 'claimEscalations'
  | 'nextMoments'
  | 'health'
> {
  rows: ReviewItem[] = [];

  async find(id: string) {
    const row = this.rows.find((r) => r.id === id);
    return row ? { ...row } : null;
  }
  async findMany(ids: string[]) {
    return this.rows.filter((r) => ids.includes(r.id)).map((r) => ({ ...r }));
  }
  async lock(_tx: Tx, id: string) {
    const row = await this.find(id);
    if (!row) throw new Error(`no review item ${id}`);
    return row;
  }
  async lockOpenFor(_tx: Tx, subjectType: SubjectType, subjectId: string) {
    const row = this.rows.find((r) => r.subjectType === subjectType && r.subjectId === subjectId && r.status === 'open' && r.subjectChange === null);
    return row ? { ...row } : null;
  }
  async insert(_tx: Tx, values: NewReviewItem) {
    const item = { ...values, id: randomUUID() } as ReviewItem;
    this.rows.push({ ...item });
    return item;
  }
  async update(_tx: Tx, id: string, changes: Partial<NewReviewItem>) {
    Object.assign(
      this.rows.find((r) => r.id === id)!,
      changes,
    );
  }
  async supersedeOpenMany(_tx: Tx, subjectType: SubjectType, subjectIds: string[]) {
    for (const r of this.rows) {
      if (r.subjectType === subjectType && subjectIds.includes(r.subjectId) && r.status === 'open' && (r.kind === 'post' || r.kind === 'message'))
        if (r.priority !== 'urgent' && r.subjectChange === null) r.status = 'superseded';
    }
  }
  async currentOpen(_tx: Tx, subjectType: SubjectType, subjectId: string) {
    const row = this.rows.find((r) => r.subjectType === subjectType && r.subjectId === subjectId && r.status === 'open' && r.subjectChange === null);
    return row ? { id: row.id, audience: row.audience } : null;
  }
  async queue(groupId: string, status: 'open' | 'decided', options: { adminItems: boolean; hideAuthor: string }) {
    return this.rows
      .filter((r) => r.groupId === groupId && r.status === status && (options.adminItems || r.audience === 'supporters'))
      .filter((r) => r.subjectAuthorId !== options.hideAuthor)
      .sort((a, b) => Number(b.priority === 'urgent') - Number(a.priority === 'urgent') || a.dueAt.getTime() - b.dueAt.getTime());
  }
  async lastRemoval(subjectType: SubjectType, subjectId: string) {
    const row = this.rows
      .filter((r) => r.subjectType === subjectType && r.subjectId === subjectId && r.status === 'decided' && r.kind !== 'appeal')
      .filter((r) => r.decision?.action === 'remove')
      .sort((a, b) => b.decidedAt!.getTime() - a.decidedAt!.getTime())[0];
    return row ? { id: row.id, decidedBy: row.decidedBy } : null;
  }
  async latestFor(subjectId: string) {
    const row = this.rows.filter((r) => r.subjectId === subjectId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    return row ? { ...row } : null;
  }
  /** Open items past their deadline not yet announced as overdue, marked as announced: each is claimed once. */
  async claimOverdue(_tx: Tx, now: Date, limit: number) {
    const due = this.rows.filter((r) => r.status === 'open' && r.dueAt <= now && r.overdueNotifiedAt === null);
    const claimed = due.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).slice(0, limit);
    for (const r of claimed) r.overdueNotifiedAt = now;
    return claimed.map((r) => ({ ...r }));
  }
  /** Open items at twice their SLA, passed to the admins with the supporter's claim ended: each is claimed once. */
  async claimEscalations(_tx: Tx, now: Date, limit: number) {
    const due = this.rows.filter((r) => r.status === 'open' && r.escalatedAt === null && escalatesAt(r) <= now.getTime());
    const claimed = due.sort((a, b) => escalatesAt(a) - escalatesAt(b)).slice(0, limit);
    for (const r of claimed) {
      Object.assign(r, { escalatedAt: now, audience: 'admins', overdueNotifiedAt: r.overdueNotifiedAt ?? now, claimedBy: null, claimedAt: null });
      r.reasons = [...r.reasons, { source: 'escalation', detail: 'Not decided within twice its deadline' }];
    }
    return claimed.map((r) => ({ ...r }));
  }
  async nextMoments() {
    const open = this.rows.filter((r) => r.status === 'open');
    const first = (times: number[]) => (times.length ? Math.min(...times) : null);
    return {
      overdueAt: first(open.filter((r) => r.overdueNotifiedAt === null).map((r) => r.dueAt.getTime())),
      escalationAt: first(open.filter((r) => r.escalatedAt === null).map(escalatesAt)),
    };
  }
  async health(groupId: string, now: Date, adminItems: boolean) {
    const items = this.rows.filter((r) => r.groupId === groupId && (adminItems || r.audience === 'supporters'));
    const ago = (hours: number) => now.getTime() - hours * 3_600_000;
    const open = items.filter((r) => r.status === 'open');
    const decided = items.filter((r) => r.status === 'decided');
    const lastWeek = decided.filter((r) => r.decidedAt!.getTime() > ago(24 * 7)).map((r) => (r.decidedAt!.getTime() - r.createdAt.getTime()) / 1000);
    return {
      open: open.length,
      overdue: open.filter((r) => r.dueAt <= now).length,
      urgentOpen: open.filter((r) => r.priority === 'urgent').length,
      decidedLast24h: decided.filter((r) => r.decidedAt!.getTime() > ago(24)).length,
      p50: percentile(lastWeek, 50),
      p95: percentile(lastWeek, 95),
      breachesLast7d: items.filter(
        (r) =>
          (r.status === 'open' || r.status === 'decided') &&
          r.dueAt.getTime() > ago(24 * 7) &&
          r.dueAt <= now &&
          (r.decidedAt === null || r.decidedAt > r.dueAt),
      ).length,
    };
  }
}

/** Runs the work with a stand-in transaction (the fakes ignore it). */
export const fakeTransactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx), none: {} as Tx };

/** Transactions that count how many ran and hand each its own stand-in, so a test can tell one transaction from two. */
export class CountingTransactions {
  opened: Tx[] = [];
  /** Those whose work finished (a real transaction would have committed then). */
  committed: Tx[] = [];
  readonly none = { none: true } as unknown as Tx;
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = { n: this.opened.length + 1 } as unknown as Tx;
    this.opened.push(tx);
    const result = await work(tx);
    this.committed.push(tx);
    return result;
  }
}

/**
 * A content owner (forum posts or chat messages) kept in memory, as ScreeningSource and
 * ReviewedContent: what screening and review asked of it is recorded, in order.
 */
export class FakeContentSource implements ContentSource {
  rows = new Map<string, ScreeningSubject>();
  /** Verdicts applied one by one, with the transaction they were applied in. */
  applied: Array<{ tx: Tx; id: string; verdict: VerdictToApply }> = [];
  /** Batches published together, with the transaction (or `none`) they ran in. */
  batches: Array<{ tx: Tx; ids: string[] }> = [];
  after: Array<{ id: string; verdict: VerdictToApply; reasons: Array<{ source: string }> }> = [];
  published = new Map<string, number>();
  /** Set to make publishMany fail, as a lost connection would. */
  failPublishMany = false;
  /** Absent unless a test gives it, as for a source that owes nothing after its verdicts. */
  followVerdicts?: (tx: Tx, applied: AppliedVerdict[]) => Promise<AfterCommit>;
  /** Absent unless a test gives it, as for a source that cannot publish and follow a batch in one statement. */
  publishAlone?: (items: PlainPublication[]) => Promise<{ published: ScreeningSubject[]; afterCommit: AfterCommit } | null>;

  constructor(
    readonly type: SubjectType,
    private readonly options: { batched?: boolean } = { batched: true },
  ) {
    if (!options.batched) {
      this.peek = undefined;
      this.publishMany = undefined;
    }
  }

  add(subject: Partial<ScreeningSubject> & { id: string }): ScreeningSubject {
    const row: ScreeningSubject = { type: this.type, groupId: 'g1', authorId: 'author', body: '', revision: 1, status: 'screening', ...subject };
    this.rows.set(row.id, row);
    return row;
  }

  async lockForVerdict(_tx: Tx, id: string) {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
  async applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply) {
    this.applied.push({ tx, id: subject.id, verdict });
    const row = this.rows.get(subject.id)!;
    row.status = verdict.status;
    row.body = verdict.body;
    if (verdict.fields) row.fields = { ...row.fields, ...verdict.fields };
  }
  peek?: (ids: string[]) => Promise<ScreeningSubject[]> = async (ids) => ids.flatMap((id) => (this.rows.has(id) ? [structuredClone(this.rows.get(id)!)] : []));
  publishMany?: (tx: Tx, items: Array<{ id: string; revision: number; body: string }>) => Promise<ScreeningSubject[]> = async (tx, items) => {
    if (this.failPublishMany) throw new Error('connection lost');
    this.batches.push({ tx, ids: items.map((i) => i.id) });
    const done: ScreeningSubject[] = [];
    for (const item of items) {
      const row = this.rows.get(item.id);
      if (!row || row.status !== 'screening' || row.revision !== item.revision) continue;
      Object.assign(row, { status: 'published', body: item.body });
      done.push(structuredClone(row));
    }
    return done;
  };
  async afterVerdict(subject: ScreeningSubject, verdict: VerdictToApply, reasons: Array<{ source: string }>) {
    this.after.push({ id: subject.id, verdict, reasons });
  }
  async publishedCount(authorId: string, groupId: string, atMost: number) {
    return Math.min(this.published.get(`${groupId}:${authorId}`) ?? 0, atMost);
  }
  async stuckInScreening(_olderThanSeconds: number, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.status === 'screening')
      .slice(0, limit)
      .map((r) => ({ id: r.id, revision: r.revision }));
  }
  async describe(ids: string[]) {
    const views = new Map<string, SubjectView>();
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row)
        views.set(id, {
          type: row.type,
          id,
          body: row.body,
          author: row.authorId ? { id: row.authorId, displayName: row.authorId } : null,
          groupId: row.groupId,
          status: row.status,
        });
    }
    return views;
  }
  async hide(_tx: Tx, id: string) {
    this.rows.get(id)!.status = 'hidden';
  }
  async setStatus(_tx: Tx, id: string, status: 'published' | 'removed') {
    this.rows.get(id)!.status = status;
  }
}

/** When an item escalates: at twice its SLA, as review_escalates_at(created_at, due_at) reckons it. */
function escalatesAt(item: ReviewItem): number {
  return item.createdAt.getTime() + 2 * Math.max(0, item.dueAt.getTime() - item.createdAt.getTime());
}

/** ModerationAlertsRepository kept in memory: one alert per subject, kind and person, which makes each a claim. */
export class FakeModerationAlertsRepository implements Pick<ModerationAlertsRepository, 'page' | 'insert' | 'insertForItems' | 'sentForApplications'> {
  rows: ModerationAlert[] = [];
  private clock = 0;

  private add(userId: string, groupId: string, subjectType: ModerationAlert['subjectType'], subjectId: string, kind: ModerationAlert['kind']): boolean {
    if (this.rows.some((a) => a.userId === userId && a.subjectType === subjectType && a.subjectId === subjectId && a.kind === kind)) return false;
    // Each alert a millisecond after the one before, so newest-first has one answer.
    this.clock += 1;
    this.rows.push({ id: randomUUID(), userId, groupId, subjectType, subjectId, kind, createdAt: new Date(Date.UTC(2026, 0, 1) + this.clock) });
    return true;
  }
  async page(userId: string, limit: number, before: { at: string; id: string } | null) {
    const key = (a: ModerationAlert) => [a.createdAt.toISOString(), a.id] as const;
    return this.rows
      .filter((a) => a.userId === userId)
      .filter((a) => !before || key(a)[0] < before.at || (key(a)[0] === before.at && a.id < before.id))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
      .slice(0, limit);
  }
  async insert(userIds: string[], groupId: string, subjectType: ModerationAlert['subjectType'], subjectId: string, kind: ModerationAlert['kind']) {
    return userIds.filter((userId) => this.add(userId, groupId, subjectType, subjectId, kind)).length;
  }
  async insertForItems(_tx: Tx, alerts: ItemAlerts[], kind: ModerationAlert['kind']) {
    for (const a of alerts) for (const userId of a.userIds) this.add(userId, a.groupId, 'review-item', a.subjectId, kind);
  }
  async sentForApplications(ids: string[]) {
    return new Set(this.rows.filter((a) => a.subjectType === 'application' && ids.includes(a.subjectId)).map((a) => `${a.subjectId}/${a.kind}`));
  }
}

/** AppealsRepository kept in memory: one appeal per notice (notice_id is unique). */
export class FakeAppealsRepository implements Pick<AppealsRepository, 'insert' | 'linkReviewItem' | 'appellantIds'> {
  rows: Array<{ id: string; noticeId: string; userId: string; reviewItemId: string | null }> = [];

  async insert(_tx: Tx, noticeId: string, userId: string) {
    if (this.rows.some((a) => a.noticeId === noticeId)) return null;
    const id = randomUUID();
    this.rows.push({ id, noticeId, userId, reviewItemId: null });
    return id;
  }
  async linkReviewItem(_tx: Tx, appealId: string, reviewItemId: string) {
    this.rows.find((a) => a.id === appealId)!.reviewItemId = reviewItemId;
  }
  async appellantIds(_tx: Tx, reviewItemId: string) {
    return [...new Set(this.rows.filter((a) => a.reviewItemId === reviewItemId).map((a) => a.userId))];
  }
}

/**
 * The real ReviewItemsService over an in-memory repository, with what it announces to reviewers
 * recorded instead of built into views (the view has its own spec). Other collaborators it does not
 * use on the paths under test are left empty.
 */
export function reviewItemsOverFakes(sources: ScreeningSources, groups: GroupsService) {
  const items = new FakeReviewItemsRepository();
  const reviewItems = new ReviewItemsService(
    items as unknown as ReviewItemsRepository,
    {} as EnforcementHistoryRepository,
    {} as ContentReportsRepository,
    sources,
    {} as IdentityService,
    {} as EventBus,
    groups,
  );
  const announced: Array<{ item: ReviewItem; kind: string }> = [];
  reviewItems.announce = async (item, kind) => void announced.push({ item, kind });
  return { items, reviewItems, announced };
}

/** NotificationsService's door for other contexts, recording what it was asked to send and in which transaction. */
export class RecordingNotifications implements Pick<NotificationsService, 'notify' | 'dispatch'> {
  readonly sent: Array<{ event: NotificationEvent; tx: Tx | undefined; outboxId: string }> = [];
  readonly dispatched: string[] = [];

  async notify(event: NotificationEvent, tx?: Tx): Promise<string | null> {
    if (new Set(event.recipients).size === 0) return null;
    const outboxId = `outbox-${this.sent.length + 1}`;
    this.sent.push({ event, tx, outboxId });
    return outboxId;
  }

  async dispatch(outboxIds: Array<string | null>): Promise<void> {
    this.dispatched.push(...outboxIds.filter((id): id is string => id !== null));
  }

  /** Who was sent each event, by event id. */
  byEvent(): Record<string, string[]> {
    return Object.fromEntries(this.sent.map(({ event }) => [event.eventId, [...event.recipients].sort()]));
  }
}
