import { Logger } from '@nestjs/common';
import type { AuditLogService, NewAuditEntry } from '@kindred/audit';
import type { Transactions } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import { DEFAULT_MODERATION, type GroupSettings, type GroupsService, type ParticipationService, type Sanction } from '@kindred/groups';
import type { AuthUser } from '@kindred/identity';
import type { NewNotice, NoticesService, NoticeView } from '@kindred/notifications';
import type { SignpostingService } from '@kindred/signposting';
import type { EnforcementHistoryRepository } from '../review/enforcement-history.repository';
import type { ReviewItem } from '../review/review-item.entity';
import { CountingTransactions, FakeAppealsRepository, FakeContentSource, reviewItemsOverFakes } from '../review/review.fakes';
import { RulesService } from '../rules/rules.service';
import type { WatchedWordRulesRepository } from '../rules/watched-word-rules.repository';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import type { AppealsRepository } from './appeals.repository';
import { AppealsService } from './appeals.service';

Logger.overrideLogger(false);

const member: AuthUser = { id: 'author', displayName: 'Sam', isAdmin: false, sessionId: 's1' };
const HELPLINE = { name: 'Samaritans' };

/** AppealsService over in-memory appeals, review items and content; a removal notice n1 about post p1 by `author`. */
function appeals(options: { supporters?: string[]; sanction?: Sanction; imposedBy?: string } = {}) {
  const transactions = new CountingTransactions();
  const posts = new FakeContentSource('post');
  posts.add({ id: 'p1', body: 'What I wrote', status: 'removed', revision: 2 });
  const sources = new ScreeningSources();
  sources.register(posts);
  const settings = { moderation: { ...DEFAULT_MODERATION, reviewSlaMinutes: 240, urgentSlaMinutes: 15 } } as GroupSettings;
  const groups = { getSettings: async () => settings, supporterIds: async () => options.supporters ?? ['s1'] } as unknown as GroupsService;
  const { items, reviewItems, announced } = reviewItemsOverFakes(sources, groups);
  const appealRows = new FakeAppealsRepository();
  const history = {
    imposedOver: async (_userId: string, _groupId: string, action: string, subjectId: string) => options.imposedBy === `${action}:${subjectId}`,
  } as unknown as EnforcementHistoryRepository;
  const audited: NewAuditEntry[] = [];
  const audit = { record: async (_tx: unknown, entry: NewAuditEntry) => void audited.push(entry) } as unknown as AuditLogService;
  const participation = { sanction: async () => options.sanction ?? null } as unknown as ParticipationService;
  const rules = new RulesService(
    { list: async () => [{ id: 'r1', pattern: 'idiot', match: 'word', action: 'block', clauseKey: 'be-kind' }] } as unknown as WatchedWordRulesRepository,
    groups,
    participation,
    {} as EventBus,
  );
  const noticeRows = new Map<string, NoticeView & { userId: string }>([
    [
      'n1',
      {
        id: 'n1',
        userId: 'author',
        kind: 'removal',
        groupId: 'g1',
        subjectId: 'p1',
        clauseKey: 'be-kind',
        message: 'm',
        appealable: true,
        createdAt: new Date(),
        until: null,
        quote: null,
      },
    ],
    [
      'n2',
      {
        id: 'n2',
        userId: 'author',
        kind: 'signposting',
        groupId: 'g1',
        subjectId: 'p1',
        clauseKey: null,
        message: 'm',
        appealable: false,
        createdAt: new Date(),
        until: null,
        quote: null,
      },
    ],
    [
      'n3',
      {
        id: 'n3',
        userId: 'author',
        kind: 'rejection',
        groupId: 'g1',
        subjectId: 'p1',
        clauseKey: null,
        message: 'm',
        appealable: true,
        createdAt: new Date(),
        until: null,
        quote: null,
      },
    ],
  ]);
  const created: NewNotice[] = [];
  const noticesAnnounced: NoticeView[] = [];
  const notices = {
    find: async (id: string) => noticeRows.get(id) ?? null,
    create: async (input: NewNotice) => {
      created.push(input);
      return { ...input, id: `new-${created.length}` } as unknown as NoticeView;
    },
    announce: async (notice: NoticeView) => void noticesAnnounced.push(notice),
  } as unknown as NoticesService;
  const signposting = { crisisResources: async () => [HELPLINE] } as unknown as SignpostingService;
  const service = new AppealsService(
    transactions as unknown as Transactions,
    appealRows as unknown as AppealsRepository,
    history,
    groups,
    reviewItems,
    sources,
    audit,
    participation,
    rules,
    notices,
    signposting,
  );
  return {
    service,
    items,
    posts,
    appealRows,
    audited,
    created,
    noticesAnnounced,
    get announced() {
      return announced.map((a) => a.kind);
    },
    transactions,
  };
}

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (e: unknown) => e as { code?: string; reason?: string; detail?: string },
  );
}

const removedBy = (moderator: string): ReviewItem =>
  ({
    id: 'r0',
    groupId: 'g1',
    kind: 'post',
    subjectType: 'post',
    subjectId: 'p1',
    subjectRevision: 2,
    status: 'decided',
    decidedBy: moderator,
    decidedAt: new Date(Date.UTC(2026, 0, 1)),
    createdAt: new Date(Date.UTC(2026, 0, 1)),
    decision: { action: 'remove', clauseKey: 'be-kind', note: null },
    subjectChange: null,
  }) as ReviewItem;

describe('AppealsService.appeal (in-memory repositories)', () => {
  it('opens an appeal item for the supporters with the text, the current revision and who made the decision, in one transaction, audited', async () => {
    const a = appeals();
    a.items.rows.push(removedBy('mod-1'));
    const before = Date.now();
    const receipt = await a.service.appeal(member, 'n1', 'Please look again, I was quoting a leaflet');
    expect(a.transactions.opened).toHaveLength(1);
    const item = a.items.rows.find((r) => r.kind === 'appeal')!;
    expect(receipt).toEqual({ id: a.appealRows.rows[0]!.id, noticeId: 'n1', reviewItemId: item.id, status: 'open' });
    expect(item).toMatchObject({
      subjectId: 'p1',
      subjectRevision: 2,
      subjectAuthorId: 'author',
      priority: 'normal',
      audience: 'supporters',
      appeal: { noticeId: 'n1', text: 'Please look again, I was quoting a leaflet', originalDecidedBy: 'mod-1', originalReviewItemId: 'r0' },
    });
    expect(item.reasons).toEqual([{ source: 'appeal', detail: 'The author appealed the decision', clauseKey: 'be-kind' }]);
    expect(Math.round((item.dueAt.getTime() - before) / 60_000)).toBe(240);
    expect(a.appealRows.rows[0]!.reviewItemId).toBe(item.id);
    expect(a.audited).toEqual([expect.objectContaining({ action: 'appeal.opened', actorId: 'author', subjectId: 'p1' })]);
    expect(a.announced).toEqual(['review:new']);
  });

  it('names no original decider when screening made the decision', async () => {
    const a = appeals();
    await a.service.appeal(member, 'n3', 'It was fine');
    expect(a.items.rows[0]!.appeal).toMatchObject({ originalDecidedBy: null, originalReviewItemId: null });
  });

  it('refuses a second appeal of the same notice, opening nothing more', async () => {
    const a = appeals();
    await a.service.appeal(member, 'n1', 'Please look again');
    await expect(rejection(a.service.appeal(member, 'n1', 'And again'))).resolves.toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_APPEALED' });
    expect(a.appealRows.rows).toHaveLength(1);
  });

  it("hides someone else's notice as not found, and refuses a notice that is not about a decision", async () => {
    const a = appeals();
    await expect(rejection(a.service.appeal({ ...member, id: 'other' }, 'n1', 'x'))).resolves.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rejection(a.service.appeal(member, 'missing', 'x'))).resolves.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rejection(a.service.appeal(member, 'n2', 'x'))).resolves.toMatchObject({ code: 'CONFLICT', reason: 'NOT_APPEALABLE' });
    expect(a.items.rows).toEqual([]);
  });

  it('refuses when what the notice was about no longer exists', async () => {
    const a = appeals();
    a.posts.rows.clear();
    await expect(rejection(a.service.appeal(member, 'n1', 'x'))).resolves.toMatchObject({ code: 'CONFLICT', reason: 'SUBJECT_GONE' });
  });

  it("sends a supporter's own appeal to the admins", async () => {
    const a = appeals({ supporters: ['author'] });
    await a.service.appeal(member, 'n1', 'Please look again');
    expect(a.items.rows[0]).toMatchObject({ audience: 'admins' });
  });

  it('screens the appeal like anything a member writes: a blocked word refuses it, personal data is masked', async () => {
    const a = appeals();
    await expect(rejection(a.service.appeal(member, 'n1', 'you idiot'))).resolves.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(a.items.rows).toEqual([]);
    await a.service.appeal(member, 'n1', 'ring me on 07700 900123');
    expect(a.items.rows[0]!.appeal!.text).not.toContain('07700 900123');
  });

  it('makes an appeal in crisis words urgent, on the short deadline, and signposts its writer', async () => {
    const a = appeals();
    const before = Date.now();
    await a.service.appeal(member, 'n1', 'I want to kill myself');
    const item = a.items.rows[0]!;
    expect(item.priority).toBe('urgent');
    expect(Math.round((item.dueAt.getTime() - before) / 60_000)).toBe(15);
    expect(item.reasons.map((r) => r.source)).toEqual(['appeal', 'crisis']);
    expect(item.reasons[1]!.detail).toContain('what Sam wrote');
    expect(a.created).toEqual([expect.objectContaining({ userId: 'author', kind: 'signposting', resources: [HELPLINE] })]);
    expect(a.noticesAnnounced).toHaveLength(1);
  });

  it('under a mute, lets only the removal that imposed it be appealed', async () => {
    const until = new Date(Date.now() + 3_600_000);
    const muted = appeals({ sanction: { kind: 'mute', until } });
    await expect(rejection(muted.service.appeal(member, 'n1', 'x'))).resolves.toMatchObject({ code: 'MUTED' });
    const imposed = appeals({ sanction: { kind: 'mute', until }, imposedBy: 'mute:p1' });
    await expect(imposed.service.appeal(member, 'n1', 'x')).resolves.toMatchObject({ status: 'open' });
    // Another notice about the same words did not impose the mute.
    await expect(rejection(imposed.service.appeal(member, 'n3', 'x'))).resolves.toMatchObject({ code: 'MUTED' });
    const banned = appeals({ sanction: { kind: 'ban' } });
    await expect(rejection(banned.service.appeal(member, 'n3', 'x'))).resolves.toMatchObject({ code: 'BANNED' });
  });

  it('joins an open review item about the same content rather than opening a second', async () => {
    const a = appeals();
    a.items.rows.push({
      ...removedBy('mod-1'),
      id: 'r1',
      kind: 'report',
      status: 'open',
      priority: 'normal',
      audience: 'supporters',
      reasons: [],
      dueAt: new Date(Date.now() + 60_000),
    });
    await a.service.appeal(member, 'n1', 'Please look again');
    expect(a.items.rows.filter((r) => r.status === 'open')).toEqual([expect.objectContaining({ id: 'r1', kind: 'appeal' })]);
    expect(a.announced).toEqual(['review:updated']);
  });
});
