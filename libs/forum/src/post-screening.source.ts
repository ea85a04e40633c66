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
 * Keeps a topic's reply count, status and last activity right as a post moves in and out of
 * sight, with single atomic UPDATEs so concurrent writers cannot lose a count. A post is in sight
 * when published, or while an edit of it waits for screening or review and others still see its
 * published words (`publishedBody`); those words are kept only in those two states.
 */
export async function moveTo(
  manager: EntityManager,
  post: Pick<Post, 'id' | 'topicId' | 'isOpening' | 'wasPublished'> & Partial<Pick<Post, 'publishedBody'>>,
  status: PostStatus,
  extra: Partial<Post> = {},
): Promise<void> {
  const pending = status === 'screening' || status === 'held';
  const publishedBody = pending ? (extra.publishedBody !== undefined ? extra.publishedBody : (post.publishedBody ?? null)) : null;
  const visible = status === 'published' || publishedBody !== null;
  await manager.update(Post, { id: post.id }, { status, ...extra, wasPublished: visible, publishedBody } as QueryDeepPartialEntity<Post>);
  if (post.isOpening) {
    await manager.query(
      `UPDATE topics SET status = $2, last_activity_at = CASE WHEN $3::boolean THEN greatest(last_activity_at, now()) ELSE last_activity_at END WHERE id = $1`,
      [post.topicId, visible ? 'published' : status, status === 'published'],
    );
  } else if (visible && !post.wasPublished) {
    await manager.query(`UPDATE topics SET reply_count = reply_count + 1, last_activity_at = greatest(last_activity_at, now()) WHERE id = $1`, [post.topicId]);
  } else if (!visible && post.wasPublished) {
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
   * same rules as `moveTo`, reading the post's state before the change in the same snapshot. A
   * post hidden by reports stays hidden when its new words are screened clean; a held edit of a
   * published post leaves the published words in sight.
   */
  async applyVerdict(manager: EntityManager, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    await manager.query(
      `WITH before AS (SELECT topic_id, is_opening, was_published, hidden_by_reports, published_body FROM posts WHERE id = $1),
            next AS (
              SELECT b.*, CASE WHEN $2 = 'published' AND b.hidden_by_reports THEN 'hidden' ELSE $2 END AS status,
                     CASE WHEN $2 = 'held' THEN b.published_body END AS kept
                FROM before b),
            after AS (SELECT n.*, (n.status = 'published' OR n.kept IS NOT NULL) AS visible FROM next n),
            moved AS (
              UPDATE posts p SET status = a.status, was_published = a.visible, published_body = a.kept, body = $3, signposting = $4, screened_at = $5
                FROM after a WHERE p.id = $1 RETURNING p.id)
       UPDATE topics t SET
              status = CASE WHEN a.is_opening THEN (CASE WHEN a.visible THEN 'published' ELSE a.status END) ELSE t.status END,
              reply_count = CASE
                WHEN a.is_opening THEN t.reply_count
                WHEN a.visible AND NOT a.was_published THEN t.reply_count + 1
                WHEN NOT a.visible AND a.was_published THEN greatest(t.reply_count - 1, 0)
                ELSE t.reply_count END,
              last_activity_at = CASE WHEN a.status = 'published' AND (a.is_opening OR NOT a.was_published) THEN greatest(t.last_activity_at, now()) ELSE t.last_activity_at END,
              title = CASE WHEN a.is_opening AND $6::text IS NOT NULL THEN $6 ELSE t.title END,
              content_warning = CASE WHEN a.is_opening AND $7::text IS NOT NULL THEN $7 ELSE t.content_warning END
         FROM after a
        WHERE t.id = a.topic_id AND (a.is_opening OR a.was_published <> a.visible)`,
      [
        subject.id,
        verdict.status,
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

  /**
   * Reports hide what others can see: a published post, or the published words shown while an
   * edit waits. Either way the post stays hidden through later edits until a moderator decides.
   */
  async hide(manager: EntityManager, id: string): Promise<void> {
    const post = await manager.getRepository(Post).findOneOrFail({ where: { id } });
    if (post.status === 'published') await moveTo(manager, post, 'hidden', { hiddenByReports: true });
    else if (post.publishedBody !== null) await moveTo(manager, post, post.status, { hiddenByReports: true, publishedBody: null });
  }

  /**
   * A moderator's decision about the current revision (see contentEffect). Either decision ends
   * a hiding by reports. Approving a revision still in screening publishes nothing: its verdict will.
   */
  async setStatus(manager: EntityManager, id: string, status: 'published' | 'removed'): Promise<void> {
    const post = await manager.getRepository(Post).findOneOrFail({ where: { id } });
    if (post.status === 'deleted') return;
    if (status === 'published' && post.status === 'screening') {
      await manager.update(Post, { id }, { hiddenByReports: false });
      return;
    }
    await moveTo(manager, post, status, { hiddenByReports: false });
  }
}
