import { randomUUID } from 'node:crypto';
import type { Transactions, Tx } from '@kindred/database';
import type { GroupsService, ModerationSettings, StandingColumns } from '@kindred/groups';
import { ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { ReportsService, ReviewItemsService } from '@kindred/moderation';
import type { OutboxService } from '@kindred/queues';
import { ForumService } from './forum.service';
import { Post, PostStatus } from './post.entity';
import type { NewPost, PostsRepository, PostWithReactions } from './posts.repository';
import { Topic } from './topic.entity';
import type { NewTopic, TopicsRepository } from './topics.repository';
import { type ReadPositionsRepository } from './read-positions.repository';
import { type NotificationEvent, type NotificationsService } from '@kindred/notifications';
import type { AuditLogService } from '@kindred/audit';

const ALWAYS: ModerationSettings = {
  mode: 'post',
  firstPostsHeld: 0,
  reviewSlaMinutes: 240,
  urgentSlaMinutes: 15,
  reportsToHide: 2,
  coverage: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  timezone: 'Europe/London',
  outOfCoverage: 'pre',
};

/** The forum's repositories kept in memory, with each person's standing as member_standing would return it. */
class ForumStore {
  topics = new Map<string, Topic>();
  posts = new Map<string, Post>();
  reactions: Array<{ postId: string; userId: string; kind: string }> = [];
  standings = new Map<string, StandingColumns>();
  moderation: ModerationSettings = ALWAYS;
  slowModeSeconds = 0;

  standing(groupId: string, userId: string): StandingColumns {
    return (
      this.standings.get(`${groupId}/${userId}`) ?? {
        standing_group_id: groupId,
        standing_role: null,
        standing_status: null,
        standing_muted_until: null,
        standing_current_version: 1,
        standing_accepted_version: null,
      }
    );
  }
  withRules(standing: StandingColumns): StandingColumns {
    return { ...standing, standing_moderation: this.moderation, standing_slow_mode_seconds: this.slowModeSeconds };
  }
  join(groupId: string, userId: string, extra: Partial<StandingColumns> = {}): void {
    this.standings.set(`${groupId}/${userId}`, {
      standing_group_id: groupId,
      standing_role: 'member',
      standing_status: 'active',
      standing_muted_until: null,
      standing_current_version: 1,
      standing_accepted_version: 1,
      ...extra,
    });
  }
}

const withReactions = (p: Post): PostWithReactions => Object.assign(Object.assign(new Post(), p), { reactionCounts: {}, mine: [] });

function forum() {
  const store = new ForumStore();
  const staged: string[] = [];
  const notified: NotificationEvent[] = [];
  const audited: Array<{ action: string; subjectId: string; detail: unknown }> = [];
  const topics: Partial<TopicsRepository> = {
    insert: async (_tx: Tx, values: NewTopic) => {
      const topic = Object.assign(new Topic(), values, { id: randomUUID() });
      store.topics.set(topic.id, topic);
      return topic;
    },
    setOpeningPost: async (_tx: Tx, topicId: string, postId: string) => void (store.topics.get(topicId)!.openingPostId = postId),
    withStanding: async (topicId: string, userId: string, options = {}) => {
      const topic = store.topics.get(topicId);
      if (!topic) return null;
      const standing = store.standing(topic.groupId, userId);
      const inPage = (p: Post) => ['published', 'removed'].includes(p.status) || p.publishedBody !== null || (p.authorId === userId && p.status !== 'deleted');
      const posts = [...store.posts.values()].filter((p) => p.topicId === topicId && inPage(p)).map(withReactions);
      return { topic, standing: options.writeRules ? store.withRules(standing) : standing, ...(options.page ? { posts } : {}) };
    },
  };
  const put = (input: NewPost) =>
    store.posts.set(
      input.id,
      Object.assign(new Post(), input, {
        status: 'screening' as PostStatus,
        revision: 1,
        wasPublished: false,
        publishedBody: null,
        hiddenByReports: false,
        signposting: null,
        editedAt: null,
        screenedAt: null,
      }),
    );
  const posts: Partial<PostsRepository> = {
    insertStatement: (input: NewPost) => ({ sql: 'insert', params: [input] }),
    insert: async (_tx: Tx, input: NewPost) => void put(input),
    findInTopic: async (id: string, topicId: string) => (store.posts.get(id)?.topicId === topicId ? store.posts.get(id)! : null),
    lock: async (_tx: Tx, id: string) => store.posts.get(id)!,
    withStanding: async (id: string, userId: string) => {
      const post = store.posts.get(id);
      return post ? { post: withReactions(post), standing: store.standing(post.groupId, userId) } : null;
    },
    lastWrittenAt: async (authorId: string, groupId: string) => {
      const times = [...store.posts.values()].filter((p) => p.authorId === authorId && p.groupId === groupId).map((p) => p.createdAt.getTime());
      return times.length ? new Date(Math.max(...times)) : null;
    },
    react: async (postId: string, userId: string, kind: string) => void store.reactions.push({ postId, userId, kind }),
    reactorCount: async (postId: string) => new Set(store.reactions.filter((r) => r.postId === postId).map((r) => r.userId)).size,
    moveTo: async (_tx: Tx, post: { id: string }, status: PostStatus, extra = {}) => void Object.assign(store.posts.get(post.id)!, extra, { status }),
  };
  const reads = {
    at: new Map<string, Date>(),
    async readAt(userId: string, topicId: string) {
      return this.at.get(`${userId}/${topicId}`) ?? null;
    },
    async advance(userId: string, topicId: string, at: Date) {
      const before = this.at.get(`${userId}/${topicId}`);
      const now = before && before > at ? before : at;
      this.at.set(`${userId}/${topicId}`, now);
      return now;
    },
  };
  const withRead = (t: Topic, readerId: string) => Object.assign(Object.assign(new Topic(), t), { readAt: reads.at.get(`${readerId}/${t.id}`) ?? null });
  // As the repository's pinned: published pinned topics, the welcome first.
  topics.pinned = async (groupId: string, readerId: string) =>
    [...store.topics.values()]
      .filter((t) => t.groupId === groupId && t.status === 'published' && t.pinnedAt !== null)
      .sort((a, b) => Number(b.pinRole === 'welcome') - Number(a.pinRole === 'welcome'))
      .map((t) => withRead(t, readerId));
  topics.lockPin = async (_tx: Tx, topicId: string) => {
    const t = store.topics.get(topicId);
    return t ? { status: t.status, pinnedAt: t.pinnedAt, pinRole: t.pinRole } : null;
  };
  topics.takeRole = async (_tx: Tx, groupId: string, role: string, except: string) => {
    const holder = [...store.topics.values()].find((t) => t.groupId === groupId && t.pinRole === role && t.id !== except);
    if (holder) holder.pinRole = null;
    return holder?.id ?? null;
  };
  topics.setPin = async (_tx: Tx, topicId: string, pinned: boolean, role: Topic['pinRole']) =>
    void Object.assign(store.topics.get(topicId)!, { pinnedAt: pinned ? (store.topics.get(topicId)!.pinnedAt ?? new Date()) : null, pinRole: role });
  // As the repository's page: published topics not pinned, plus the reader's own still pending, most active first, with the reader's position.
  topics.page = async (groupId: string, readerId: string, limit: number) =>
    [...store.topics.values()]
      .filter(
        (t) =>
          t.groupId === groupId && ((t.status === 'published' && t.pinnedAt === null) || (t.authorId === readerId && ['screening', 'held'].includes(t.status))),
      )
      .sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime())
      .slice(0, limit)
      .map((t) => withRead(t, readerId));
  const participation = new ParticipationService({
    standing: async (groupId: string, userId: string) => store.standing(groupId, userId),
  } as unknown as ConstructorParameters<typeof ParticipationService>[0]);
  const service = new ForumService(
    { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx) } as unknown as Transactions,
    topics as TopicsRepository,
    posts as PostsRepository,
    participation,
    { getSettings: async () => ({ moderation: store.moderation, slowModeSeconds: store.slowModeSeconds }) } as unknown as GroupsService,
    { displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `name of ${id}`])) } as unknown as IdentityService,
    {
      stage: async () => (staged.push('stage'), 'o1'),
      stageWith: async (_tx: null, statement: { params: [NewPost] }) => (put(statement.params[0]), staged.push('stageWith'), 'o2'),
      dispatch: async () => undefined,
    } as unknown as OutboxService,
    {
      subjectEdited: async () => ({ touched: [], opened: null }),
      subjectDeleted: async () => ({ touched: [], opened: null }),
      announceChanges: async () => undefined,
      openDueAt: async () => null,
    } as unknown as ReviewItemsService,
    {} as ReportsService,
    reads as unknown as ReadPositionsRepository,
    { notify: async (event: NotificationEvent) => void notified.push(event) } as unknown as NotificationsService,
    { record: async (_tx: Tx, entry: { action: string; subjectId: string; detail: unknown }) => void audited.push(entry) } as unknown as AuditLogService,
  );
  return { store, service, staged, reads, notified, audited };
}

/** A group of the read-position tests. */
const G = '6d1f8a52-3b1c-4c1e-9d7e-1a2b3c4d5e6f';
const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: `s-${id}` });
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

/** A group with a member `a` and a published topic by them. */
async function withTopic() {
  const context = forum();
  const groupId = randomUUID();
  context.store.join(groupId, 'a');
  const { topicId, id: openingId } = await context.service.createTopic(person('a'), groupId, { title: ' Hello ', body: 'First\r\nwords ' });
  context.store.topics.get(topicId)!.status = 'published';
  context.store.posts.get(openingId)!.status = 'published';
  return { ...context, groupId, topicId, openingId };
}

describe('ForumService (in-memory repositories)', () => {
  it('writes a topic with its opening post for screening, trimmed, in one transaction with its job', async () => {
    const { store, staged, topicId, openingId } = await withTopic();
    expect(store.topics.get(topicId)).toMatchObject({ title: 'Hello', openingPostId: openingId, replyCount: 0 });
    expect(store.posts.get(openingId)).toMatchObject({ body: 'First\nwords', isOpening: true });
    expect(staged).toEqual(['stage']);
  });

  it('refuses to write for a non-member, a member who has not accepted the agreement, and a muted member', async () => {
    const { service, store, groupId } = await withTopic();
    const topic = { title: 't', body: 'b' };
    await expect(code(service.createTopic(person('stranger'), groupId, topic))).resolves.toBe('NOT_A_MEMBER');
    store.join(groupId, 'late', { standing_accepted_version: null });
    await expect(code(service.createTopic(person('late'), groupId, topic))).resolves.toBe('AGREEMENT_REQUIRED');
    store.join(groupId, 'muted', { standing_muted_until: new Date(Date.now() + 60_000) });
    await expect(code(service.createTopic(person('muted'), groupId, topic))).resolves.toBe('MUTED');
  });

  it('keeps a group read-only out of cover when it says so, and slow mode between a member’s posts', async () => {
    const { service, store, topicId, groupId } = await withTopic();
    store.moderation = { ...ALWAYS, coverage: [], outOfCoverage: 'readonly' };
    await expect(code(service.reply(person('a'), topicId, { body: 'hi' }))).resolves.toBe('FORBIDDEN');
    store.moderation = ALWAYS;
    store.slowModeSeconds = 60;
    await expect(code(service.reply(person('a'), topicId, { body: 'hi' }))).resolves.toBe('RATE_LIMITED');
    // Supporters are not slowed down.
    store.join(groupId, 's', { standing_role: 'supporter' });
    await expect(service.reply(person('s'), topicId, { body: 'hi' })).resolves.toMatchObject({ status: 'screening' });
  });

  it('replies only to an open topic, and only to a post in sight in it', async () => {
    const { service, store, topicId, groupId } = await withTopic();
    store.join(groupId, 'b');
    await expect(code(service.reply(person('b'), topicId, { body: 'hi', replyToPostId: randomUUID() }))).resolves.toBe('VALIDATION_FAILED');
    const { id } = await service.reply(person('b'), topicId, { body: 'hi' });
    // b's own reply, still in screening, is not in sight for a: a cannot reply to it.
    await expect(code(service.reply(person('a'), topicId, { body: 'and', replyToPostId: id }))).resolves.toBe('VALIDATION_FAILED');
    store.topics.get(topicId)!.status = 'hidden';
    await expect(code(service.reply(person('b'), topicId, { body: 'hi' }))).resolves.toBe('NOT_FOUND');
  });

  it('hides a topic and its posts from outsiders and banned members as if they did not exist', async () => {
    const { service, store, topicId, openingId, groupId } = await withTopic();
    await expect(code(service.getTopic(person('stranger'), topicId))).resolves.toBe('NOT_FOUND');
    store.join(groupId, 'banned', { standing_status: 'banned' });
    await expect(code(service.getPost(person('banned'), openingId))).resolves.toBe('NOT_FOUND');
    // Acting on it, a banned member is told why.
    await expect(code(service.setReaction(person('banned'), openingId, 'hug', true))).resolves.toBe('BANNED');
  });

  it('lets only the author edit or delete, and nobody edit what was removed', async () => {
    const { service, store, openingId, groupId } = await withTopic();
    store.join(groupId, 'b');
    await expect(code(service.editPost(person('b'), openingId, 'mine now'))).resolves.toBe('FORBIDDEN');
    await expect(code(service.deletePost(person('b'), openingId))).resolves.toBe('FORBIDDEN');
    await service.editPost(person('a'), openingId, 'better words');
    expect(store.posts.get(openingId)).toMatchObject({ status: 'screening', body: 'better words', revision: 2, publishedBody: 'First\nwords' });
    store.posts.get(openingId)!.status = 'removed';
    await expect(reason(service.editPost(person('a'), openingId, 'again'))).resolves.toBe('POST_FINAL');
  });

  it('takes reactions of a known kind on posts in sight only', async () => {
    const { service, store, openingId, topicId, groupId, notified } = await withTopic();
    store.join(groupId, 'b');
    await expect(code(service.setReaction(person('b'), openingId, 'angry', true))).resolves.toBe('VALIDATION_FAILED');
    await service.setReaction(person('b'), openingId, 'hug', true);
    expect(store.reactions).toEqual([{ postId: openingId, userId: 'b', kind: 'hug' }]);
    // The author hears of it batched: one event per post and day, its count rising.
    store.join(groupId, 'c');
    await service.setReaction(person('c'), openingId, 'hug', true);
    await service.setReaction(person('a'), openingId, 'hug', true);
    expect(notified.map((n) => [n.kind, n.recipients, n.count])).toEqual([
      ['reaction', ['a'], 1],
      ['reaction', ['a'], 2],
    ]);
    expect(new Set(notified.map((n) => n.eventId)).size).toBe(1);
    const { id } = await service.reply(person('b'), topicId, { body: 'pending' });
    await expect(reason(service.setReaction(person('b'), id, 'hug', true))).resolves.toBe('POST_NOT_IN_SIGHT');
  });

  it('shows others the published words of a post whose edit is being checked, and a removed post without words or name', async () => {
    const { service, store, topicId, openingId, groupId } = await withTopic();
    store.join(groupId, 'b');
    await service.editPost(person('a'), openingId, 'edited');
    const [asOther] = (await service.listPosts(person('b'), topicId, {})).items;
    expect(asOther).toMatchObject({ body: 'First\nwords', status: 'published', editPending: true });
    const [asAuthor] = (await service.listPosts(person('a'), topicId, {})).items;
    expect(asAuthor).toMatchObject({ body: 'edited', status: 'screening', editPending: true });
    Object.assign(store.posts.get(openingId)!, { status: 'removed', publishedBody: null });
    const [removed] = (await service.listPosts(person('b'), topicId, {})).items;
    expect(removed).toMatchObject({ body: '', author: { id: null, displayName: 'Removed' }, status: 'removed' });
  });

  it('keeps a held topic in its author’s list with its status, and out of everyone else’s', async () => {
    const { store, service } = forum();
    store.join(G, 'a');
    store.join(G, 'b');
    const { topicId } = await service.createTopic(person('a'), G, { title: 'Held one', body: 'words' });
    store.topics.get(topicId)!.status = 'held';
    expect((await service.listTopics(person('a'), G, {})).items).toEqual([expect.objectContaining({ id: topicId, status: 'held', unread: false })]);
    expect((await service.listTopics(person('b'), G, {})).items).toEqual([]);
  });

  it('marks a topic new until the reader has read up to its last activity, and never moves the position back', async () => {
    const { store, service } = forum();
    store.join(G, 'a');
    store.join(G, 'b');
    const { topicId } = await service.createTopic(person('a'), G, { title: 'Hello', body: 'words' });
    const topic = store.topics.get(topicId)!;
    topic.status = 'published';
    topic.lastActivityAt = new Date('2026-12-01T10:00:00Z');
    const item = async (who: string) => (await service.listTopics(person(who), G, {})).items[0]!;
    await expect(item('b')).resolves.toMatchObject({ unread: true, readAt: null });
    // The author's own new topic is not news to them.
    await expect(item('a')).resolves.toMatchObject({ unread: false });
    // Reading without a position reads up to the last activity; a later reply makes it new again.
    await expect(service.markRead(person('b'), topicId)).resolves.toEqual({ readAt: new Date('2026-12-01T10:00:00Z') });
    await expect(item('b')).resolves.toMatchObject({ unread: false });
    topic.lastActivityAt = new Date('2026-12-01T11:00:00Z');
    await expect(service.getTopic(person('b'), topicId)).resolves.toMatchObject({ unread: true, readAt: new Date('2026-12-01T10:00:00Z') });
    // A position beyond the last activity is held to it; an older one (a late request from another tab) changes nothing.
    await expect(service.markRead(person('b'), topicId, new Date('2030-01-01T00:00:00Z'))).resolves.toEqual({ readAt: new Date('2026-12-01T11:00:00Z') });
    await expect(service.markRead(person('b'), topicId, new Date('2026-12-01T09:00:00Z'))).resolves.toEqual({ readAt: new Date('2026-12-01T11:00:00Z') });
    await expect(item('b')).resolves.toMatchObject({ unread: false });
  });

  it('keeps read positions for people who may see the topic only', async () => {
    const { store, service, reads } = forum();
    store.join(G, 'a');
    const { topicId } = await service.createTopic(person('a'), G, { title: 'Hello', body: 'words' });
    store.topics.get(topicId)!.status = 'published';
    await expect(code(service.markRead(person('outsider'), topicId))).resolves.toBe('NOT_FOUND');
    store.join(G, 'banned', { standing_status: 'banned' });
    await expect(code(service.markRead(person('banned'), topicId))).resolves.toBe('NOT_FOUND');
    expect(reads.at.size).toBe(0);
  });

  describe('pinned topics', () => {
    async function published(context: ReturnType<typeof forum>, title: string): Promise<string> {
      const { topicId } = await context.service.createTopic(person('a'), G, { title, body: 'words' });
      context.store.topics.get(topicId)!.status = 'published';
      return topicId;
    }

    it('lets a supporter pin a published topic as the welcome, lists it first, and records it in the audit log', async () => {
      const context = forum();
      context.store.join(G, 'a');
      context.store.join(G, 'sup', { standing_role: 'supporter' });
      const welcome = await published(context, 'Welcome');
      const later = await published(context, 'Later');
      context.store.topics.get(later)!.lastActivityAt = new Date(Date.now() + 60_000);
      await expect(context.service.pinTopic(person('sup'), welcome, { pinned: true, role: 'welcome' })).resolves.toEqual({
        topicId: welcome,
        pinned: true,
        role: 'welcome',
      });
      const items = (await context.service.listTopics(person('a'), G, {})).items;
      expect(items.map((t) => [t.id, t.pinned, t.pinRole])).toEqual([
        [welcome, true, 'welcome'],
        [later, false, null],
      ]);
      expect(context.audited).toEqual([
        expect.objectContaining({
          action: 'topic.pin',
          subjectId: welcome,
          detail: { before: { pinned: false, role: null }, after: { pinned: true, role: 'welcome' } },
        }),
      ]);
    });

    it('keeps one welcome topic per group: naming another takes the role from the first, which stays pinned', async () => {
      const context = forum();
      context.store.join(G, 'a');
      context.store.join(G, 'sup', { standing_role: 'supporter' });
      const first = await published(context, 'First');
      const second = await published(context, 'Second');
      await context.service.pinTopic(person('sup'), first, { pinned: true, role: 'welcome' });
      await context.service.pinTopic(person('sup'), second, { pinned: true, role: 'welcome' });
      expect([context.store.topics.get(first)!.pinRole, context.store.topics.get(second)!.pinRole]).toEqual([null, 'welcome']);
      expect(context.store.topics.get(first)!.pinnedAt).not.toBeNull();
    });

    it('refuses a member (403), an outsider (404), a held topic (409) and a role without a pin (422)', async () => {
      const context = forum();
      context.store.join(G, 'a');
      context.store.join(G, 'sup', { standing_role: 'supporter' });
      const topicId = await published(context, 'Hello');
      await expect(code(context.service.pinTopic(person('a'), topicId, { pinned: true }))).resolves.toBe('FORBIDDEN');
      await expect(code(context.service.pinTopic(person('outsider'), topicId, { pinned: true }))).resolves.toBe('NOT_FOUND');
      context.store.topics.get(topicId)!.status = 'held';
      await expect(reason(context.service.pinTopic(person('sup'), topicId, { pinned: true }))).resolves.toBe('TOPIC_NOT_PUBLISHED');
      await expect(code(context.service.pinTopic(person('sup'), topicId, { pinned: false, role: 'welcome' }))).resolves.toBe('VALIDATION_FAILED');
      expect(context.audited).toEqual([]);
    });
  });
});
