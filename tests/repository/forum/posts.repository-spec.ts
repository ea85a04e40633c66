import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { PostReaction } from '../../../libs/forum/src/post-reaction.entity';
import { Post } from '../../../libs/forum/src/post.entity';
import { PostsRepository } from '../../../libs/forum/src/posts.repository';
import { Topic } from '../../../libs/forum/src/topic.entity';
import { ERASED_TOPIC_TITLE, TopicsRepository } from '../../../libs/forum/src/topics.repository';
import { ReadPositionsRepository } from '../../../libs/forum/src/read-positions.repository';

describe('PostsRepository and TopicsRepository on PostgreSQL', () => {
  let dataSource: DataSource;
  let posts: PostsRepository;
  let topics: TopicsRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([Topic, Post, PostReaction]);
    posts = new PostsRepository(dataSource);
    topics = new TopicsRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  /** A group (agreement version 1) with a published topic by `author`, who is a member and accepted it. */
  async function thread(author: string) {
    const groupId = await insertGroup(dataSource, { name: 'Forum group', moderation: { mode: 'post' }, slowModeSeconds: 30 });
    await dataSource.query(`INSERT INTO agreement_versions (group_id, version, clauses, published_at) VALUES ($1, 1, '[]', now())`, [groupId]);
    await dataSource.query(`INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'member', 'active')`, [author, groupId]);
    await dataSource.query(`INSERT INTO agreement_acceptances (user_id, group_id, version, accepted_at) VALUES ($1, $2, 1, now())`, [author, groupId]);
    const opening = randomUUID();
    const topicId = await inTransaction(dataSource, async (tx) => {
      const now = new Date();
      const topic = await topics.insert(tx, {
        groupId,
        authorId: author,
        title: 'Words',
        contentWarning: 'cw',
        openingPostId: null,
        status: 'screening',
        replyCount: 0,
        lastActivityAt: now,
        createdAt: now,
      });
      await posts.insert(tx, {
        id: opening,
        topicId: topic.id,
        groupId,
        authorId: author,
        body: 'opening',
        isOpening: true,
        replyToPostId: null,
        createdAt: now,
      });
      await topics.setOpeningPost(tx, topic.id, opening);
      return topic.id;
    });
    return { groupId, topicId, opening };
  }

  it('lists the author’s own pending topic to them alone, with each reader’s position, which only moves forward', async () => {
    const [author, reader] = [await insertUser(dataSource), await insertUser(dataSource)];
    const { groupId, topicId, opening } = await thread(author);
    await expect(topics.page(groupId, author, 10, null)).resolves.toEqual([expect.objectContaining({ id: topicId, status: 'screening', readAt: null })]);
    await expect(topics.page(groupId, reader, 10, null)).resolves.toEqual([]);
    // What follows the verdict (live announcement, notifications) comes with the published rows: no second read.
    await expect(inTransaction(dataSource, (tx) => posts.publish(tx, [{ id: opening, revision: 1, body: 'opening' }]))).resolves.toEqual([
      expect.objectContaining({ id: opening, status: 'published', place: { topicId, opening: true, topicAuthorId: author, hiddenByReports: false } }),
    ]);
    await expect(posts.places([opening])).resolves.toEqual([{ id: opening, topicId, opening: true }]);
    const reads = new ReadPositionsRepository(dataSource);
    await expect(reads.readAt(reader, topicId)).resolves.toBeNull();
    const later = new Date('2026-12-01T11:00:00.123Z');
    await expect(reads.advance(reader, topicId, later)).resolves.toEqual(later);
    await expect(reads.advance(reader, topicId, new Date('2026-12-01T10:00:00Z'))).resolves.toEqual(later);
    await expect(topics.page(groupId, reader, 10, null)).resolves.toEqual([expect.objectContaining({ id: topicId, status: 'published', readAt: later })]);
    // Paging past the only topic leaves nothing, own pending topics included.
    const [first] = await topics.page(groupId, author, 10, null);
    await expect(topics.page(groupId, author, 10, { at: first!.lastActivityAt.toISOString(), id: first!.id })).resolves.toEqual([]);
    await inTransaction(dataSource, (tx) => reads.eraseFor(tx, reader));
    await expect(reads.readAt(reader, topicId)).resolves.toBeNull();
  });

  it('reads a post for screening with its topic’s fields, locked or not, and publishes it with its topic', async () => {
    const author = await insertUser(dataSource);
    const { groupId, topicId, opening } = await thread(author);
    await expect(posts.peek([opening])).resolves.toEqual([
      expect.objectContaining({ id: opening, status: 'screening', fields: { title: 'Words', contentWarning: 'cw' } }),
    ]);
    await inTransaction(dataSource, async (tx) =>
      expect(posts.lockForVerdict(tx, opening)).resolves.toMatchObject({ revision: 1, groupId, place: { topicId, opening: true, hiddenByReports: false } }),
    );
    await inTransaction(dataSource, (tx) => posts.publish(tx, [{ id: opening, revision: 1, body: 'opening' }]));
    await expect(topics.page(groupId, author, 10, null)).resolves.toEqual([expect.objectContaining({ id: topicId, status: 'published' })]);
    await expect(posts.publishedCount(author, groupId, 5)).resolves.toBe(1);
  });

  it('reads a post for screening with its place, which the notifications a published reply owes are worked out from', async () => {
    const author = await insertUser(dataSource);
    const { topicId, opening } = await thread(author);
    await expect(posts.peek([opening])).resolves.toEqual([
      expect.objectContaining({ id: opening, place: { topicId, opening: true, topicAuthorId: author, hiddenByReports: false } }),
    ]);
  });

  it('publishes as a bare statement whose rows say which posts now notify: those in sight, not those reports keep hidden', async () => {
    const author = await insertUser(dataSource);
    const { opening } = await thread(author);
    const { opening: hidden } = await thread(author);
    await dataSource.query(`UPDATE posts SET hidden_by_reports = true WHERE id = $1`, [hidden]);
    const { sql, params } = posts.publishStatement([
      { id: opening, revision: 1, body: 'opening' },
      { id: hidden, revision: 1, body: 'opening' },
    ]);
    const rows = (await dataSource.query(`WITH done AS (${sql}) SELECT * FROM done`, params)) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.id, r.status, r.notify_key]).sort()).toEqual(
      [
        [opening, 'published', opening],
        [hidden, 'hidden', null],
      ].sort(),
    );
    expect(posts.publishedSubjects(rows).map((subject) => [subject.id, subject.place.topicAuthorId])).toEqual(rows.map((r) => [r.id, author]));
  });

  it('reads a topic and a post with the reader’s standing through member_standing, and a page of posts', async () => {
    const [author, stranger] = [await insertUser(dataSource), await insertUser(dataSource)];
    const { groupId, topicId, opening } = await thread(author);
    await inTransaction(dataSource, (tx) => posts.publish(tx, [{ id: opening, revision: 1, body: 'opening' }]));
    await posts.react(opening, stranger, 'hug');
    const read = await topics.withStanding(topicId, author, { page: { limit: 10, cursor: null }, writeRules: true });
    expect(read!.standing).toMatchObject({ standing_group_id: groupId, standing_role: 'member', standing_status: 'active', standing_slow_mode_seconds: 30 });
    expect(Number(read!.standing.standing_accepted_version)).toBe(1);
    expect(read!.posts).toEqual([expect.objectContaining({ id: opening, body: 'opening', reactionCounts: { hug: 1 }, mine: [] })]);
    const asStranger = await posts.withStanding(opening, stranger, { reactions: true });
    expect(asStranger).toMatchObject({ post: { id: opening, mine: ['hug'] }, standing: { standing_role: null, standing_group_id: groupId } });
    await expect(topics.withStanding(randomUUID(), author)).resolves.toBeNull();
    await posts.unreact(opening, stranger, 'hug');
    await expect(posts.withStanding(opening, stranger, { reactions: true })).resolves.toMatchObject({ post: { reactionCounts: {} } });
    await expect(posts.lastWrittenAt(author, groupId)).resolves.toEqual(expect.any(Date));
  });

  it('exports a person’s topics, posts and reactions, and erases them leaving placeholders', async () => {
    const author = await insertUser(dataSource);
    const { topicId, opening } = await thread(author);
    await posts.react(opening, author, 'hug');
    await expect(topics.exportFor(author)).resolves.toEqual([expect.objectContaining({ id: topicId, title: 'Words' })]);
    await expect(posts.exportFor(author)).resolves.toMatchObject({ posts: [{ id: opening }], reactions: [{ postId: opening, kind: 'hug' }] });
    await inTransaction(dataSource, async (tx) => {
      await expect(posts.lockBodies(tx, [opening])).resolves.toEqual([{ id: opening, body: 'opening' }]);
      await posts.eraseAuthor(tx, author);
      await topics.eraseAuthor(tx, author);
    });
    await expect(posts.findMany([opening])).resolves.toEqual([expect.objectContaining({ body: '', status: 'removed', authorId: null })]);
    await expect(topics.findMany([topicId])).resolves.toEqual([expect.objectContaining({ title: ERASED_TOPIC_TITLE, authorId: null, contentWarning: null })]);
  });
});
