import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Tx } from '@kindred/database';
import { type NotificationsService } from '@kindred/notifications';
import { type EventBus } from '@kindred/events';
import { type MembershipService } from '@kindred/groups';
import type { IdentityService } from '@kindred/identity';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { PostReaction } from '../../../libs/forum/src/post-reaction.entity';
import { PostScreeningSource } from '../../../libs/forum/src/post-screening.source';
import { Post } from '../../../libs/forum/src/post.entity';
import { PostsRepository } from '../../../libs/forum/src/posts.repository';
import { Topic } from '../../../libs/forum/src/topic.entity';
import { TopicsRepository } from '../../../libs/forum/src/topics.repository';

type Step = 'publish' | 'hide' | 'remove' | 'delete' | 'restore';
const STEPS: Step[] = ['publish', 'hide', 'remove', 'delete', 'restore'];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/**
 * A topic's reply count and status are kept by PostsRepository as posts move in and out of sight.
 * Every order of publishing (by the batched path and by a single verdict), hiding by reports,
 * removing, deleting and restoring is applied to its own reply, the way the forum, the screening
 * pipeline and moderators apply them, and after every step the stored count is checked against a
 * recount of the replies in sight.
 */
describe('Topic counters on PostgreSQL, in every order', () => {
  let dataSource: DataSource;
  let posts: PostsRepository;
  let topics: TopicsRepository;
  let source: PostScreeningSource;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([Topic, Post, PostReaction]);
    posts = new PostsRepository(dataSource);
    topics = new TopicsRepository(dataSource);
    source = new PostScreeningSource(
      posts,
      topics,
      { displayNames: async () => new Map() } as unknown as IdentityService,
      { notify: async () => null } as unknown as NotificationsService,
      { find: async () => null } as unknown as MembershipService,
      { publish: async () => undefined } as unknown as EventBus,
    );
  });
  afterAll(() => dataSource.destroy());

  async function topicWithOpening(authorId: string): Promise<{ topicId: string; groupId: string }> {
    const groupId = await insertGroup(dataSource, { name: 'Counted group' });
    const topicId = await inTransaction(dataSource, async (tx) => {
      const now = new Date();
      const topic = await topics.insert(tx, {
        groupId,
        authorId,
        title: 'Counting',
        contentWarning: null,
        openingPostId: null,
        status: 'screening',
        replyCount: 0,
        lastActivityAt: now,
        createdAt: now,
      });
      const opening = randomUUID();
      await posts.insert(tx, { id: opening, topicId: topic.id, groupId, authorId, body: 'opening', isOpening: true, replyToPostId: null, createdAt: now });
      await topics.setOpeningPost(tx, topic.id, opening);
      await posts.publish(tx, [{ id: opening, revision: 1, body: 'opening' }]);
      return topic.id;
    });
    return { topicId, groupId };
  }

  async function apply(tx: Tx, id: string, step: Step, batched: boolean): Promise<void> {
    const post = await posts.lock(tx, id);
    switch (step) {
      case 'publish':
        // Screening's verdict: only a post still in screening at its revision is published.
        if (post.status !== 'screening') return;
        if (batched) await posts.publish(tx, [{ id, revision: post.revision, body: post.body }]);
        else
          await posts.applyVerdict(
            tx,
            { type: 'post', id, groupId: post.groupId, authorId: post.authorId, body: post.body, revision: post.revision, status: post.status },
            { status: 'published', body: post.body, signposting: null },
          );
        return;
      case 'hide':
        return source.hide(tx, id);
      case 'remove':
        return source.setStatus(tx, id, 'removed');
      case 'restore':
        return source.setStatus(tx, id, 'published');
      case 'delete':
        // As the author's delete does.
        if (post.status !== 'deleted') await posts.moveTo(tx, post, 'deleted', { body: '', signposting: null });
    }
  }

  async function counts(topicId: string): Promise<{ stored: number; recount: number; topicStatus: string }> {
    const [row] = (await dataSource.query(
      `SELECT t.reply_count AS stored, t.status AS topic_status,
              (SELECT count(*)::int FROM posts p WHERE p.topic_id = t.id AND NOT p.is_opening AND (p.status = 'published' OR p.published_body IS NOT NULL)) AS recount
         FROM topics t WHERE t.id = $1`,
      [topicId],
    )) as Array<{ stored: number; recount: number; topic_status: string }>;
    return { stored: row!.stored, recount: row!.recount, topicStatus: row!.topic_status };
  }

  it('keeps reply_count equal to a recount after every step of every order, and erasure keeps it so', async () => {
    const author = await insertUser(dataSource);
    const { topicId, groupId } = await topicWithOpening(author);
    const orders = permutations(STEPS);
    expect(orders).toHaveLength(120);
    for (const [n, order] of orders.entries()) {
      const id = randomUUID();
      await inTransaction(dataSource, (tx) =>
        posts.insert(tx, { id, topicId, groupId, authorId: author, body: `reply ${n}`, isOpening: false, replyToPostId: null, createdAt: new Date() }),
      );
      for (const step of order) {
        await inTransaction(dataSource, (tx) => apply(tx, id, step, n % 2 === 0));
        const { stored, recount } = await counts(topicId);
        if (stored !== recount) throw new Error(`after ${order.slice(0, order.indexOf(step) + 1).join(' → ')}: reply_count ${stored}, recount ${recount}`);
      }
    }
    expect((await counts(topicId)).topicStatus).toBe('published');
    await inTransaction(dataSource, (tx) => posts.eraseAuthor(tx, author));
    await expect(counts(topicId)).resolves.toMatchObject({ stored: 0, recount: 0 });
  });

  it('a topic follows its opening post: hidden, removed and restored with it', async () => {
    const author = await insertUser(dataSource);
    const { topicId } = await topicWithOpening(author);
    const [{ opening_post_id: opening }] = (await dataSource.query(`SELECT opening_post_id FROM topics WHERE id = $1`, [topicId])) as Array<{
      opening_post_id: string;
    }>;
    for (const [step, status] of [
      ['hide', 'hidden'],
      ['restore', 'published'],
      ['remove', 'removed'],
      ['restore', 'published'],
      ['delete', 'deleted'],
    ] as const) {
      await inTransaction(dataSource, (tx) => apply(tx, opening, step, true));
      expect((await counts(topicId)).topicStatus).toBe(status);
    }
  });

  async function topicRow(topicId: string): Promise<{ reply_count: number; status: string; last_activity_at: Date }> {
    const [row] = (await dataSource.query(`SELECT reply_count, status, last_activity_at FROM topics WHERE id = $1`, [topicId])) as Array<{
      reply_count: number;
      status: string;
      last_activity_at: Date;
    }>;
    return row!;
  }

  async function newReplies(topicId: string, groupId: string, authorId: string, n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => randomUUID());
    await inTransaction(dataSource, async (tx) => {
      for (const id of ids)
        await posts.insert(tx, { id, topicId, groupId, authorId, body: 'a reply', isOpening: false, replyToPostId: null, createdAt: new Date() });
    });
    return ids;
  }

  it('a topic follows any statement that changes its posts, a batch by the whole batch, and its last activity only moves on when something comes into sight', async () => {
    const author = await insertUser(dataSource);
    const { topicId, groupId } = await topicWithOpening(author);
    // An old last activity, so that "moved on" and "left alone" can be told apart.
    await dataSource.query(`UPDATE topics SET last_activity_at = now() - interval '1 day' WHERE id = $1`, [topicId]);
    const dayAgo = (await topicRow(topicId)).last_activity_at.getTime();

    const [a, b, c] = await newReplies(topicId, groupId, author, 3);
    // Three replies published by one batch: the topic's count moves by three in one step.
    const published = await inTransaction(dataSource, (tx) =>
      posts.publish(
        tx,
        [a, b, c].map((id) => ({ id: id!, revision: 1, body: 'a reply' })),
      ),
    );
    // What screening announces and notifies from: each published post, as a subject.
    expect(published.map((subject) => [subject.id, subject.status]).sort()).toEqual([a, b, c].map((id) => [id, 'published']).sort());
    let topic = await topicRow(topicId);
    expect(topic.reply_count).toBe(3);
    expect(topic.last_activity_at.getTime()).toBeGreaterThan(dayAgo);

    // Not through the repository at all: the rule lives in the database, so it still holds.
    await dataSource.query(`UPDATE topics SET last_activity_at = now() - interval '1 day' WHERE id = $1`, [topicId]);
    await dataSource.query(`UPDATE posts SET status = 'removed', was_published = false WHERE id = $1`, [a]);
    topic = await topicRow(topicId);
    expect(topic.reply_count).toBe(2);
    expect(topic.last_activity_at.getTime()).toBeLessThan(Date.now() - 3_600_000);

    // A change that leaves everything in sight (clearing a report flag) leaves the topic alone.
    await inTransaction(dataSource, (tx) => posts.clearHiddenByReports(tx, b!));
    expect(await topicRow(topicId)).toEqual(topic);

    // Erasure: the author's replies stop counting, but the thread stays for the people in it.
    await inTransaction(dataSource, (tx) => posts.eraseAuthor(tx, author));
    topic = await topicRow(topicId);
    expect(topic).toMatchObject({ reply_count: 0, status: 'published' });
  });
});
