import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, ReplicaReads, type Tx } from '@kindred/database';
import type { StandingColumns } from '@kindred/groups';
import { fromJson, PagedPostJson, pageJoin, PostWithReactions, standingColumns, standingOf } from './posts.repository';
import { PinRole, Topic } from './topic.entity';

/** A new topic is not pinned unless it says so. */
export type NewTopic = Omit<Topic, 'id' | 'pinnedAt' | 'pinRole'> & Partial<Pick<Topic, 'pinnedAt' | 'pinRole'>>;

const TOPIC_COLUMNS = `t.id, t.group_id, t.author_id, t.title, t.content_warning, t.opening_post_id, t.status, t.reply_count, t.last_activity_at, t.created_at, t.pinned_at, t.pin_role`;

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
  pinned_at: Date | null;
  pin_role: PinRole | null;
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
    pinnedAt: row.pinned_at ? new Date(row.pinned_at) : null,
    pinRole: row.pin_role,
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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    // Topic lists and thread pages are the forum's heaviest reads: a replica serves them when one is fit.
    @Optional() private readonly reads?: ReplicaReads,
  ) {}

  private read<T>(sql: string, params: unknown[], forUser?: string): Promise<T[]> {
    if (this.reads) return this.reads.query<T>(sql, params, { forUser });
    return this.dataSource.query(sql, params) as Promise<T[]>;
  }

  /** Writes the topic; it comes back with its id. */
  async insert(tx: Tx, values: NewTopic): Promise<Topic> {
    const topic = manager(tx).create(Topic, values);
    await manager(tx).insert(Topic, topic);
    return topic;
  }

  async setOpeningPost(tx: Tx, topicId: string, postId: string): Promise<void> {
    await manager(tx).update(Topic, { id: topicId }, { openingPostId: postId });
  }

  /**
   * A group's published topics that are not pinned, plus the reader's own still being checked or
   * held (they stay in their author's list, with their status), most recently active first, before
   * the cursor's (last_activity_at, id); each with where the reader has read up to. Pinned topics
   * are listed apart (`pinned`), above these.
   */
  async page(groupId: string, readerId: string, limit: number, before: { at: string; id: string } | null): Promise<Array<Topic & { readAt: Date | null }>> {
    const params: unknown[] = [groupId, readerId, limit];
    if (before) params.push(before.at, before.id);
    // Two index reads (published topics by activity; the reader's own pending ones), merged: an OR would miss the partial index.
    const after = before ? 'AND (t.last_activity_at, t.id) < ($4, $5)' : '';
    const rows = (await this.read(
      `SELECT t.*, r.read_at FROM (
         (SELECT ${TOPIC_COLUMNS} FROM topics t WHERE t.group_id = $1 AND t.status = 'published' AND t.pinned_at IS NULL ${after}
           ORDER BY t.last_activity_at DESC, t.id DESC LIMIT $3)
         UNION ALL
         (SELECT ${TOPIC_COLUMNS} FROM topics t WHERE t.author_id = $2 AND t.group_id = $1 AND t.status IN ('screening', 'held') ${after})
       ) t
       LEFT JOIN topic_reads r ON r.topic_id = t.id AND r.user_id = $2
       ORDER BY t.last_activity_at DESC, t.id DESC
       LIMIT $3`,
      params,
    )) as Array<TopicRow & { read_at: Date | null }>;
    return rows.map((r) => Object.assign(toTopic(r), { readAt: r.read_at ? new Date(r.read_at) : null }));
  }

  /**
   * The group's pinned topics that others can see (published), with where the reader has read up
   * to: the welcome topic first, then the introductions thread, then the latest pinned.
   */
  async pinned(groupId: string, readerId: string): Promise<Array<Topic & { readAt: Date | null }>> {
    const rows = (await this.read(
      `SELECT ${TOPIC_COLUMNS}, r.read_at FROM topics t
         LEFT JOIN topic_reads r ON r.topic_id = t.id AND r.user_id = $2
        WHERE t.group_id = $1 AND t.pinned_at IS NOT NULL AND t.status = 'published'
        ORDER BY CASE t.pin_role WHEN 'welcome' THEN 0 WHEN 'introductions' THEN 1 ELSE 2 END, t.pinned_at DESC, t.id DESC
        LIMIT 50`,
      [groupId, readerId],
      readerId,
    )) as Array<TopicRow & { read_at: Date | null }>;
    return rows.map((r) => Object.assign(toTopic(r), { readAt: r.read_at ? new Date(r.read_at) : null }));
  }

  /**
   * The topic's pin, locked for a change; every change to a group's pins waits for the group's pin
   * lock first, so two supporters naming two welcome topics at once take turns. Null: no such topic.
   */
  async lockPin(tx: Tx, topicId: string, groupId: string): Promise<{ status: string; pinnedAt: Date | null; pinRole: PinRole | null } | null> {
    await manager(tx).query(`SELECT pg_advisory_xact_lock(hashtextextended('topic-pins:' || $1::text, 0))`, [groupId]);
    const [row] = (await manager(tx).query(`SELECT status, pinned_at, pin_role FROM topics WHERE id = $1 AND group_id = $2 FOR UPDATE`, [
      topicId,
      groupId,
    ])) as Array<{ status: string; pinned_at: Date | null; pin_role: PinRole | null }>;
    return row ? { status: row.status, pinnedAt: row.pinned_at ? new Date(row.pinned_at) : null, pinRole: row.pin_role } : null;
  }

  /** The topic that has `role` in the group now, other than `exceptTopicId`, loses it (it stays pinned); its id, if there was one. Under the group's pin lock. */
  async takeRole(tx: Tx, groupId: string, role: PinRole, exceptTopicId: string): Promise<string | null> {
    const [rows] = (await manager(tx).query(`UPDATE topics SET pin_role = NULL WHERE group_id = $1 AND pin_role = $2 AND id <> $3 RETURNING id`, [
      groupId,
      role,
      exceptTopicId,
    ])) as [Array<{ id: string }>, number];
    return rows[0]?.id ?? null;
  }

  /** Pins (keeping when it was first pinned) or unpins the topic. Under the group's pin lock. */
  async setPin(tx: Tx, topicId: string, pinned: boolean, role: PinRole | null): Promise<void> {
    await manager(tx).query(
      pinned
        ? `UPDATE topics SET pinned_at = coalesce(pinned_at, now()), pin_role = $2 WHERE id = $1`
        : `UPDATE topics SET pinned_at = NULL, pin_role = NULL WHERE id = $1`,
      pinned ? [topicId, role] : [topicId],
    );
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
    const sql = `SELECT ${TOPIC_COLUMNS}, ${standingColumns(writeRules)}${page ? ', page.posts' : ''}
         FROM topics t
         ${standingOf('t.group_id', '$2')}
         ${page ? pageJoin(page.cursor !== null) : ''}
        WHERE t.id = $1`;
    // A thread page is a heavy read and may come from a replica, except for someone who has just
    // written or whose standing has just changed (ReplicaReads.markFresh): they read the primary.
    // Reading the topic to write to it (writeRules) is always on the primary.
    const [row] =
      page && !writeRules
        ? await this.read<TopicRow & StandingColumns & { posts?: PagedPostJson[] | null }>(sql, params, userId)
        : ((await this.dataSource.query(sql, params)) as Array<TopicRow & StandingColumns & { posts?: PagedPostJson[] | null }>);
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
