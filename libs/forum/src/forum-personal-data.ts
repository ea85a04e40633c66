import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';
import { ReviewItemsService } from '@kindred/moderation';

export const ERASED_TOPIC_TITLE = 'A topic by a former member';

/** What the forum holds about a member, and how it is erased without breaking threads for others. */
@Injectable()
export class ForumPersonalData implements PersonalDataContributor {
  readonly section = 'forum';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviewItems: ReviewItemsService,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [topics, posts, reactions] = await Promise.all([
      this.dataSource.query(
        `SELECT id, group_id AS "groupId", title, content_warning AS "contentWarning", created_at AS "createdAt" FROM topics WHERE author_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT id, topic_id AS "topicId", group_id AS "groupId", body, published_body AS "publishedBody", status, revision, reply_to_post_id AS "replyToPostId", created_at AS "createdAt", edited_at AS "editedAt"
         FROM posts WHERE author_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.dataSource.query(`SELECT post_id AS "postId", kind, created_at AS "createdAt" FROM post_reactions WHERE user_id = $1 ORDER BY created_at`, [userId]),
    ]);
    return { topics, posts, reactions };
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    // Words that raised an urgent review stay on its item until a supporter has read them (docs/PRIVACY.md).
    const urgent = await this.reviewItems.openUrgentSubjectIds(manager, 'post', userId);
    if (urgent.length > 0) {
      const words = (await manager.query(`SELECT id, body FROM posts WHERE id = ANY($1::uuid[]) FOR UPDATE`, [urgent])) as Array<{ id: string; body: string }>;
      await this.reviewItems.subjectsErased(manager, 'post', words);
    }
    // Replies that counted towards a topic no longer do; the thread keeps a "removed" placeholder.
    await manager.query(
      `UPDATE topics t SET reply_count = greatest(t.reply_count - c.n, 0)
       FROM (SELECT topic_id, count(*)::int AS n FROM posts WHERE author_id = $1 AND was_published AND NOT is_opening GROUP BY topic_id) c
       WHERE t.id = c.topic_id`,
      [userId],
    );
    await manager.query(
      `UPDATE posts SET body = '', published_body = NULL, status = 'removed', was_published = false, signposting = NULL, author_id = NULL WHERE author_id = $1`,
      [userId],
    );
    await manager.query(`UPDATE topics SET title = $2, content_warning = NULL, author_id = NULL WHERE author_id = $1`, [userId, ERASED_TOPIC_TITLE]);
    await manager.query(`DELETE FROM post_reactions WHERE user_id = $1`, [userId]);
  }
}
