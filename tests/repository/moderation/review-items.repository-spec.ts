import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { AppealsRepository } from '../../../libs/moderation/src/appeals/appeals.repository';
import { Appeal } from '../../../libs/moderation/src/appeals/appeal.entity';
import { ModerationAlert } from '../../../libs/moderation/src/deadlines/moderation-alert.entity';
import { ModerationAlertsRepository } from '../../../libs/moderation/src/deadlines/moderation-alerts.repository';
import { ContentReport } from '../../../libs/moderation/src/reports/content-report.entity';
import { ContentReportsRepository } from '../../../libs/moderation/src/reports/content-reports.repository';
import { WatchedWordRuleEntity } from '../../../libs/moderation/src/rules/watched-word-rule.entity';
import { WatchedWordRulesRepository } from '../../../libs/moderation/src/rules/watched-word-rules.repository';
import { EnforcementHistoryEntry } from '../../../libs/moderation/src/review/enforcement-history.entity';
import { EnforcementHistoryRepository } from '../../../libs/moderation/src/review/enforcement-history.repository';
import { ReviewItem } from '../../../libs/moderation/src/review/review-item.entity';
import { NewReviewItem, ReviewItemsRepository } from '../../../libs/moderation/src/review/review-items.repository';

describe('Moderation repositories on PostgreSQL', () => {
  let dataSource: DataSource;
  let items: ReviewItemsRepository;
  let history: EnforcementHistoryRepository;
  let reports: ContentReportsRepository;
  let appeals: AppealsRepository;
  let alerts: ModerationAlertsRepository;
  let rules: WatchedWordRulesRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([ReviewItem, EnforcementHistoryEntry, ContentReport, Appeal, ModerationAlert, WatchedWordRuleEntity]);
    items = new ReviewItemsRepository(dataSource);
    history = new EnforcementHistoryRepository(dataSource);
    reports = new ContentReportsRepository(dataSource);
    appeals = new AppealsRepository(dataSource);
    alerts = new ModerationAlertsRepository(dataSource);
    rules = new WatchedWordRulesRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  async function group(): Promise<string> {
    return insertGroup(dataSource, { name: 'Moderated group' });
  }

  const item = (groupId: string, authorId: string | null, overrides: Partial<NewReviewItem> = {}): NewReviewItem => ({
    groupId,
    kind: 'post',
    subjectType: 'post',
    subjectId: randomUUID(),
    subjectRevision: 1,
    subjectAuthorId: authorId,
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

  it('writes an item, finds the open one about a subject under lock, and updates it', async () => {
    const [g, author] = [await group(), await insertUser(dataSource)];
    const written = await inTransaction(dataSource, (tx) => items.insert(tx, item(g, author)));
    await inTransaction(dataSource, async (tx) => {
      const locked = await items.lockOpenFor(tx, 'post', written.subjectId);
      expect(locked).toMatchObject({ id: written.id, reasons: [{ source: 'rule' }] });
      await items.update(tx, written.id, { priority: 'urgent' });
    });
    await expect(items.find(written.id)).resolves.toMatchObject({ priority: 'urgent', status: 'open' });
    await expect(items.openDueAt('post', written.subjectId)).resolves.toEqual(written.dueAt);
    await expect(items.latestFor(written.subjectId)).resolves.toMatchObject({ id: written.id });
  });

  it('on an edit: keeps urgent words, and replaces a reported item by one about the new revision that carries its deadline', async () => {
    const [g, author] = [await group(), await insertUser(dataSource)];
    const reported = await inTransaction(dataSource, (tx) =>
      items.insert(tx, item(g, author, { kind: 'report', reasons: [{ source: 'reports', detail: '2 members reported this', clauseKey: 'k' }] })),
    );
    const opened = await inTransaction(dataSource, async (tx) => {
      await expect(items.openIds(tx, 'post', reported.subjectId)).resolves.toEqual([reported.id]);
      const carried = await items.supersedeReported(tx, 'post', reported.subjectId);
      expect(carried).toMatchObject({ groupId: g, subjectAuthorId: author, dueAt: reported.dueAt });
      return items.insertCarriedReport(tx, 'post', reported.subjectId, 2, carried!);
    });
    await expect(items.find(reported.id)).resolves.toMatchObject({ status: 'superseded' });
    await expect(items.find(opened!)).resolves.toMatchObject({ kind: 'report', subjectRevision: 2, status: 'open', dueAt: reported.dueAt });

    const urgent = await inTransaction(dataSource, (tx) => items.insert(tx, item(g, author, { priority: 'urgent' })));
    await inTransaction(dataSource, async (tx) => {
      await expect(items.openUrgentSubjectIds(tx, 'post', author)).resolves.toEqual([urgent.subjectId]);
      await items.keepUrgent(tx, 'post', [{ id: urgent.subjectId, body: 'first words' }], 'edited');
      await items.keepUrgent(tx, 'post', [{ id: urgent.subjectId, body: 'second words' }], 'edited');
      await items.supersedeAllOpen(tx, 'post', urgent.subjectId);
      await expect(items.currentOpen(tx, 'post', urgent.subjectId)).resolves.toBeNull();
    });
    await expect(items.find(urgent.id)).resolves.toMatchObject({ status: 'open', subjectChange: 'edited', subjectSnapshot: 'first words' });
    await expect(items.keptWordsOf(author)).resolves.toEqual([expect.objectContaining({ subjectId: urgent.subjectId, words: 'first words' })]);
  });

  it('claims overdue items once and escalations once, as entities, oldest deadline first', async () => {
    const [g, author] = [await group(), await insertUser(dataSource)];
    // Long past, so no other test's items fall due at this "now".
    const base = Date.UTC(1990, 0, 1);
    const due = [2, 1].map((h) => new Date(base + h * 3600_000));
    for (const dueAt of due) await inTransaction(dataSource, (tx) => items.insert(tx, item(g, author, { createdAt: new Date(base), dueAt })));
    const now = new Date(base + 24 * 3600_000);
    const overdue = await inTransaction(dataSource, (tx) => items.claimOverdue(tx, now, 10));
    expect(overdue.map((i) => i.dueAt)).toEqual([due[1], due[0]]);
    expect(overdue[0]).toMatchObject({ groupId: g, subjectType: 'post', reasons: [{ source: 'rule' }] });
    await expect(inTransaction(dataSource, (tx) => items.claimOverdue(tx, now, 10))).resolves.toEqual([]);
    const escalated = await inTransaction(dataSource, (tx) => items.claimEscalations(tx, now, 10));
    expect(escalated.map((i) => i.audience)).toEqual(['admins', 'admins']);
    await expect(inTransaction(dataSource, (tx) => items.claimEscalations(tx, now, 10))).resolves.toEqual([]);
  });

  it('computes a group’s queue health, and purges closed items past the period but never open ones', async () => {
    const [g, author] = [await group(), await insertUser(dataSource)];
    const old = new Date(Date.now() - 400 * 86_400_000);
    await inTransaction(dataSource, async (tx) => {
      await items.insert(tx, item(g, author, { priority: 'urgent', dueAt: new Date(Date.now() - 60_000) }));
      await items.insert(tx, item(g, author, { audience: 'admins' }));
      await items.insert(tx, item(g, author, { status: 'decided', createdAt: old, dueAt: old, decidedAt: old }));
      await items.insert(tx, item(g, author, { createdAt: old, dueAt: old }));
    });
    await expect(items.health(g, new Date(), false)).resolves.toMatchObject({ open: 2, overdue: 2, urgentOpen: 1 });
    await expect(items.health(g, new Date(), true)).resolves.toMatchObject({ open: 3 });
    const purged = await items.purgeClosedOlderThan(365, 1000);
    expect(purged.get(g)).toBe(1);
    await expect(items.health(g, new Date(), true)).resolves.toMatchObject({ open: 3 });
  });

  it('keeps a member’s history, reports once per reporter, appeals once per notice, alerts once per person, and erases them', async () => {
    const [g, member, reporter] = [await group(), await insertUser(dataSource), await insertUser(dataSource)];
    const decided = await inTransaction(dataSource, (tx) => items.insert(tx, item(g, member, { status: 'decided' })));
    await inTransaction(dataSource, (tx) =>
      history.record(tx, [
        { groupId: g, userId: member, clauseKey: 'k', action: 'removal', reviewItemId: decided.id },
        { groupId: g, userId: member, clauseKey: 'k', action: 'ban', reviewItemId: decided.id },
      ]),
    );
    await expect(history.imposedOver(member, g, 'ban', decided.subjectId)).resolves.toBe(true);
    await expect(inTransaction(dataSource, (tx) => history.hasBan(tx, g, member))).resolves.toBe(true);
    expect(await history.forMembers([member], [g])).toHaveLength(2);

    const report = { groupId: g, subjectType: 'post' as const, subjectId: decided.subjectId, reporterId: reporter, clauseKey: 'k', note: 'note' };
    await expect(inTransaction(dataSource, (tx) => reports.insert(tx, report))).resolves.toEqual(expect.any(String));
    await expect(inTransaction(dataSource, (tx) => reports.insert(tx, report))).resolves.toBeNull();
    await expect(inTransaction(dataSource, (tx) => reports.reporterCount(tx, 'post', decided.subjectId))).resolves.toBe(1);
    await expect(reports.onSubjects([decided.subjectId])).resolves.toEqual([expect.objectContaining({ reporterId: reporter, note: 'note' })]);

    const noticeId = randomUUID();
    const appealId = await inTransaction(dataSource, (tx) => appeals.insert(tx, noticeId, member));
    await expect(inTransaction(dataSource, (tx) => appeals.insert(tx, noticeId, member))).resolves.toBeNull();
    await inTransaction(dataSource, (tx) => appeals.linkReviewItem(tx, appealId!, decided.id));
    await expect(inTransaction(dataSource, (tx) => appeals.appellantIds(tx, decided.id))).resolves.toEqual([member]);

    await expect(alerts.insert([reporter], g, 'application', decided.id, 'overdue')).resolves.toBe(1);
    await expect(alerts.insert([reporter], g, 'application', decided.id, 'overdue')).resolves.toBe(0);
    await expect(alerts.sentForApplications([decided.id])).resolves.toEqual(new Set([`${decided.id}/overdue`]));
    expect(await alerts.page(reporter, 10, null)).toHaveLength(1);

    await inTransaction(dataSource, async (tx) => {
      await appeals.eraseFor(tx, member);
      await history.eraseFor(tx, member);
      await reports.eraseFor(tx, reporter);
      await alerts.eraseFor(tx, reporter);
    });
    await expect(appeals.exportFor(member)).resolves.toEqual([]);
    await expect(history.exportFor(member)).resolves.toEqual([]);
    await expect(reports.exportFor(reporter)).resolves.toEqual([]);
    await expect(alerts.exportFor(reporter)).resolves.toEqual([]);
  });

  it('keeps a group’s watched-word rules oldest first and removes only its own', async () => {
    const [g, other, admin] = [await group(), await group(), await insertUser(dataSource)];
    const rule = await rules.insert({ groupId: g, pattern: 'spam', match: 'word', action: 'hold', clauseKey: null, createdBy: admin });
    await rules.insert({ groupId: g, pattern: 'free money', match: 'phrase', action: 'block', clauseKey: null, createdBy: admin });
    expect((await rules.list(g)).map((r) => r.pattern)).toEqual(['spam', 'free money']);
    await expect(rules.remove(other, rule.id)).resolves.toBe(false);
    await expect(rules.remove(g, rule.id)).resolves.toBe(true);
  });
});
