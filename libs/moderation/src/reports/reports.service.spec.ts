import { Logger } from '@nestjs/common';
import type { Transactions, Tx } from '@kindred/database';
import { DomainError } from '@kindred/http';
import type { EventBus } from '@kindred/events';
import { DEFAULT_MODERATION, type GroupSettings, type GroupsService, type ParticipationService } from '@kindred/groups';
import type { AuthUser } from '@kindred/identity';
import type { NewNotice, NoticesService, NoticeView } from '@kindred/notifications';
import type { SignpostingService } from '@kindred/signposting';
import { CountingTransactions, FakeContentSource, reviewItemsOverFakes } from '../review/review.fakes';
import { RulesService } from '../rules/rules.service';
import type { WatchedWordRulesRepository } from '../rules/watched-word-rules.repository';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import type { ContentReportsRepository, NewContentReport } from './content-reports.repository';
import { ReportedSubject, ReportsService } from './reports.service';

Logger.overrideLogger(false);

/** ContentReportsRepository kept in memory: one report per member and subject, as the unique index has it. */
class FakeContentReportsRepository implements Pick<ContentReportsRepository, 'insert' | 'reporterCount'> {
  rows: Array<NewContentReport & { id: string }> = [];

  async insert(_tx: Tx, values: NewContentReport) {
    if (this.rows.some((r) => r.subjectType === values.subjectType && r.subjectId === values.subjectId && r.reporterId === values.reporterId)) return null;
    const id = `report-${this.rows.length + 1}`;
    this.rows.push({ ...values, id });
    return id;
  }
  async reporterCount(_tx: Tx, subjectType: string, subjectId: string) {
    return new Set(this.rows.filter((r) => r.subjectType === subjectType && r.subjectId === subjectId).map((r) => r.reporterId)).size;
  }
}

const person = (id: string): AuthUser => ({ id, displayName: id, isAdmin: false, sessionId: `s-${id}` });
const HELPLINE = { name: 'Samaritans' };

/** ReportsService over in-memory reports, review items and posts; post p1 by `author` is published in g1, hidden at two reporters. */
function reports(options: { supporters?: string[] } = {}) {
  const transactions = new CountingTransactions();
  const posts = new FakeContentSource('post');
  posts.add({ id: 'p1', body: 'What they wrote', status: 'published', revision: 3 });
  const sources = new ScreeningSources();
  sources.register(posts);
  const settings = { moderation: { ...DEFAULT_MODERATION, reportsToHide: 2, reviewSlaMinutes: 240, urgentSlaMinutes: 15 } } as GroupSettings;
  const groups = {
    assertClause: async (_groupId: string, clauseKey: string) => {
      if (clauseKey !== 'be-kind') throw DomainError.validation([{ field: 'clauseKey', message: 'No such clause' }]);
    },
    getSettings: async () => settings,
    supporterIds: async () => options.supporters ?? ['s1'],
  } as unknown as GroupsService;
  const { items, reviewItems, announced } = reviewItemsOverFakes(sources, groups);
  const rules = new RulesService(
    { list: async () => [{ id: 'r1', pattern: 'idiot', match: 'word', action: 'block', clauseKey: 'be-kind' }] } as unknown as WatchedWordRulesRepository,
    groups,
    { sanction: async () => null } as unknown as ParticipationService,
    {} as EventBus,
  );
  const created: NewNotice[] = [];
  const noticesAnnounced: NoticeView[] = [];
  const notices = {
    create: async (input: NewNotice) => {
      created.push(input);
      return { ...input, id: `notice-${created.length}` } as unknown as NoticeView;
    },
    announce: async (notice: NoticeView) => void noticesAnnounced.push(notice),
  } as unknown as NoticesService;
  const signposting = { crisisResources: async () => [HELPLINE] } as unknown as SignpostingService;
  const reportRows = new FakeContentReportsRepository();
  const service = new ReportsService(
    transactions as unknown as Transactions,
    reportRows as unknown as ContentReportsRepository,
    groups,
    reviewItems,
    sources,
    rules,
    notices,
    signposting,
  );
  const subject: ReportedSubject = { type: 'post', id: 'p1', groupId: 'g1', authorId: 'author', revision: 3, status: 'published' };
  return {
    service,
    subject,
    posts,
    items,
    reportRows,
    get announced() {
      return announced.map((a) => a.kind);
    },
    created,
    noticesAnnounced,
    transactions,
  };
}

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (e: unknown) => e as { code?: string; reason?: string },
  );
}

describe('ReportsService.report (in-memory repositories)', () => {
  it('records the report and opens one review item for the supporters, on the normal deadline, in one transaction', async () => {
    const r = reports();
    const before = Date.now();
    const receipt = await r.service.report(person('m1'), r.subject, 'be-kind', undefined);
    expect(receipt).toEqual({ id: 'report-1' });
    expect(r.transactions.opened).toHaveLength(1);
    expect(r.reportRows.rows).toEqual([expect.objectContaining({ reporterId: 'm1', subjectId: 'p1', clauseKey: 'be-kind', note: null })]);
    expect(r.items.rows).toHaveLength(1);
    const item = r.items.rows[0]!;
    expect(item).toMatchObject({ kind: 'report', subjectId: 'p1', subjectRevision: 3, subjectAuthorId: 'author', audience: 'supporters', priority: 'normal' });
    expect(item.reasons).toEqual([{ source: 'reports', detail: '1 member reported this', clauseKey: 'be-kind' }]);
    expect(Math.round((item.dueAt.getTime() - before) / 60_000)).toBe(240);
    expect(r.announced).toEqual(['review:new']);
  });

  it('refuses a second report of the same content by the same member, changing nothing', async () => {
    const r = reports();
    await r.service.report(person('m1'), r.subject, 'be-kind', undefined);
    await expect(rejection(r.service.report(person('m1'), r.subject, 'be-kind', 'again'))).resolves.toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_REPORTED',
    });
    expect(r.reportRows.rows).toHaveLength(1);
    expect(r.items.rows[0]!.reasons).toEqual([expect.objectContaining({ detail: '1 member reported this' })]);
    expect(r.posts.rows.get('p1')!.status).toBe('published');
    expect(r.announced).toEqual(['review:new']);
  });

  it("adds another member's report to the open item, counting distinct reporters, and hides the content at the group's threshold", async () => {
    const r = reports();
    await r.service.report(person('m1'), r.subject, 'be-kind', undefined);
    expect(r.posts.rows.get('p1')!.status).toBe('published');
    await r.service.report(person('m2'), r.subject, 'be-kind', undefined);
    expect(r.items.rows).toHaveLength(1);
    expect(r.items.rows[0]!.reasons).toEqual([{ source: 'reports', detail: '2 members reported this', clauseKey: 'be-kind' }]);
    expect(r.posts.rows.get('p1')!.status).toBe('hidden');
    expect(r.announced).toEqual(['review:new', 'review:updated']);
  });

  it("sends reports on a supporter's words to the admins", async () => {
    const r = reports({ supporters: ['s1', 'author'] });
    await r.service.report(person('m1'), r.subject, 'be-kind', undefined);
    expect(r.items.rows[0]).toMatchObject({ audience: 'admins' });
  });

  it('answers not found for content that is not there, recording nothing', async () => {
    const r = reports();
    await expect(rejection(r.service.report(person('m1'), { ...r.subject, id: 'gone' }, 'be-kind', undefined))).resolves.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(r.reportRows.rows).toEqual([]);
    expect(r.items.rows).toEqual([]);
  });

  it("refuses a member's report of their own words, and a clause the group does not have", async () => {
    const r = reports();
    await expect(rejection(r.service.report(person('author'), r.subject, 'be-kind', undefined))).resolves.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(rejection(r.service.report(person('m1'), r.subject, 'no-such-clause', undefined))).resolves.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(r.reportRows.rows).toEqual([]);
    expect(r.transactions.opened).toEqual([]);
  });

  it('screens the note: a blocked word refuses the report, personal data is masked before it is stored', async () => {
    const r = reports();
    await expect(rejection(r.service.report(person('m1'), r.subject, 'be-kind', 'what an idiot'))).resolves.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(r.reportRows.rows).toEqual([]);
    await r.service.report(person('m1'), r.subject, 'be-kind', 'they posted my number 07700 900123');
    expect(r.reportRows.rows[0]!.note).not.toContain('07700 900123');
  });

  it('makes a report whose note is in crisis words urgent, on the short deadline, and signposts the reporter', async () => {
    const r = reports();
    const before = Date.now();
    await r.service.report(person('m1'), r.subject, 'be-kind', 'this makes me want to kill myself');
    const item = r.items.rows[0]!;
    expect(item.priority).toBe('urgent');
    expect(Math.round((item.dueAt.getTime() - before) / 60_000)).toBe(15);
    expect(item.reasons.map((x) => x.source)).toEqual(['reports', 'crisis']);
    expect(item.reasons[1]!.detail).toContain('what m1 wrote');
    expect(r.created).toEqual([expect.objectContaining({ userId: 'm1', kind: 'signposting', resources: [HELPLINE] })]);
    expect(r.noticesAnnounced).toHaveLength(1);
  });
});
