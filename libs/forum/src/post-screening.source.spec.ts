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
}

function source() {
  const notified: NotificationEvent[] = [];
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
  const service = new PostScreeningSource(
    posts as unknown as PostsRepository,
    topicsRepository as unknown as TopicsRepository,
    identity as unknown as IdentityService,
    { notify: async (event: NotificationEvent) => void notified.push(event) } as unknown as NotificationsService,
    memberships as unknown as MembershipService,
    { publish: async (name: string, payload: unknown) => void events.push({ name, payload }) } as unknown as EventBus,
  );
  return { posts, service, notified, events };
}

describe('PostScreeningSource', () => {
  describe('live announcements (forum.changed)', () => {
    const subject = (id: string, status = 'screening') => ({ type: 'post' as const, id, groupId: GROUP, authorId: 'sam', body: 'words', revision: 1, status });
    const verdict = (status: 'published' | 'held' | 'rejected') => ({ status, body: 'words', signposting: null });

    it('announces each verdict with the post’s topic and place, ids only', async () => {
      const { posts, service, events } = source();
      posts.add({ id: 'opening', isOpening: true, status: 'screening' });
      posts.add({ id: 'reply', status: 'screening' });
      await service.afterVerdict(subject('opening', 'published'), verdict('published'));
      await service.afterVerdict(subject('reply'), verdict('held'));
      await service.afterVerdict(subject('reply'), verdict('rejected'));
      expect(events).toEqual([
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'opening', authorId: 'sam', opening: true, status: 'published' } },
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'reply', authorId: 'sam', opening: false, status: 'held' } },
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'reply', authorId: 'sam', opening: false, status: 'rejected' } },
      ]);
      // No words, ever: a reader fetches the post over HTTP.
      expect(JSON.stringify(events)).not.toContain('words');
    });

    it('says nothing when new words of a post hidden by reports pass (it stays hidden)', async () => {
      const { posts, service, events } = source();
      posts.add({ id: 'hidden', status: 'hidden' });
      await service.afterVerdict(subject('hidden', 'hidden'), verdict('published'));
      expect(events).toEqual([]);
    });

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

    it('keeps the verdict when the announcement cannot go out', async () => {
      const { posts, service } = source();
      posts.add({ id: 'reply', status: 'published' });
      posts.places = async () => {
        throw new Error('Redis is down');
      };
      await expect(service.afterVerdict(subject('reply'), verdict('published'))).resolves.toBeUndefined();
    });
  });

  describe('reply notifications', () => {
    it("tells the topic's author of a reply published by screening or by review, with ids only, once per reply", async () => {
      const { posts, service, notified } = source();
      posts.add({ id: 'reply', body: 'me too' });
      await service.afterVerdict({ id: 'reply' } as never, { status: 'published', body: 'me too', signposting: null });
      await service.afterStatusChange('reply', GROUP, 'published');
      expect(notified.map((n) => n.kind)).toEqual(['reply', 'moderation', 'reply']);
      expect(notified[1]).toMatchObject({ eventId: 'reviewed:reply:1', recipients: ['sam'] });
      notified.splice(1, 1);
      expect(notified[0]).toEqual({
        eventId: 'reply:reply',
        kind: 'reply',
        recipients: ['alex'],
        groupId: GROUP,
        subjectId: 't1',
        path: `/groups/${GROUP}/topics/t1`,
      });
      expect(notified[1]!.eventId).toBe(notified[0]!.eventId);
      expect(JSON.stringify(notified)).not.toContain('me too');
    });

    it('tells members of the group a post @mentions, not its author nor anyone outside the group; a held post tells its author it waits', async () => {
      const { posts, service, notified } = source();
      posts.add({ id: 'hello', isOpening: true, authorId: 'alex', body: 'hi @robin and @outsider and @sam' });
      await service.afterVerdict({ id: 'hello' } as never, { status: 'published', body: '', signposting: null });
      expect(notified).toEqual([expect.objectContaining({ eventId: 'mention:hello', kind: 'mention', recipients: ['robin', 'sam'] })]);
      await service.afterVerdict({ id: 'p2', revision: 2, authorId: 'sam', groupId: GROUP } as never, { status: 'held', body: '', signposting: null });
      expect(notified[1]).toMatchObject({ eventId: 'held:p2:2', kind: 'moderation', recipients: ['sam'] });
    });

    it('tells nobody of an opening post, a held or removed reply, or a reply to one’s own topic', async () => {
      const { posts, service, notified } = source();
      posts.add({ id: 'opening', isOpening: true });
      posts.add({ id: 'held', status: 'held' });
      posts.add({ id: 'own', authorId: 'alex' });
      await service.afterVerdict({ id: 'opening' } as never, { status: 'published', body: '', signposting: null });
      await service.afterStatusChange('held', GROUP, 'removed');
      await service.afterVerdict({ id: 'own' } as never, { status: 'published', body: '', signposting: null });
      expect(notified).toEqual([]);
    });
  });

  describe('after a verdict on a subject read with its place (the worker’s path)', () => {
    const place = (values: Partial<{ opening: boolean; topicAuthorId: string | null; hiddenByReports: boolean }> = {}) => ({
      topicId: 't1',
      opening: false,
      topicAuthorId: 'alex',
      hiddenByReports: false,
      ...values,
    });
    const placed = (id: string, status: string, values: Parameters<typeof place>[0] = {}) =>
      ({ type: 'post' as const, id, groupId: GROUP, authorId: 'sam', body: 'words before', revision: 1, status, place: place(values) }) as never;

    it('announces and notifies from what it read with the subject, with no second read, mentions taken from the verdict’s words', async () => {
      const { posts, service, notified, events } = source();
      posts.places = async () => {
        throw new Error('read again');
      };
      await service.afterVerdict(placed('reply', 'published'), { status: 'published', body: 'thanks @robin', signposting: null });
      expect(posts.lookups).toBe(0);
      expect(events).toEqual([
        { name: 'forum.changed', payload: { groupId: GROUP, topicId: 't1', postId: 'reply', authorId: 'sam', opening: false, status: 'published' } },
      ]);
      expect(notified.map((n) => [n.kind, n.recipients])).toEqual([
        ['reply', ['alex']],
        ['mention', ['robin']],
      ]);
    });

    it('tells nobody when new words pass on a post that reports keep hidden, whether the subject says hidden or screening', async () => {
      const { service, notified, events } = source();
      await service.afterVerdict(placed('hidden', 'hidden', { hiddenByReports: true }), { status: 'published', body: 'new words', signposting: null });
      await service.afterVerdict(placed('edited', 'screening', { hiddenByReports: true }), { status: 'published', body: 'new words', signposting: null });
      expect(events).toEqual([]);
      expect(notified).toEqual([]);
    });

    it('tells nobody of a reply to a topic whose author is gone, nor of an opening post', async () => {
      const { service, notified } = source();
      await service.afterVerdict(placed('orphan', 'published', { topicAuthorId: null }), { status: 'published', body: 'words', signposting: null });
      await service.afterVerdict(placed('opening', 'published', { opening: true }), { status: 'published', body: 'words', signposting: null });
      expect(notified).toEqual([]);
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
