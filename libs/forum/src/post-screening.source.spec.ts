import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { MembershipService } from '@kindred/groups';
import type { IdentityService } from '@kindred/identity';
import type { NotificationEvent, NotificationsService } from '@kindred/notifications';
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
  publishStatement(items: Array<{ id: string; revision: number; body: string }>) {
    return { sql: 'UPDATE posts … RETURNING …', params: [items.map((item) => item.id)] };
  }
  /** The fake statement answers with subjects already. */
  publishedSubjects(rows: Array<Record<string, unknown>>) {
    return rows;
  }
}

function source() {
  /** Each notifyWithin or notifyMany call: its events, and whether it was written in the verdicts' transaction. */
  const staged: Array<{ events: NotificationEvent[]; inTx: boolean; id: string; keys?: string[]; statement?: unknown }> = [];
  /** The after-commit work of each notifyWithin, once run. */
  const dispatched: string[] = [];
  const events: Array<{ name: string; payload: unknown }> = [];
  const posts = new FakePosts();
  const topics = new Map<string, Topic>([
    ['t1', Object.assign(new Topic(), { id: 't1', authorId: 'alex', title: 'Fatigue after infusions', contentWarning: 'needles' })],
  ]);
  const topicsRepository = { findMany: async (ids: string[]) => ids.flatMap((id) => (topics.has(id) ? [topics.get(id)!] : [])) };
  /** Reads made in the verdicts' transaction, and outside one. */
  const reads = { inTx: 0, outside: 0 };
  const count = (on?: Tx) => (on === tx ? (reads.inTx += 1) : (reads.outside += 1));
  const identity = {
    displayNames: async (ids: string[]) => new Map(ids.filter((id) => id === 'sam').map((id) => [id, 'KidneyWarrior'])),
    mentionedIn: async (text: string, among: (ids: string[]) => Promise<string[]>, on?: Tx) => {
      count(on);
      return among(['robin', 'outsider', 'sam'].filter((id) => text.includes(`@${id}`)));
    },
  };
  const memberships = {
    activeAmong: async (_groupId: string, ids: string[], on?: Tx) => {
      count(on);
      return ids.filter((id) => id !== 'outsider');
    },
  };
  const notifications = {
    notifyWithin: async (on: Tx, list: NotificationEvent[]) => {
      const id = `written-${staged.length + 1}`;
      staged.push({ events: list, inTx: on === tx, id });
      return async () => void dispatched.push(id);
    },
    /** What the one statement of publishAlone returns (the rows it published), or null for "too many people". */
    answer: [] as Array<Record<string, unknown>> | null,
    notifyWith: async (statement: { sql: string; params: unknown[] }, owed: Array<{ key: string; event: NotificationEvent }>) => {
      const id = `with-${staged.length + 1}`;
      staged.push({ events: owed.map((o) => o.event), inTx: false, id, keys: owed.map((o) => o.key), statement });
      const answer = notifications.answer;
      return answer && { rows: answer, afterCommit: async () => void dispatched.push(id) };
    },
    notifyMany: async (list: NotificationEvent[], on?: Tx) => {
      const id = `outbox-${staged.length + 1}`;
      staged.push({ events: list, inTx: on === tx, id });
      return id;
    },
  };
  const bus = {
    publishMany: async (name: string, payloads: unknown[]) => {
      for (const payload of payloads) events.push({ name, payload });
    },
  };
  const service = new PostScreeningSource(
    posts as unknown as PostsRepository,
    topicsRepository as unknown as TopicsRepository,
    identity as unknown as IdentityService,
    notifications as unknown as NotificationsService,
    memberships as unknown as MembershipService,
    bus as unknown as EventBus,
  );
  const notified = () => staged.flatMap((s) => s.events);
  return { posts, service, staged, dispatched, notified, events, reads, bus, notifications };
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

    it('writes every notification the verdicts owe in their transaction, at once, and follows them up only after the commit', async () => {
      const { service, staged, dispatched, reads } = source();
      const then = await service.followVerdicts(tx, [
        { subject: placed('r1', 'published'), verdict: verdict('published', 'me too @robin') },
        { subject: placed('r2', 'published'), verdict: verdict('published') },
        { subject: placed('h1', 'screening', { revision: 2 }), verdict: verdict('held') },
      ]);
      expect(staged).toHaveLength(1);
      expect(staged[0]!.inTx).toBe(true);
      expect(staged[0]!.events.map((e) => [e.eventId, e.kind, e.recipients])).toEqual([
        ['reply:r1', 'reply', ['alex']],
        ['mention:r1', 'mention', ['robin']],
        ['reply:r2', 'reply', ['alex']],
        ['held:h1:2', 'moderation', ['sam']],
      ]);
      // Who a post mentions is read in the same transaction: no second connection while it is open.
      expect(reads).toEqual({ inTx: 4, outside: 0 });
      expect(dispatched).toEqual([]);
      await then();
      expect(dispatched).toEqual(['written-1']);
    });

    it("tells the topic's author of a reply with ids only, mentions taken from the verdict's words", async () => {
      const { service, notified } = source();
      await service.followVerdicts(tx, [{ subject: placed('reply', 'published'), verdict: verdict('published', 'me too, thanks @robin') }]);
      expect(notified()[0]).toEqual({
        eventId: 'reply:reply',
        kind: 'reply',
        recipients: ['alex'],
        groupId: GROUP,
        subjectId: 't1',
        path: `/groups/${GROUP}/topics/t1`,
      });
      expect(notified()[1]).toMatchObject({ eventId: 'mention:reply', kind: 'mention', recipients: ['robin'] });
      expect(JSON.stringify(notified())).not.toContain('me too');
    });

    it('tells members of the group a post @mentions, not its author nor anyone outside the group', async () => {
      const { service, notified } = source();
      await service.followVerdicts(tx, [
        { subject: placed('hello', 'published', { opening: true, authorId: 'alex' }), verdict: verdict('published', 'hi @robin and @outsider and @alex') },
      ]);
      expect(notified()).toEqual([expect.objectContaining({ eventId: 'mention:hello', kind: 'mention', recipients: ['robin'] })]);
    });

    it('says and tells nothing when new words pass on a post that reports keep hidden, whether the subject says hidden or screening', async () => {
      const { service, notified, events } = source();
      const then = await service.followVerdicts(tx, [
        { subject: placed('hidden', 'hidden', { hiddenByReports: true }), verdict: verdict('published', 'new words @robin') },
        { subject: placed('edited', 'screening', { hiddenByReports: true }), verdict: verdict('published', 'new words @robin') },
      ]);
      await then();
      expect(events).toEqual([]);
      expect(notified()).toEqual([]);
    });

    it('tells nobody of an opening post, a rejected reply, a reply to one’s own topic or to a topic whose author is gone', async () => {
      const { service, staged, dispatched } = source();
      const then = await service.followVerdicts(tx, [
        { subject: placed('opening', 'published', { opening: true }), verdict: verdict('published') },
        { subject: placed('rejected', 'screening'), verdict: verdict('rejected') },
        { subject: placed('own', 'published', { authorId: 'alex' }), verdict: verdict('published') },
        { subject: placed('orphan', 'published', { topicAuthorId: null }), verdict: verdict('published') },
      ]);
      await then();
      expect(staged).toEqual([{ events: [], inTx: true, id: 'written-1' }]);
      expect(dispatched).toEqual(['written-1']);
    });

    it('keeps the verdicts when the announcement cannot go out', async () => {
      const { service, bus, dispatched } = source();
      bus.publishMany = async () => {
        throw new Error('Redis is down');
      };
      const then = await service.followVerdicts(tx, [{ subject: placed('reply', 'published'), verdict: verdict('published') }]);
      await expect(then()).resolves.toBeUndefined();
      expect(dispatched).toEqual(['written-1']);
    });

    it('refuses a subject it did not read (no place): its notifications could not be worked out in the transaction', async () => {
      const { service } = source();
      const bare = { type: 'post' as const, id: 'p', groupId: GROUP, authorId: 'sam', body: 'words', revision: 1, status: 'screening' };
      await expect(service.followVerdicts(tx, [{ subject: bare, verdict: verdict('published') }])).rejects.toThrow(/not read by/);
    });
  });

  describe('publishAlone (a batch of first revisions, one statement)', () => {
    const item = (subject: ReturnType<typeof placed>, body = 'words') => ({ id: subject.id, revision: 1, body, subject });

    it('hands the publishing statement and every notification the batch owes, keyed by post, to one call; announces only once it committed', async () => {
      const { service, staged, dispatched, events, notifications } = source();
      const r1 = placed('r1', 'screening');
      const r2 = placed('r2', 'screening');
      const opening = placed('opening', 'screening', { opening: true });
      notifications.answer = [placed('r1', 'published'), placed('opening', 'published', { opening: true })];
      const done = await service.publishAlone([item(r1, 'me too @robin'), item(r2), item(opening)]);
      expect(staged).toHaveLength(1);
      expect(staged[0]!.statement).toEqual({ sql: 'UPDATE posts … RETURNING …', params: [['r1', 'r2', 'opening']] });
      expect(staged[0]!.events.map((e, i) => [staged[0]!.keys![i], e.eventId, e.recipients])).toEqual([
        ['r1', 'reply:r1', ['alex']],
        ['r1', 'mention:r1', ['robin']],
        ['r2', 'reply:r2', ['alex']],
      ]);
      // r2 changed meanwhile (not returned): it is not published, and the statement wrote none of its notifications.
      expect(done!.published.map((s) => s.id)).toEqual(['r1', 'opening']);
      expect(events).toEqual([]);
      expect(dispatched).toEqual([]);
      await done!.afterCommit();
      expect(dispatched).toEqual(['with-1']);
      expect(events.map((e) => (e.payload as { postId: string }).postId)).toEqual(['r1', 'opening']);
    });

    it('says nothing of a post that reports keep hidden', async () => {
      const { service, events, notifications } = source();
      notifications.answer = [placed('hidden', 'hidden', { hiddenByReports: true })];
      const done = await service.publishAlone([item(placed('hidden', 'screening', { hiddenByReports: true }))]);
      await done!.afterCommit();
      expect(events).toEqual([]);
    });

    it('publishes nothing and answers null when the batch would notify more people than one statement takes', async () => {
      const { service, events, notifications } = source();
      notifications.answer = null;
      await expect(service.publishAlone([item(placed('r1', 'screening'))])).resolves.toBeNull();
      expect(events).toEqual([]);
    });

    it('refuses an item whose subject it did not read (no place)', async () => {
      const { service } = source();
      const bare = { type: 'post' as const, id: 'p', groupId: GROUP, authorId: 'sam', body: 'words', revision: 1, status: 'screening' };
      await expect(service.publishAlone([{ id: 'p', revision: 1, body: 'words', subject: bare }])).rejects.toThrow(/not read by/);
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
      expect(staged[0]!.inTx).toBe(false);
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
