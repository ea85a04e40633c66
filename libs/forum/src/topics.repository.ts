import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import type { StandingColumns } from '@kindred/groups';
import { fromJson, PagedPostJson, pageJoin, PostWithReactions, standingColumns, standingOf } from './posts.repository';
import { Topic } from './topic.entity';

export type NewTopic = Omit<Topic, 'id'>;

const TOPIC_COLUMNS = `t.id, t.group_id, t.author_id, t.title, t.content_warning, t.opening_post_id, t.status, t.reply_count, t.last_activity_at, t.created_at`;

interface TopicRow {
  id: string;
  group_id: string;
  author_id: string | null;
  title: string;
  content_warning: string | null;
  opening_post_id: string | null;
  status: string;
  reply_count: number;
  last_activity_at: Date;
  created_at: Date;
}

function toTopic(row: TopicRow): Topic {
  return Object.assign(new Topic(), {
    id: row.id,
    groupId: row.group_id,
    authorId: row.author_id,
    title: row.title,
    contentWarning: row.content_warning,
    openingPostId: row.opening_post_id,
    status: row.status,
    replyCount: row.reply_count,
    lastActivityAt: row.last_activity_at,
    createdAt: row.created_at,
  });
}

/** A topic with the reader's standing in its group, and a page of its posts when asked. */
export interface TopicRead {
  topic: Topic;
  standing: StandingColumns;
  posts?: PostWithReactions[];
}

export const ERASED_TOPIC_TITLE = 'A topic by a former member';

/** `topics`: written with their opening post, listed by activity, read with the reader's standing. Counters move with posts (PostsRepository). */
@Injectable()
export class TopicsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the topic; it comes back with its id. */
  async insert(tx: Tx, values: NewTopic): Promise<Topic> {
    const topic = manager(tx).create(Topic, values);
    await manager(tx).insert(Topic, topic);
    return topic;
  }

  async setOpeningPost(tx: Tx, topicId: string, postId: string): Promise<void> {
    await manager(tx).update(Topic, { id: topicId }, { openingPostId: postId });
  }

  /** A group's published topics, most recently active first, before the cursor's (last_activity_at, id). */
  page(groupId: string, limit: number, before: { at: string; id: string } | null): Promise<Topic[]> {
    const qb = this.dataSource
      .getRepository(Topic)
      .createQueryBuilder('t')
      .where('t.group_id = :groupId AND t.status = :published', { groupId, published: 'published' })
      .orderBy('t.last_activity_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(limit);
    if (before) qb.andWhere('(t.last_activity_at, t.id) < (:at, :id)', { at: before.at, id: before.id });
    return qb.getMany();
  }

  findMany(ids: string[]): Promise<Topic[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(Topic).createQueryBuilder('t').where('t.id IN (:...ids)', { ids }).getMany();
  }

  /**
   * The topic with the reader's standing in its group (with the group's write rules when asked),
   * and when asked a page of its posts (`limit`, after `cursor`), in one statement; null when
   * there is no such topic.
   */
  async withStanding(
    topicId: string,
    userId: string,
    options: { page?: { limit: number; cursor: { at: string; id: string } | null }; writeRules?: boolean } = {},
  ): Promise<TopicRead | null> {
    const { page, writeRules } = options;
    const params: unknown[] = [topicId, userId];
    if (page) params.push(page.limit);
    if (page?.cursor) params.push(page.cursor.at, page.cursor.id);
    const [row] = (await this.dataSource.query(
      `SELECT ${TOPIC_COLUMNS}, ${standingColumns(writeRules)}${page ? ', page.posts' : ''}
         FROM topics t
         ${standingOf('t.group_id', '$2')}
         ${page ? pageJoin(page.cursor !== null) : ''}
        WHERE t.id = $1`,
      params,
    )) as Array<TopicRow & StandingColumns & { posts?: PagedPostJson[] | null }>;
    if (!row) return null;
    return { topic: toTopic(row), standing: row, ...(page ? { posts: (row.posts ?? []).map(fromJson) } : {}) };
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, group_id AS "groupId", title, content_warning AS "contentWarning", created_at AS "createdAt" FROM topics WHERE author_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  /** Erasure: the person's topics stay for the threads under them, without title, warning or author. */
  async eraseAuthor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`UPDATE topics SET title = $2, content_warning = NULL, author_id = NULL WHERE author_id = $1`, [userId, ERASED_TOPIC_TITLE]);
  }
}
