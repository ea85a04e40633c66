import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { IdentityService } from '@kindred/identity';
import { subjectFromRow, type ScreeningSource, type ScreeningSubject, type SubjectRow, type SubjectView, type VerdictToApply } from '@kindred/moderation';
import { Post, PostStatus } from './post.entity';
import { Topic } from './topic.entity';
import { OPENING_TOPIC_JOIN, peekPosts, publishPosts, SUBJECT_COLUMNS } from './post-publication';

/**
 * Keeps a topic's reply count and last activity right as a post moves in and out of
 * `published`, with single atomic UPDATEs so concurrent writers cannot lose a count.
 */
export async function moveTo(
  manager: EntityManager,
  post: Pick<Post, 'id' | 'topicId' | 'isOpening' | 'wasPublished'>,
  status: PostStatus,
  extra: Partial<Post> = {},
): Promise<void> {
  const nowPublished = status === 'published';
  await manager.update(Post, { id: post.id }, { status, wasPublished: nowPublished, ...extra } as QueryDeepPartialEntity<Post>);
  if (post.isOpening) {
    await manager.query(
      `UPDATE topics SET status = $2, last_activity_at = CASE WHEN $3::boolean THEN greatest(last_activity_at, now()) ELSE last_activity_at END WHERE id = $1`,
      [post.topicId, status, nowPublished],
    );
  } else if (nowPublished && !post.wasPublished) {
    await manager.query(`UPDATE topics SET reply_count = reply_count + 1, last_activity_at = greatest(last_activity_at, now()) WHERE id = $1`, [post.topicId]);
  } else if (!nowPublished && post.wasPublished) {
    await manager.query(`UPDATE topics SET reply_count = greatest(reply_count - 1, 0) WHERE id = $1`, [post.topicId]);
  }
}

@Injectable()
export class PostScreeningSource implements ScreeningSource {
  readonly type = 'post' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
  ) {}

  async lockForVerdict(manager: EntityManager, id: string): Promise<ScreeningSubject | null> {
    const [post] = (await manager.query(`SELECT ${SUBJECT_COLUMNS} FROM posts p ${OPENING_TOPIC_JOIN} WHERE p.id = $1 FOR UPDATE OF p`, [id])) as SubjectRow[];
    return post ? subjectFromRow('post', post) : null;
  }

  peek(ids: string[]): Promise<ScreeningSubject[]> {
    return peekPosts(this.dataSource.manager, ids);
  }

  readonly publishManyIsOneStatement = true;

  publishMany(manager: EntityManager, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]> {
    return publishPosts(manager, items);
  }

  /**
   * The verdict and its effect on the topic in one statement (the row is already locked): the
   * same rules as `moveTo`, reading the post's state before the change in the same snapshot.
   */
  async applyVerdict(manager: EntityManager, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    await manager.query(
      `WITH before AS (SELECT topic_id, is_opening, was_published FROM posts WHERE id = $1),
            moved AS (
              UPDATE posts SET status = $2, was_published = $3, body = $4, signposting = $5, screened_at = $6 WHERE id = $1 RETURNING id)
       UPDATE topics t SET
              status = CASE WHEN b.is_opening THEN $2 ELSE t.status END,
              reply_count = CASE
                WHEN b.is_opening THEN t.reply_count
                WHEN $3 AND NOT b.was_published THEN t.reply_count + 1
                WHEN NOT $3 AND b.was_published THEN greatest(t.reply_count - 1, 0)
                ELSE t.reply_count END,
              last_activity_at = CASE WHEN $3 AND (b.is_opening OR NOT b.was_published) THEN greatest(t.last_activity_at, now()) ELSE t.last_activity_at END,
              title = CASE WHEN b.is_opening AND $7::text IS NOT NULL THEN $7 ELSE t.title END,
              content_warning = CASE WHEN b.is_opening AND $8::text IS NOT NULL THEN $8 ELSE t.content_warning END
         FROM before b
        WHERE t.id = b.topic_id AND (b.is_opening OR b.was_published <> $3)`,
      [
        subject.id,
        verdict.status,
        verdict.status === 'published',
        verdict.body,
        verdict.signposting === null ? null : JSON.stringify(verdict.signposting),
        new Date(),
        // A masked title or content warning is stored masked, in place.
        verdict.fields?.title ?? null,
        verdict.fields?.contentWarning ?? null,
      ],
    );
  }

  async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    // Bounded: trust only needs "at least N", and a long-standing member has thousands of posts.
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM posts WHERE author_id = $1 AND group_id = $2 AND status = 'published' LIMIT $3) t`,
      [authorId, groupId, atMost],
    )) as Array<{ count: number }>;
    return count;
  }

  async stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.dataSource.query(
      `SELECT id, revision FROM posts WHERE status = 'screening' AND coalesce(edited_at, created_at) < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  async describe(ids: string[]): Promise<Map<string, SubjectView>> {
    if (ids.length === 0) return new Map();
    const posts = await this.dataSource.getRepository(Post).createQueryBuilder('p').where('p.id IN (:...ids)', { ids }).getMany();
    const names = await this.identity.displayNames(posts.flatMap((p) => (p.authorId ? [p.authorId] : [])));
    // The reviewer reads every field that was screened: an opening post's topic title and content warning too.
    const openingTopicIds = posts.filter((p) => p.isOpening).map((p) => p.topicId);
    const topics = new Map(
      openingTopicIds.length === 0
        ? []
        : (await this.dataSource.getRepository(Topic).createQueryBuilder('t').where('t.id IN (:...ids)', { ids: openingTopicIds }).getMany()).map((t) => [
            t.id,
            t,
          ]),
    );
    return new Map(
      posts.map((p) => [
        p.id,
        {
          type: 'post' as const,
          id: p.id,
          body: p.body,
          ...(p.isOpening && topics.has(p.topicId) ? { title: topics.get(p.topicId)!.title, contentWarning: topics.get(p.topicId)!.contentWarning } : {}),
          author: p.authorId ? { id: p.authorId, displayName: names.get(p.authorId) ?? 'Former member' } : null,
          groupId: p.groupId,
          topicId: p.topicId,
          status: p.status,
        },
      ]),
    );
  }

  async hide(manager: EntityManager, id: string): Promise<void> {
    const post = await manager.getRepository(Post).findOneOrFail({ where: { id } });
    if (post.status === 'published') await moveTo(manager, post, 'hidden');
  }

  async setStatus(manager: EntityManager, id: string, status: 'published' | 'removed'): Promise<void> {
    const post = await manager.getRepository(Post).findOneOrFail({ where: { id } });
    if (post.status === 'deleted') return;
    await moveTo(manager, post, status);
  }
}
