import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { MembershipService } from '@kindred/groups';
import type { IdentityService } from '@kindred/identity';
import type { NotificationEvent, NotificationsService } from '@kindred/notifications';
import type { OutboxService } from '@kindred/queues';
import { Post, type PostStatus } from './post.entity';
import { PostScreeningSource } from './post-screening.source';
import type { PostsRepository } from './posts.repository';
import { Topic } from './topic.entity';
import type { TopicsRepository } from './topics.repository';

const tx = {} as Tx;
const GROUP = 'g1';

/** The posts the source reads and changes, in memory; moveTo keeps published words only while an edit waits, as the repository does. */
class FakePosts {
  rows = new Map<string, Post>();
  lookups = 0;
  add(values: Partial<Post> & { id: string }): Post {
    const post = Object.assign(new Post(), {
      topicId: 't1',
      groupId: GROUP,
      authorId: 'sam',
      body: 'words',
      status: 'published',
      revision: 1,
      isOpening: false,
      wasPublished: true,
      publishedBody: null,
      hiddenByReports: false,
      ...values,
    });
    this.rows.set(post.id, post);
    return post;
  }
  async findMany(ids: string[]) {
    this.lookups += 1;
    return ids.flatMap((id) => (this.rows.has(id) ? [this.rows.get(id)!] : []));
  }
  async lock(_tx: Tx, id: string) {
    return { ...this.rows.get(id)! };
  }
  async moveTo(_tx: Tx, post: Pick<Post, 'id'> & Partial<Pick<Post, 'publishedBody'>>, status: PostStatus, extra: Partial<Post> = {}) {
    const pending = status === 'screening' || status === 'held';
    const publishedBody = pending ? (extra.publishedBody !== undefined ? extra.publishedBody : (post.publishedBody ?? null)) : null;
    Object.assign(this.rows.get(post.id)!, { status, ...extra, publishedBody, wasPublished: status === 'published' || publishedBody !== null });
  }
  async places(ids: string[]) {
    return ids.flatMap((id) => (this.rows.has(id) ? [{ id, topicId: this.rows.get(id)!.topicId, opening: this.rows.get(id)!.isOpening }] : []));
  }
  async clearHiddenByReports(_tx: Tx, id: string) {
    this.rows.get(id)!.hiddenByReports = false;
  }
  async published(ids: string[]) {
    return ids.flatMap((id) => {
      const p = this.rows.get(id);
      return p && p.status === 'published'
        ? [{ id, groupId: p.groupId, authorId: p.authorId, body: p.body, topicId: p.topicId, opening: p.isOpening, topicAuthorId: 'alex' }]
        : [];
    });
  }
  publishStatement(items: Array<{ id: string; revision: number; body: string }>) {
    return { sql: 'publish', params: [items] };
  }
  /** What the publishing statement does: posts still in screening at the revision are published, with their places. */
  publishNow(items: Array<{ id: string; revision: number; body: string }>) {
    return items.flatMap((item) => {
      const post = this.rows.get(item.id);
      if (!post || post.status !== 'screening' || post.revision !== item.revision) return [];
      Object.assign(post, { status: post.hiddenByReports ? 'hidden' : 'published', body: item.body });
      return [
        {
          id: post.id,
          group_id: post.groupId,
          author_id: post.authorId,
          body: post.body,
          revision: post.revision,
          status: post.status,
          topic_id: post.topicId,
          is_opening: post.isOpening,
          hidden_by_reports: post.hiddenByReports,
          topic_author_id: 'alex',
        },
      ];
    });
  }
  publishedSubjects(rows: ReturnType<FakePosts['publishNow']>) {
    return rows.map((r) => ({
      type: 'post' as const,
      id: r.id,
      groupId: r.group_id,
      authorId: r.author_id,
      body: r.body,
      revision: r.revision,
      status: r.status,
      place: { topicId: r.topic_id, opening: r.is_opening, topicAuthorId: r.topic_author_id, hiddenByReports: r.hidden_by_reports },
    }));
  }
}

function source() {
  /** Each notification call: how, its events, and whether it was written in the verdicts' transaction. */
  const staged: Array<{ via: 'notifyWithin' | 'notifyMany' | 'notifyNow'; events: NotificationEvent[]; inTx: boolean }> = [];
  /** Follow-up jobs staged in the outbox, and the rows dispatched after commits. */
  const jobs: Array<{ via: 'stage' | 'stageIfAny'; inTx: boolean; name: string; postIds: string[]; jobId: string; id: string }> = [];
  /** Outbox rows whose follow-up this process did itself. */
  const done: string[] = [];
  const told: string[] = [];
  const events: Array<{ name: string; payload: unknown }> = [];
  const posts = new FakePosts();
  const topics = new Map<string, Topic>([
    ['t1', Object.assign(new Topic(), { id: 't1', authorId: 'alex', title: 'Fatigue after infusions', contentWarning: 'needles' })],
  ]);
  const topicsRepository = { findMany: async (ids: string[]) => ids.flatMap((id) => (topics.has(id) ? [topics.get(id)!] : [])) };
  const identity = {
    displayNames: async (ids: string[]) => new Map(ids.filter((id) => id === 'sam').map((id) => [id, 'KidneyWarrior'])),
    mentionedIn: async (text: string, among: (ids: string[]) => Promise<string[]>) =>
      among(['robin', 'outsider', 'sam'].filter((id) => text.includes(`@${id}`))),
  };
  const memberships = { activeAmong: async (_groupId: string, ids: string[]) => ids.filter((id) => id !== 'outsider') };
  const notifications = {
    notifyWithin: async (on: Tx, list: NotificationEvent[]) => {
      staged.push({ via: 'notifyWithin', events: list, inTx: on === tx });
      return async () => void told.push(...list.map((e) => e.eventId));
    },
    notifyMany: async (list: NotificationEvent[]) => void staged.push({ via: 'notifyMany', events: list, inTx: false }),
    notifyNow: async (list: NotificationEvent[]) => void staged.push({ via: 'notifyNow', events: list, inTx: false }),
  };
  const bus = {
    publishMany: async (name: string, payloads: unknown[]) => {
      for (const payload of payloads) events.push({ name, payload });
    },
  };
  const outbox = {
    stage: async (on: Tx, _queue: string, name: string, payload: { postIds: string[] }, jobId: string) => {
      const id = `outbox-${jobs.length + 1}`;
      jobs.push({ via: 'stage', inTx: on === tx, name, postIds: payload.postIds, jobId, id });
      return id;
    },
    // Runs the publishing statement (the fake's) and stages the job with it when it published anything.
    stageIfAny: async (
      on: Tx,
      statement: { params: [Array<{ id: string; revision: number; body: string }>] },
      _q: string,
      name: string,
      payload: { postIds: string[] },
      jobId: string,
    ) => {
      const rows = posts.publishNow(statement.params[0]);
      if (rows.length === 0) return { rows, outboxId: null };
      const id = `outbox-${jobs.length + 1}`;
      jobs.push({ via: 'stageIfAny', inTx: on === tx, name, postIds: payload.postIds, jobId, id });
      return { rows, outboxId: id };
    },
    done: async (ids: string[]) => void done.push(...ids),
  };
  const service = new PostScreeningSource(
    posts as unknown as PostsRepository,
    topicsRepository as unknown as TopicsRepository,
    identity as unknown as IdentityService,
    notifications as unknown as NotificationsService,
    memberships as unknown as MembershipService,
    bus as unknown as EventBus,
    outbox as unknown as OutboxService,
  );
  const notified = () => staged.flatMap((s) => s.events);
  return { posts, service, staged, jobs, done, told, notified, events, bus };
}

const place = (values: Partial<{ opening: boolean; topicAuthorId: string | null; hiddenByReports: boolean }> = {}) => ({
  topicId: 't1',
  opening: false,
  topicAuthorId: 'alex',
  hiddenByReports: false,
  ...values,
});
/** A post as the repository's lockForVerdict or publish reads it for screening: with its place. */
const placed = (id: string, status: string, values: Parameters<typeof place>[0] & { authorId?: string; revision?: number } = {}) => {
  const { authorId = 'sam', revision = 1, ...where } = values;
  return { type: 'post' as const, id, groupId: GROUP, authorId, body: 'words before', revision, status, place: place(where) };
};
const verdict = (status: 'published' | 'held' | 'rejected', body = 'words') => ({ status, body, signposting: null });

describe('PostScreeningSource', () => {
  describe('after verdicts (the screening worker)', () => {
    it('announces every verdict with the post’s topic and place in one round trip, once committed, ids only', async () => {
      const { service, events } = source();
      const then = await service.followVerdicts(tx, [
        { subject: placed('opening', 'published', { opening: true }), verdict: verdict('published') },
        { subject: placed('reply', 'screening'), verdict: verdict('held') },
        { subject: placed('other', 'screening'), verdict: verdict('rejected') },
      ]);
      expect(events).toEqual([]);
      await then();
      expect(events).toEqual([
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'opening', authorId: 'sam', opening: true, status: 'published' } },
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'reply', authorId: 'sam', opening: false, status: 'held' } },
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'other', authorId: 'sam', opening: false, status: 'rejected' } },
      ]);
      // No words, ever: a reader fetches the post over HTTP.
      expect(JSON.stringify(events)).not.toContain('words');
    });

    it('stages a batch’s follow-up in the publishing statement itself, writes nothing more in it, and does the follow-up once committed', async () => {
      const { posts, service, jobs, staged, done } = source();
      posts.add({ id: 'r1', status: 'screening' });
      posts.add({ id: 'r2', status: 'screening' });
      posts.add({ id: 'gone', status: 'deleted' });
      const items = ['r1', 'r2', 'gone'].map((id) => ({ id, revision: 1, body: `new ${id}` }));
      const published = await service.publishMany(tx, items);
      expect(published.map((p) => p.id)).toEqual(['r1', 'r2']);
      expect(jobs).toEqual([
        { via: 'stageIfAny', inTx: true, name: 'posts-published', postIds: ['r1', 'r2', 'gone'], jobId: expect.any(String), id: 'outbox-1' },
      ]);
      // A retried batch stages the same job, which BullMQ keeps once.
      expect(jobs[0]!.jobId).not.toContain(':');
      const then = await service.followVerdicts(
        tx,
        published.map((subject) => ({ subject, verdict: verdict('published') })),
      );
      expect(jobs).toHaveLength(1);
      expect(staged).toEqual([]);
      expect(done).toEqual([]);
      await then();
      // The reply notifications, written now, and the staged row marked done so the relay never hands it on.
      expect(staged).toEqual([
        { via: 'notifyNow', inTx: false, events: [expect.objectContaining({ eventId: 'reply:r1' }), expect.objectContaining({ eventId: 'reply:r2' })] },
      ]);
      expect(done).toEqual(['outbox-1']);
    });

    it('stages nothing for a batch that published nothing', async () => {
      const { posts, service, jobs } = source();
      posts.add({ id: 'r1', status: 'published' });
      await expect(service.publishMany(tx, [{ id: 'r1', revision: 1, body: 'x' }])).resolves.toEqual([]);
      expect(jobs).toEqual([]);
    });

    it('stages the follow-up of a post published on its own in the verdict’s transaction, and a held post’s notice there too', async () => {
      const { posts, service, jobs, staged, done, told } = source();
      posts.add({ id: 'alone', body: 'masked ***' });
      const then = await service.followVerdicts(tx, [
        { subject: placed('alone', 'screening'), verdict: verdict('published', 'masked ***') },
        { subject: placed('h1', 'screening', { revision: 2 }), verdict: verdict('held') },
      ]);
      expect(jobs).toEqual([{ via: 'stage', inTx: true, name: 'posts-published', postIds: ['alone'], jobId: expect.any(String), id: 'outbox-1' }]);
      expect(staged).toEqual([
        { via: 'notifyWithin', inTx: true, events: [expect.objectContaining({ eventId: 'held:h1:2', kind: 'moderation', recipients: ['sam'] })] },
      ]);
      expect([done, told]).toEqual([[], []]);
      await then();
      expect([done, told]).toEqual([['outbox-1'], ['held:h1:2']]);
      expect(staged[1]).toEqual({ via: 'notifyNow', inTx: false, events: [expect.objectContaining({ eventId: 'reply:alone', recipients: ['alex'] })] });
    });

    it('says and stages nothing when new words pass on a post that reports keep hidden, whether the subject says hidden or screening', async () => {
      const { service, jobs, events, staged } = source();
      const then = await service.followVerdicts(tx, [
        { subject: placed('hidden', 'hidden', { hiddenByReports: true }), verdict: verdict('published', 'new words @robin') },
        { subject: placed('edited', 'screening', { hiddenByReports: true }), verdict: verdict('published', 'new words @robin') },
      ]);
      await then();
      expect([events, jobs, staged]).toEqual([[], [], []]);
    });

    it('keeps the verdicts when the announcement cannot go out', async () => {
      const { service, bus, done } = source();
      bus.publishMany = async () => {
        throw new Error('Redis is down');
      };
      const then = await service.followVerdicts(tx, [{ subject: placed('reply', 'published'), verdict: verdict('published') }]);
      await expect(then()).resolves.toBeUndefined();
      expect(done).toEqual(['outbox-1']);
    });

    it('leaves the follow-up to the outbox relay when it cannot be done at once (the row is not marked done)', async () => {
      const { posts, service, done } = source();
      posts.add({ id: 'r1', status: 'screening' });
      posts.published = async () => {
        throw new Error('connection lost');
      };
      const published = await service.publishMany(tx, [{ id: 'r1', revision: 1, body: 'hello' }]);
      const then = await service.followVerdicts(
        tx,
        published.map((subject) => ({ subject, verdict: verdict('published') })),
      );
      await expect(then()).resolves.toBeUndefined();
      expect(done).toEqual([]);
    });

    it('refuses a subject it did not read (no place)', async () => {
      const { service } = source();
      const bare = { type: 'post' as const, id: 'p', groupId: GROUP, authorId: 'sam', body: 'words', revision: 1, status: 'screening' };
      await expect(service.followVerdicts(tx, [{ subject: bare, verdict: verdict('published') }])).rejects.toThrow(/not read by/);
    });
  });

  describe('the follow-up of published posts (the posts-published job)', () => {
    it("tells the topic's author of each reply and the group's members each post mentions, ids only, in one write", async () => {
      const { posts, service, staged } = source();
      posts.add({ id: 'r1', body: 'me too, thanks @robin' });
      posts.add({ id: 'r2', body: 'same here' });
      await service.notifyPublished(['r1', 'r2']);
      expect(staged).toHaveLength(1);
      expect(staged[0]!.via).toBe('notifyNow');
      expect(staged[0]!.events).toEqual([
        { eventId: 'reply:r1', kind: 'reply', recipients: ['alex'], groupId: GROUP, subjectId: 't1', path: `/groups/${GROUP}/topics/t1` },
        { eventId: 'mention:r1', kind: 'mention', recipients: ['robin'], groupId: GROUP, subjectId: 't1', path: `/groups/${GROUP}/topics/t1` },
        { eventId: 'reply:r2', kind: 'reply', recipients: ['alex'], groupId: GROUP, subjectId: 't1', path: `/groups/${GROUP}/topics/t1` },
      ]);
      expect(JSON.stringify(staged)).not.toContain('me too');
    });

    it('tells members of the group a post @mentions, not its author nor anyone outside the group', async () => {
      const { posts, service, notified } = source();
      posts.add({ id: 'hello', isOpening: true, authorId: 'alex', body: 'hi @robin and @outsider and @alex' });
      await service.notifyPublished(['hello']);
      expect(notified()).toEqual([expect.objectContaining({ eventId: 'mention:hello', kind: 'mention', recipients: ['robin'] })]);
    });

    it('passes over posts no longer in sight, and tells nobody of an opening post or a reply to one’s own topic', async () => {
      const { posts, service, notified } = source();
      posts.add({ id: 'opening', isOpening: true });
      posts.add({ id: 'hidden', status: 'hidden', body: '@robin' });
      posts.add({ id: 'removed', status: 'removed', body: '@robin' });
      posts.add({ id: 'own', authorId: 'alex' });
      await service.notifyPublished(['opening', 'hidden', 'removed', 'own', 'never-was']);
      expect(notified()).toEqual([]);
    });
  });

  describe("after a moderator's decision", () => {
    it('announces a supporter’s removal, and an approval only once the post is in sight; never a deleted post', async () => {
      const { posts, service, events } = source();
      posts.add({ id: 'removed', status: 'removed' });
      posts.add({ id: 'approved', status: 'published' });
      posts.add({ id: 'still-checking', status: 'screening' });
      posts.add({ id: 'deleted', status: 'deleted' });
      await service.afterStatusChange('removed', GROUP, 'removed');
      await service.afterStatusChange('approved', GROUP, 'published');
      await service.afterStatusChange('still-checking', GROUP, 'published');
      await service.afterStatusChange('deleted', GROUP, 'removed');
      expect(events.map((e) => [(e.payload as { postId: string }).postId, (e.payload as { status: string }).status])).toEqual([
        ['removed', 'removed'],
        ['approved', 'published'],
      ]);
    });

    it('tells the author a post was published after review, and the topic’s author and those it mentions, once per reply', async () => {
      const { posts, service, staged } = source();
      posts.add({ id: 'reply', body: 'me too @robin', revision: 3 });
      await service.afterStatusChange('reply', GROUP, 'published');
      expect(staged).toHaveLength(1);
      expect(staged[0]!.events.map((e) => [e.eventId, e.kind, e.recipients])).toEqual([
        ['reviewed:reply:3', 'moderation', ['sam']],
        ['reply:reply', 'reply', ['alex']],
        ['mention:reply', 'mention', ['robin']],
      ]);
    });

    it('tells nobody when a held reply is removed', async () => {
      const { posts, service, notified } = source();
      posts.add({ id: 'held', status: 'held' });
      await service.afterStatusChange('held', GROUP, 'removed');
      expect(notified()).toEqual([]);
    });
  });

  describe('describe (what a reviewer reads)', () => {
    it("shows a reply's words, author and place, and an opening post's topic title and content warning too", async () => {
      const { posts, service } = source();
      posts.add({ id: 'reply', body: 'me too' });
      posts.add({ id: 'opening', body: 'how do you cope?', isOpening: true, status: 'held' });
      const views = await service.describe(['reply', 'opening']);
      expect(views.get('reply')).toEqual({
        type: 'post',
        id: 'reply',
        body: 'me too',
        author: { id: 'sam', displayName: 'KidneyWarrior' },
        groupId: GROUP,
        topicId: 't1',
        status: 'published',
      });
      expect(views.get('opening')).toMatchObject({ body: 'how do you cope?', title: 'Fatigue after infusions', contentWarning: 'needles', status: 'held' });
    });

    it('names an author who has no display name any more "Former member", and an erased author not at all', async () => {
      const { posts, service } = source();
      posts.add({ id: 'gone', authorId: 'alex' });
      posts.add({ id: 'erased', authorId: null });
      const views = await service.describe(['gone', 'erased']);
      expect(views.get('gone')!.author).toEqual({ id: 'alex', displayName: 'Former member' });
      expect(views.get('erased')!.author).toBeNull();
    });

    it('asks nothing for no ids', async () => {
      const { posts, service } = source();
      expect((await service.describe([])).size).toBe(0);
      expect(posts.lookups).toBe(0);
    });
  });

  describe('hide (enough reports)', () => {
    it('hides a published post from others', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p' });
      await service.hide(tx, 'p');
      expect(posts.rows.get('p')).toMatchObject({ status: 'hidden', hiddenByReports: true, wasPublished: false });
    });

    it('hides the published words shown while an edit waits, and leaves the edit waiting', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p', status: 'screening', body: 'edited words', publishedBody: 'old words', revision: 2 });
      await service.hide(tx, 'p');
      expect(posts.rows.get('p')).toMatchObject({ status: 'screening', body: 'edited words', publishedBody: null, hiddenByReports: true, wasPublished: false });
    });

    it('changes nothing others cannot see already', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p', status: 'held', publishedBody: null, wasPublished: false });
      await service.hide(tx, 'p');
      expect(posts.rows.get('p')).toMatchObject({ status: 'held', hiddenByReports: false });
    });
  });

  describe("setStatus (a moderator's decision)", () => {
    it('publishes a hidden post again, ending the hiding by reports', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p', status: 'hidden', hiddenByReports: true, wasPublished: false });
      await service.setStatus(tx, 'p', 'published');
      expect(posts.rows.get('p')).toMatchObject({ status: 'published', hiddenByReports: false, wasPublished: true });
    });

    it('removes a post, ending the hiding by reports', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p', status: 'hidden', hiddenByReports: true, wasPublished: false });
      await service.setStatus(tx, 'p', 'removed');
      expect(posts.rows.get('p')).toMatchObject({ status: 'removed', hiddenByReports: false });
    });

    it('approving a revision still in screening publishes nothing: only the hiding ends', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p', status: 'screening', hiddenByReports: true, publishedBody: null, wasPublished: false, revision: 2 });
      await service.setStatus(tx, 'p', 'published');
      expect(posts.rows.get('p')).toMatchObject({ status: 'screening', hiddenByReports: false, wasPublished: false });
    });

    it('leaves a post its author deleted deleted', async () => {
      const { posts, service } = source();
      posts.add({ id: 'p', status: 'deleted', wasPublished: false });
      await service.setStatus(tx, 'p', 'published');
      expect(posts.rows.get('p')!.status).toBe('deleted');
    });
  });
});
