import { Logger } from '@nestjs/common';
import type { KindredConfig } from '@kindred/config';
import type { Transactions } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import { DEFAULT_MODERATION, type GroupSettings, type GroupsService, type ModerationSettings, type ParticipationService } from '@kindred/groups';
import type { NewNotice, NoticesService, NoticeView, NotificationsService } from '@kindred/notifications';
import type { SignpostingService } from '@kindred/signposting';
import type { ReviewItem } from '../review/review-item.entity';
import { SafeguardingAlerts } from '../deadlines/safeguarding-alerts';
import { CountingTransactions, FakeContentSource, RecordingNotifications, reviewItemsOverFakes } from '../review/review.fakes';
import { RulesService } from '../rules/rules.service';
import type { WatchedWordRulesRepository } from '../rules/watched-word-rules.repository';
import { ScreeningSources } from './screening-source';
import { ScreeningService } from './screening.service';
import { SIGNPOSTING_MESSAGE } from './signposting-notice';

Logger.overrideLogger(false);

const CRISIS = 'I want to kill myself';
const PHONE = 'call me on 07700 900123';
const HELPLINE = { name: 'Samaritans', phone: '116 123' };

type Rule = { pattern: string; match: 'word' | 'phrase' | 'regex'; action: 'block' | 'hold' | 'flag' | 'mask'; clauseKey?: string };

/** ScreeningService over in-memory content, review items and notices; a group moderated after the fact unless told otherwise. */
function screening(options: { moderation?: Partial<ModerationSettings>; rules?: Rule[]; supporters?: string[]; batched?: boolean } = {}) {
  const transactions = new CountingTransactions();
  const posts = new FakeContentSource('post', { batched: options.batched ?? true });
  const sources = new ScreeningSources();
  sources.register(posts);

  const settings = { moderation: { ...DEFAULT_MODERATION, mode: 'post', outOfCoverage: 'post', ...options.moderation } } as GroupSettings;
  const groups = {
    getSettings: async () => settings,
    supporterIds: async () => options.supporters ?? [],
    adminIds: async () => ['admin'],
  } as unknown as GroupsService;
  const ruleRows = (options.rules ?? []).map((r, i) => ({ id: `rule-${i}`, clauseKey: null, ...r }));
  const rules = new RulesService({ list: async () => ruleRows } as unknown as WatchedWordRulesRepository, groups, {} as ParticipationService, {} as EventBus);

  const { items, reviewItems, announced } = reviewItemsOverFakes(sources, groups);

  const notices: Array<NewNotice & { tx: unknown }> = [];
  const noticesAnnounced: NoticeView[] = [];
  const noticesService = {
    create: async (input: NewNotice, tx?: unknown) => {
      notices.push({ ...input, tx });
      return { ...input, id: `n${notices.length}` } as unknown as NoticeView;
    },
    announce: async (notice: NoticeView) => void noticesAnnounced.push(notice),
  } as unknown as NoticesService;
  const signposting = { crisisResources: async () => [HELPLINE] } as unknown as SignpostingService;
  const config = { screening: { sweepAfterSeconds: 5 } } as KindredConfig;

  const notifications = new RecordingNotifications();
  const safeguarding = new SafeguardingAlerts(notifications as unknown as NotificationsService, groups);
  const service = new ScreeningService(
    transactions as unknown as Transactions,
    config,
    sources,
    groups,
    rules,
    reviewItems,
    noticesService,
    signposting,
    safeguarding,
  );
  const screen = (id: string, revision = 1) => service.screen({ subject: 'post', id, revision });
  return { service, screen, posts, items, transactions, notices, noticesAnnounced, announced, notifications };
}

describe('ScreeningService.screen (in-memory content and review items)', () => {
  it('publishes a plain post through the batch, with no review item, notice or transaction of its own', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: 'Had a good day at clinic today.' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(s.posts.batches.map((b) => b.ids)).toEqual([['p1']]);
    expect(s.posts.applied).toEqual([]);
    expect(s.posts.rows.get('p1')!.status).toBe('published');
    expect(s.items.rows).toEqual([]);
    expect(s.notices).toEqual([]);
    expect(s.posts.after.map((a) => [a.id, a.verdict.status])).toEqual([['p1', 'published']]);
  });

  it('publishes posts arriving together in shared batches, not one statement each', async () => {
    const s = screening();
    for (let i = 0; i < 5; i += 1) s.posts.add({ id: `p${i}`, body: `Thank you all, number ${i}` });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => s.screen(`p${i}`)));
    expect(results.every((r) => r.status === 'published')).toBe(true);
    expect(s.posts.batches.flatMap((b) => b.ids).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(s.posts.batches.length).toBeLessThan(5);
  });

  it('supersedes the open review item of an edit screened clean, in the batch transaction', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: 'now fine', revision: 2 });
    s.items.rows.push({ id: 'r1', subjectType: 'post', subjectId: 'p1', kind: 'post', status: 'open', priority: 'normal', subjectChange: null } as ReviewItem);
    await s.screen('p1', 2);
    expect(s.items.rows[0]!.status).toBe('superseded');
    expect(s.transactions.opened).toHaveLength(1);
  });

  it('falls back to applying the verdict on its own when the batch fails', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: 'Hello everyone' });
    s.posts.failPublishMany = true;
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(s.posts.applied.map((a) => [a.id, a.verdict.status])).toEqual([['p1', 'published']]);
  });

  /** Records what the source's followVerdicts was told, in which transaction, and whether its after-commit work ran once that committed. */
  function following(s: ReturnType<typeof screening>) {
    const told: Array<{ tx: unknown; verdicts: string[] }> = [];
    const followedUp: Array<{ committed: boolean }> = [];
    s.posts.followVerdicts = async (tx, applied) => {
      told.push({ tx, verdicts: applied.map((a) => `${a.subject.id} ${a.verdict.status} ${a.verdict.body}`) });
      return async () => void followedUp.push({ committed: s.transactions.committed.includes(tx) });
    };
    return { told, followedUp };
  }

  it("writes what a batch of publications owes in the batch's own transaction, and follows it up once committed", async () => {
    const s = screening();
    const { told, followedUp } = following(s);
    for (let i = 0; i < 3; i += 1) s.posts.add({ id: `p${i}`, body: `Thank you all, number ${i}` });
    await Promise.all([0, 1, 2].map((i) => s.screen(`p${i}`)));
    expect(told.flatMap((t) => t.verdicts).sort()).toEqual([
      'p0 published Thank you all, number 0',
      'p1 published Thank you all, number 1',
      'p2 published Thank you all, number 2',
    ]);
    expect(told.map((t) => t.tx)).toEqual(s.posts.batches.map((b) => b.tx));
    expect(s.transactions.opened).toEqual(s.posts.batches.map((b) => b.tx));
    expect(followedUp).toEqual(told.map(() => ({ committed: true })));
  });

  /** A source that publishes a batch of first revisions with what it owes in one statement (answering null when it cannot). */
  function alone(s: ReturnType<typeof screening>, answer: 'publish' | 'cannot' = 'publish') {
    const calls: string[][] = [];
    const followedUp: string[][] = [];
    s.posts.publishAlone = async (items) => {
      calls.push(items.map((item) => `${item.id} r${item.revision} ${item.subject.id} ${item.body}`));
      if (answer === 'cannot') return null;
      const published = await s.posts.publishMany!(s.transactions.none, items);
      return { published, afterCommit: async () => void followedUp.push(published.map((p) => p.id)) };
    };
    return { calls, followedUp };
  }

  it('publishes a batch of first revisions with what it owes in one statement of the source, with no transaction, and follows it up after', async () => {
    const s = screening();
    const { told } = following(s);
    const { calls, followedUp } = alone(s);
    for (let i = 0; i < 3; i += 1) s.posts.add({ id: `p${i}`, body: `Thank you all, number ${i}` });
    const results = await Promise.all([0, 1, 2].map((i) => s.screen(`p${i}`)));
    expect(results.every((r) => r.status === 'published')).toBe(true);
    // Each item comes with the subject as it was read, so the source can work out what it owes before its statement.
    expect(calls.flat().sort()).toEqual(['p0 r1 p0 Thank you all, number 0', 'p1 r1 p1 Thank you all, number 1', 'p2 r1 p2 Thank you all, number 2']);
    expect(s.transactions.opened).toEqual([]);
    expect(told).toEqual([]);
    expect(followedUp.flat().sort()).toEqual(['p0', 'p1', 'p2']);
  });

  it('publishes in a transaction, with followVerdicts, when the source cannot do the batch in one statement', async () => {
    const s = screening();
    const { told, followedUp } = following(s);
    const { calls } = alone(s, 'cannot');
    s.posts.add({ id: 'p1', body: 'Had a good day at clinic today.' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(calls).toHaveLength(1);
    expect(s.transactions.opened).toHaveLength(1);
    expect(told.map((t) => t.verdicts)).toEqual([['p1 published Had a good day at clinic today.']]);
    expect(followedUp).toEqual([{ committed: true }]);
  });

  it('applies each verdict on its own, with what it owes, when the one statement fails (a person it notifies was erased meanwhile)', async () => {
    const s = screening();
    const { told, followedUp } = following(s);
    const { calls } = alone(s);
    s.posts.publishAlone = async (items) => {
      calls.push(items.map((item) => item.id));
      throw new Error('insert or update on table "notifications" violates foreign key constraint');
    };
    s.posts.add({ id: 'p1', body: 'Had a good day at clinic today.' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(calls).toEqual([['p1']]);
    // Published after all, under its own row lock, and what it owes is written in that transaction.
    expect(s.posts.applied.map((a) => [a.id, a.verdict.status])).toEqual([['p1', 'published']]);
    expect(told.map((t) => t.verdicts)).toEqual([['p1 published Had a good day at clinic today.']]);
    expect(told.map((t) => t.tx)).toEqual(s.posts.applied.map((a) => a.tx));
    expect(followedUp).toEqual([{ committed: true }]);
  });

  it('never publishes an edit that way: its open review item is superseded in a transaction', async () => {
    const s = screening();
    const { calls } = alone(s);
    s.posts.add({ id: 'p1', body: 'now fine', revision: 2 });
    await s.screen('p1', 2);
    expect(calls).toEqual([]);
    expect(s.transactions.opened).toHaveLength(1);
    expect(s.posts.rows.get('p1')!.status).toBe('published');
  });

  it("writes what a held or rejected verdict owes in the verdict's transaction, and follows it up once committed", async () => {
    const s = screening({ rules: [{ pattern: 'zorbax', match: 'word', action: 'block' }] });
    const { told, followedUp } = following(s);
    s.posts.add({ id: 'held', body: PHONE });
    s.posts.add({ id: 'rejected', body: 'zorbax to you' });
    await s.screen('held');
    await s.screen('rejected');
    expect(told.map((t) => t.verdicts)).toEqual([[`held held ${PHONE}`], ['rejected rejected zorbax to you']]);
    expect(told.map((t) => t.tx)).toEqual(s.posts.applied.map((a) => a.tx));
    expect(followedUp).toEqual([{ committed: true }, { committed: true }]);
  });

  it('keeps a committed batch published when its after-commit work fails, and applies nothing twice', async () => {
    const s = screening();
    s.posts.followVerdicts = async () => async () => {
      throw new Error('Redis is down');
    };
    s.posts.add({ id: 'p1', body: 'Had a good day at clinic today.' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(s.posts.batches.map((b) => b.ids)).toEqual([['p1']]);
    expect(s.posts.applied).toEqual([]);
  });

  it('does not follow up a verdict whose transaction failed', async () => {
    const s = screening();
    const { told, followedUp } = following(s);
    s.posts.add({ id: 'p1', body: PHONE });
    s.posts.applyVerdict = async () => {
      throw new Error('connection lost');
    };
    await expect(s.screen('p1')).rejects.toThrow('connection lost');
    expect(told).toEqual([]);
    expect(followedUp).toEqual([]);
  });

  it('holds a post with personal data and opens a review item for supporters, in one transaction with the verdict', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: PHONE });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'held' });
    expect(s.transactions.opened).toHaveLength(1);
    const [tx] = s.transactions.opened;
    expect(s.posts.applied).toEqual([{ tx, id: 'p1', verdict: expect.objectContaining({ status: 'held', signposting: null }) }]);
    expect(s.items.rows).toEqual([
      expect.objectContaining({ subjectId: 'p1', status: 'open', priority: 'normal', audience: 'supporters', subjectAuthorId: 'author' }),
    ]);
    expect(s.items.rows[0]!.reasons.map((r) => r.source)).toContain('personal-data');
    expect(s.announced.map((a) => a.kind)).toEqual(['review:new']);
    expect(s.notices).toEqual([]);
  });

  it('gives a held post the group review deadline, and a crisis the shorter urgent one', async () => {
    const s = screening({ moderation: { reviewSlaMinutes: 240, urgentSlaMinutes: 15 } });
    s.posts.add({ id: 'p1', body: PHONE });
    s.posts.add({ id: 'p2', body: CRISIS });
    const before = Date.now();
    await s.screen('p1');
    await s.screen('p2');
    const minutesLeft = (id: string) => Math.round((s.items.rows.find((r) => r.subjectId === id)!.dueAt.getTime() - before) / 60_000);
    expect(minutesLeft('p1')).toBe(240);
    expect(minutesLeft('p2')).toBe(15);
  });

  it('sends an urgent item to every supporter at once while the group is on cover, through quiet hours, written with the verdict', async () => {
    const s = screening({ supporters: ['s1', 's2'], moderation: { coverage: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] } });
    s.posts.add({ id: 'p1', body: CRISIS });
    await s.screen('p1');
    const item = s.items.rows[0]!;
    expect(s.notifications.sent).toEqual([
      {
        event: expect.objectContaining({
          eventId: `review-urgent:${item.id}`,
          kind: 'review-urgent',
          recipients: ['s1', 's2'],
          urgent: true,
          subjectId: item.id,
        }),
        tx: s.transactions.opened[0],
        outboxId: 'outbox-1',
      },
    ]);
    expect(s.notifications.dispatched).toEqual(['outbox-1']);
    // The supporters' alert names no words, no person and no condition: ids and the queue's path only.
    expect(JSON.stringify(s.notifications.sent[0].event)).not.toMatch(/kill|author/i);
  });

  it('sends an urgent item to the admins when the group is out of cover', async () => {
    const s = screening({ supporters: ['s1', 's2'], moderation: { coverage: [] } });
    s.posts.add({ id: 'p1', body: CRISIS });
    await s.screen('p1');
    expect(s.notifications.sent.map((n) => n.event.recipients)).toEqual([['admin']]);
  });

  it('does not send a held item that is not urgent by push or mail: its deadline does', async () => {
    const s = screening({ supporters: ['s1'] });
    s.posts.add({ id: 'p1', body: PHONE });
    await s.screen('p1');
    expect(s.notifications.sent).toEqual([]);
  });

  it('merges a held edit into the open review item instead of opening a second one', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: PHONE });
    await s.screen('p1');
    Object.assign(s.posts.rows.get('p1')!, { status: 'screening', revision: 2, body: `${PHONE} or 07700 900456` });
    await s.screen('p1', 2);
    expect(s.items.rows).toHaveLength(1);
    expect(s.items.rows[0]!.subjectRevision).toBe(2);
    expect(s.announced.map((a) => a.kind)).toEqual(['review:new', 'review:updated']);
  });

  it('publishes a flagged post and still opens a review item', async () => {
    const s = screening({ rules: [{ pattern: 'miracle', match: 'word', action: 'flag' }] });
    s.posts.add({ id: 'p1', body: 'This diet is a miracle' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(s.posts.batches).toEqual([]);
    expect(s.posts.applied.map((a) => a.verdict.status)).toEqual(['published']);
    expect(s.items.rows).toEqual([expect.objectContaining({ subjectId: 'p1', status: 'open' })]);
  });

  it('holds crisis words as urgent, with signposting on the post and a signposting notice to the author in the same transaction', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: CRISIS });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'held' });
    const [tx] = s.transactions.opened;
    expect(s.transactions.opened).toHaveLength(1);
    expect(s.posts.applied[0]!.verdict).toMatchObject({ status: 'held', signposting: [HELPLINE] });
    expect(s.items.rows[0]).toMatchObject({ priority: 'urgent', audience: 'supporters' });
    expect(s.notices).toEqual([
      expect.objectContaining({ userId: 'author', kind: 'signposting', subjectId: 'p1', message: SIGNPOSTING_MESSAGE, resources: [HELPLINE], tx }),
    ]);
    expect(s.noticesAnnounced.map((n) => n.kind)).toEqual(['signposting']);
  });

  it('rejects a blocked word and tells the author which clause (by key beside the words, never in them), quoting their words, with an appealable notice', async () => {
    const s = screening({ rules: [{ pattern: 'idiot', match: 'word', action: 'block', clauseKey: 'be-kind' }] });
    s.posts.add({ id: 'p1', body: 'you idiot' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'rejected' });
    expect(s.notices).toEqual([expect.objectContaining({ userId: 'author', kind: 'rejection', clauseKey: 'be-kind', appealable: true })]);
    expect(s.notices[0]!.message).not.toContain('be-kind');
    expect(s.notices[0]).toMatchObject({ quote: 'you idiot' });
    expect(s.items.rows).toEqual([]);
  });

  it("sends a supporter's own held words to the admins, so someone else reviews them", async () => {
    const s = screening({ supporters: ['author'] });
    s.posts.add({ id: 'p1', body: PHONE });
    await s.screen('p1');
    expect(s.items.rows[0]).toMatchObject({ audience: 'admins' });
  });

  it("keeps a supporter's crisis with the supporters, who are on hand soonest", async () => {
    const s = screening({ supporters: ['author'] });
    s.posts.add({ id: 'p1', body: CRISIS });
    await s.screen('p1');
    expect(s.items.rows[0]).toMatchObject({ audience: 'supporters', priority: 'urgent' });
  });

  it("holds a member's first posts in a first-posts group, but not once they have enough published", async () => {
    const s = screening({ moderation: { mode: 'first-posts', firstPostsHeld: 2 } });
    s.posts.add({ id: 'p1', body: 'Hello, I am new here' });
    await expect(s.screen('p1')).resolves.toMatchObject({ status: 'held' });
    const trusted = screening({ moderation: { mode: 'first-posts', firstPostsHeld: 2 } });
    trusted.posts.published.set('g1:author', 2);
    trusted.posts.add({ id: 'p1', body: 'Hello again' });
    await expect(trusted.screen('p1')).resolves.toMatchObject({ status: 'published' });
  });

  it('skips a stale revision and an item no longer in screening, writing nothing', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: PHONE, revision: 3 });
    s.posts.add({ id: 'p2', body: PHONE, status: 'published' });
    await expect(s.screen('p1', 2)).resolves.toEqual({ skipped: true });
    await expect(s.screen('p2')).resolves.toEqual({ skipped: true });
    await expect(s.screen('gone')).resolves.toEqual({ skipped: true });
    expect(s.transactions.opened).toEqual([]);
    expect(s.posts.applied).toEqual([]);
    expect(s.items.rows).toEqual([]);
  });

  it('skips an item edited between the first read and its lock (a second run does nothing twice)', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: PHONE });
    const lock = s.posts.lockForVerdict.bind(s.posts);
    s.posts.lockForVerdict = async (tx, id) => ({ ...(await lock(tx, id))!, revision: 2 });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: true });
    expect(s.posts.applied).toEqual([]);
    expect(s.items.rows).toEqual([]);
    expect(s.notices).toEqual([]);
  });

  it('skips a batched publication whose item changed meanwhile', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: 'Hello' });
    const publishMany = s.posts.publishMany!;
    s.posts.publishMany = async (tx, items) => {
      s.posts.rows.get('p1')!.revision = 2;
      return publishMany(tx, items);
    };
    await expect(s.screen('p1')).resolves.toEqual({ skipped: true });
    expect(s.posts.after).toEqual([]);
  });

  it('stores a masked title and content warning masked, with the body', async () => {
    const s = screening({ rules: [{ pattern: 'drugsrus', match: 'word', action: 'mask' }] });
    s.posts.add({ id: 'p1', body: 'ask drugsrus', fields: { title: 'drugsrus tips', contentWarning: 'drugsrus' } });
    await expect(s.screen('p1')).resolves.toMatchObject({ status: 'published' });
    expect(s.posts.batches).toEqual([]);
    const { verdict } = s.posts.applied[0]!;
    expect(verdict.body).not.toContain('drugsrus');
    expect(verdict.fields?.title).toMatch(/^\S+ tips$/);
    expect(verdict.fields?.title).not.toContain('drugsrus');
    expect(verdict.fields?.contentWarning).not.toContain('drugsrus');
    expect(s.posts.rows.get('p1')!.fields!.title).not.toContain('drugsrus');
  });

  it('holds the whole post when only its title holds', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', body: 'See the title', fields: { title: PHONE } });
    await expect(s.screen('p1')).resolves.toMatchObject({ status: 'held' });
    expect(s.items.rows[0]!.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'personal-data', field: 'title' })]));
  });

  it('works without the batched paths of a source that has none', async () => {
    const s = screening({ batched: false });
    s.posts.add({ id: 'p1', body: 'Hello' });
    await expect(s.screen('p1')).resolves.toEqual({ skipped: false, status: 'published' });
    expect(s.posts.applied.map((a) => a.verdict.status)).toEqual(['published']);
  });
});

describe('ScreeningService.stuckItems', () => {
  it('re-enqueues what is still in screening, at its revision', async () => {
    const s = screening();
    s.posts.add({ id: 'p1', revision: 2 });
    s.posts.add({ id: 'p2', status: 'published' });
    await expect(s.service.stuckItems()).resolves.toEqual([{ subject: 'post', id: 'p1', revision: 2 }]);
  });
});
