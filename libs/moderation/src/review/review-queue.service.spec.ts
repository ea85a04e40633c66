import type { AuditLogService, NewAuditEntry } from '@kindred/audit';
import type { Transactions } from '@kindred/database';
import type { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import type { NewNotice, NoticesService } from '@kindred/notifications';
import type { AppealsRepository } from '../appeals/appeals.repository';
import type { ContentReportsRepository } from '../reports/content-reports.repository';
import type { ReviewMetrics } from '../metrics/review-metrics';
import type { ReviewedContent, ScreeningSources } from '../screening-pipeline/screening-source';
import type { EnforcementHistoryRepository, NewEnforcement } from './enforcement-history.repository';
import type { ReviewItem } from './review-item.entity';
import type { ReviewItemsRepository } from './review-items.repository';
import type { ReviewItemsService } from './review-items.service';
import { ReviewQueueService } from './review-queue.service';
import { FakeReviewItemsRepository, fakeTransactions } from './review.fakes';

const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: `s-${id}` });
const supporter = person('supporter');

function queue(options: { staff?: string[]; reporters?: string[] } = {}) {
  const untold = new Set(options.reporters ?? []);
  const items = new FakeReviewItemsRepository();
  const history: NewEnforcement[] = [];
  const audit: NewAuditEntry[] = [];
  const notices: NewNotice[] = [];
  const statuses: Array<{ id: string; status: string }> = [];
  const subject = { revision: 1, status: 'held' };
  const source = {
    lockForVerdict: async (_tx: unknown, id: string) => ({ type: 'post', id, groupId: 'g1', authorId: 'author', body: 'words', ...subject }),
    setStatus: async (_tx: unknown, id: string, status: string) => void statuses.push({ id, status }),
    afterStatusChange: async () => undefined,
  } as unknown as ReviewedContent;
  const service = new ReviewQueueService(
    fakeTransactions as unknown as Transactions,
    items as unknown as ReviewItemsRepository,
    { record: async (_tx: unknown, entries: NewEnforcement[]) => void history.push(...entries) } as unknown as EnforcementHistoryRepository,
    { appellantIds: async () => [] } as unknown as AppealsRepository,
    { assertModerator: async (user: AuthUser) => (user.isAdmin ? 'admin' : 'supporter') } as unknown as ParticipationService,
    { assertClause: async () => undefined } as unknown as GroupsService,
    { find: async () => ({ status: 'active' }), changed: async () => undefined, muteIn: async () => undefined } as unknown as MembershipService,
    {
      views: async (rows: ReviewItem[]) => rows.map((r) => ({ id: r.id, status: r.status, claimedBy: r.claimedBy })),
      announce: async () => undefined,
      isStaff: async (userId: string) => (options.staff ?? []).includes(userId),
      currentOpen: (tx: unknown, type: 'post', id: string) => items.currentOpen(tx as never, type, id),
    } as unknown as ReviewItemsService,
    { reviewed: () => source } as unknown as ScreeningSources,
    {
      create: async (notice: NewNotice) => (notices.push(notice), { ...notice, id: `n${notices.length}` }),
      announce: async () => undefined,
    } as unknown as NoticesService,
    { record: async (_tx: unknown, entry: NewAuditEntry) => void audit.push(entry) } as unknown as AuditLogService,
    { observeDecision: () => undefined } as unknown as ReviewMetrics,
    {
      // Each report is told once, like the UPDATE … RETURNING it stands for.
      takeUntoldReporters: async () => {
        const taken = [...untold];
        untold.clear();
        return taken;
      },
    } as unknown as ContentReportsRepository,
  );
  const open = (overrides: Partial<ReviewItem> = {}) =>
    items.insert({} as never, {
      groupId: 'g1',
      kind: 'post',
      subjectType: 'post',
      subjectId: 'p1',
      subjectRevision: 1,
      subjectAuthorId: 'author',
      reasons: [{ source: 'rule', detail: 'links' }],
      priority: 'normal',
      audience: 'supporters',
      status: 'open',
      createdAt: new Date(),
      dueAt: new Date(Date.now() + 3600_000),
      overdueNotifiedAt: null,
      escalatedAt: null,
      claimedBy: null,
      claimedAt: null,
      decidedBy: null,
      decidedAt: null,
      decision: null,
      subjectChange: null,
      subjectSnapshot: null,
      appeal: null,
      ...overrides,
    });
  return { service, items, history, audit, notices, statuses, subject, open };
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: DomainError) => e.code,
  );
const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: DomainError) => e.reason,
  );

describe('ReviewQueueService (in-memory repositories)', () => {
  it('hides admin items from supporters, and nobody reviews their own words or the appeal of their own decision', async () => {
    const { service, open } = queue();
    const forAdmins = await open({ audience: 'admins' });
    await expect(code(service.decide(supporter, forAdmins.id, { action: 'approve' }))).resolves.toBe('NOT_FOUND');
    const own = await open({ subjectAuthorId: 'supporter' });
    await expect(code(service.decide(supporter, own.id, { action: 'approve' }))).resolves.toBe('FORBIDDEN');
    const appeal = await open({ kind: 'appeal', appeal: { noticeId: 'n', text: 't', originalDecidedBy: 'supporter', originalReviewItemId: 'r' } });
    await expect(code(service.decide(supporter, appeal.id, { action: 'approve' }))).resolves.toBe('FORBIDDEN');
  });

  it.each([
    [{ action: 'remove' as const }, 'VALIDATION_FAILED'],
    [{ action: 'approve' as const, sanction: { kind: 'warn' as const } }, 'VALIDATION_FAILED'],
    [{ action: 'remove' as const, clauseKey: 'k', sanction: { kind: 'mute' as const } }, 'VALIDATION_FAILED'],
    [{ action: 'remove' as const, clauseKey: 'k', sanction: { kind: 'ban' as const, hours: 3 } }, 'VALIDATION_FAILED'],
  ])('refuses the decision %j as %s', async (decision, expected) => {
    const { service, open } = queue();
    const item = await open();
    await expect(code(service.decide(supporter, item.id, decision))).resolves.toBe(expected);
  });

  it('lets only an admin sanction a supporter', async () => {
    const { service, open } = queue({ staff: ['author'] });
    const item = await open();
    const ban = { action: 'remove' as const, clauseKey: 'k', sanction: { kind: 'ban' as const } };
    await expect(code(service.decide(supporter, item.id, ban))).resolves.toBe('FORBIDDEN');
  });

  it('keeps a claimed item for its holder; another moderator takes it over only by saying so, and the audit log records it', async () => {
    const { service, open, audit } = queue();
    const item = await open();
    await service.claim(person('first'), item.id);
    await expect(code(service.claim(supporter, item.id))).resolves.toBe('CONFLICT');
    await expect(reason(service.decide(supporter, item.id, { action: 'approve' }))).resolves.toBe('ITEM_CLAIMED');
    await expect(service.claim(supporter, item.id, { takeOver: true })).resolves.toMatchObject({ claimedBy: 'supporter' });
    expect(audit).toEqual([expect.objectContaining({ action: 'review.takeover', detail: expect.objectContaining({ previousClaimedBy: 'first' }) })]);
  });

  it('answers ITEM_SUPERSEDED, pointing at the item about the words as they are now', async () => {
    const { service, open } = queue();
    const old = await open({ status: 'superseded' });
    const current = await open({ subjectRevision: 2 });
    const error = await service.claim(supporter, old.id).catch((e: DomainError) => e);
    expect(error).toMatchObject({ code: 'ITEM_SUPERSEDED', extra: { currentItemId: current.id } });
  });

  it('removes with a warning: the content goes, the history counts both, the author hears of both, and it is audited', async () => {
    const { service, open, history, notices, statuses, audit, items } = queue();
    const item = await open();
    await service.decide(supporter, item.id, { action: 'remove', clauseKey: 'kindness', sanction: { kind: 'warn' } });
    expect(statuses).toEqual([{ id: 'p1', status: 'removed' }]);
    expect(history.map((h) => h.action)).toEqual(['removal', 'warn']);
    expect(notices.map((n) => [n.kind, n.appealable])).toEqual([
      ['removal', true],
      ['warning', false],
    ]);
    expect(audit[0]).toMatchObject({ action: 'review.remove', detail: { clauseKey: 'kindness' } });
    expect(items.rows[0]).toMatchObject({ status: 'decided', decidedBy: 'supporter', subjectSnapshot: null });
    await expect(reason(service.decide(supporter, item.id, { action: 'approve' }))).resolves.toBe('ITEM_DECIDED');
  });

  it('decides only the revision the item is about: after an edit, a removal removes nothing and the notice says so', async () => {
    const { service, open, statuses, notices, subject } = queue();
    const item = await open();
    subject.revision = 2;
    await service.decide(supporter, item.id, { action: 'remove', clauseKey: 'kindness' });
    expect(statuses).toEqual([]);
    expect(notices[0]).toMatchObject({ kind: 'removal', appealable: false });
  });

  it('tells every reporter the outcome once, in words that never name the sanction or who decided', async () => {
    const { service, open, notices } = queue({ reporters: ['r1', 'r2'] });
    const item = await open({ kind: 'report' });
    await service.decide(supporter, item.id, { action: 'remove', clauseKey: 'kindness', sanction: { kind: 'mute', hours: 2 } });
    const told = notices.filter((n) => n.kind === 'report-outcome');
    expect(told.map((n) => n.userId)).toEqual(['r1', 'r2']);
    for (const n of told) {
      expect(n.message).toContain('taken down');
      expect(n.message).not.toMatch(/\b(ban|banned|mute|muted|warn|warning|author)\b/i);
      expect(n).toMatchObject({ groupId: 'g1', subjectId: 'p1', appealable: false, clauseKey: null });
    }
  });

  it('tells a reporter when what they reported stays, and tells nobody twice', async () => {
    const { service, open, notices, subject } = queue({ reporters: ['r1'] });
    subject.status = 'hidden';
    const first = await open({ kind: 'report' });
    await service.decide(supporter, first.id, { action: 'approve' });
    expect(notices.filter((n) => n.kind === 'report-outcome')).toEqual([
      expect.objectContaining({ userId: 'r1', message: expect.stringContaining('stays in the group') }),
    ]);
    const second = await open({ kind: 'report', subjectRevision: 1 });
    await service.decide(supporter, second.id, { action: 'approve' });
    expect(notices.filter((n) => n.kind === 'report-outcome')).toHaveLength(1);
  });
});
