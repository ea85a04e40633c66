import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { manager, type Tx } from '@kindred/database';
import type { StandingColumns } from '@kindred/groups';
import { subjectFromRow, type ScreeningSubject, type SubjectRow, type VerdictToApply } from '@kindred/moderation';
import { Post, PostStatus } from './post.entity';
import type { ReactionKind } from './post-reaction.entity';

/** Every column of a post, read with raw SQL (the page path skips TypeORM's query building and hydration). */
const POST_FIELDS = [
  'id',
  'topic_id',
  'group_id',
  'author_id',
  'reply_to_post_id',
  'body',
  'published_body',
  'status',
  'revision',
  'is_opening',
  'was_published',
  'signposting',
  'created_at',
  'edited_at',
  'screened_at',
] as const;
export const POST_COLUMNS = POST_FIELDS.join(', ');
const TIME_FIELDS = new Set<string>(['created_at', 'edited_at', 'screened_at']);

/** The standing columns `member_standing` (published by groups) returns; with the write rules when asked. */
export function standingColumns(writeRules = false): string {
  const base = `standing.standing_group_id, standing.standing_role, standing.standing_status, standing.standing_muted_until, standing.standing_current_version, standing.standing_accepted_version`;
  return writeRules ? `${base}, standing.standing_moderation, standing.standing_slow_mode_seconds` : base;
}

/** A person's (`userParam`) standing in the group of the row being read, joined to that read. */
export const standingOf = (groupColumn: string, userParam: string) => `LEFT JOIN LATERAL member_standing(${groupColumn}, ${userParam}) standing ON true`;

/** A time as milliseconds since the epoch (truncated, as node-postgres does), which JSON carries cheaply. */
function epochMs(column: string): string {
  return `floor(extract(epoch FROM ${column}) * 1000)::float8`;
}

/**
 * `LEFT JOIN LATERAL (…) reactions` for a post aliased `p`: its counts by kind and the kinds the
 * caller (`$2`) gave, in the same query as the post.
 */
const REACTIONS_JOIN = `LEFT JOIN LATERAL (
    SELECT json_object_agg(k.kind, k.n) AS reaction_counts, array_agg(k.kind) FILTER (WHERE k.mine) AS my_reactions
      FROM (SELECT kind, count(*)::int AS n, bool_or(user_id = $2) AS mine FROM post_reactions WHERE post_id = p.id GROUP BY kind) k) reactions ON true`;

/**
 * `LEFT JOIN LATERAL (…) page` for a topic aliased `t`: a page of its posts as one JSON array
 * (published and removed ones, plus the caller's (`$2`) own in any state, oldest first, `$3` at
 * most, after the cursor `($4, $5)` when `afterCursor`), each with its reactions. Removed posts
 * stay as placeholders, so replies keep their context.
 */
export function pageJoin(afterCursor: boolean): string {
  return `LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object(${POST_FIELDS.map((f) => (TIME_FIELDS.has(f) ? `'${f}', ${epochMs(`p.${f}`)}` : `'${f}', p.${f}`)).join(', ')},
                                        'reaction_counts', reactions.reaction_counts, 'my_reactions', reactions.my_reactions)
                      ORDER BY p.created_at ASC, p.id ASC) AS posts
        FROM (SELECT ${POST_COLUMNS} FROM posts
               WHERE topic_id = t.id AND (status IN ('published', 'removed') OR published_body IS NOT NULL OR (author_id = $2 AND status <> 'deleted'))
                     ${afterCursor ? 'AND (created_at, id) > ($4, $5)' : ''}
               ORDER BY created_at ASC, id ASC LIMIT $3) p
        ${REACTIONS_JOIN}) page ON true`;
}

interface PostRow {
  id: string;
  topic_id: string;
  group_id: string;
  author_id: string | null;
  reply_to_post_id: string | null;
  body: string;
  published_body: string | null;
  status: Post['status'];
  revision: number;
  is_opening: boolean;
  was_published: boolean;
  signposting: Array<Record<string, unknown>> | null;
  created_at: Date;
  edited_at: Date | null;
  screened_at: Date | null;
}

interface ReactionColumns {
  reaction_counts: Partial<Record<ReactionKind, number>> | null;
  my_reactions: ReactionKind[] | null;
}

/** A post as `pageJoin` returns it: JSON, so its times arrive as milliseconds since the epoch. */
export type PagedPostJson = Omit<PostRow, 'created_at' | 'edited_at' | 'screened_at'> &
  ReactionColumns &
  Record<'created_at' | 'edited_at' | 'screened_at', number | null>;

/** A post with its reactions, as the reads that join them return it. */
export type PostWithReactions = Post & { reactionCounts: Partial<Record<ReactionKind, number>>; mine: ReactionKind[] };

function toPost(row: PostRow): Post {
  return Object.assign(new Post(), {
    id: row.id,
    topicId: row.topic_id,
    groupId: row.group_id,
    authorId: row.author_id,
    replyToPostId: row.reply_to_post_id,
    body: row.body,
    publishedBody: row.published_body,
    status: row.status,
    revision: row.revision,
    isOpening: row.is_opening,
    wasPublished: row.was_published,
    signposting: row.signposting,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    screenedAt: row.screened_at,
  });
}

export function fromJson(row: PagedPostJson): PostWithReactions {
  return withReactions({
    ...row,
    created_at: new Date(row.created_at!),
    edited_at: row.edited_at === null ? null : new Date(row.edited_at),
    screened_at: row.screened_at === null ? null : new Date(row.screened_at),
  });
}

function withReactions(row: PostRow & ReactionColumns): PostWithReactions {
  return Object.assign(toPost(row), { reactionCounts: row.reaction_counts ?? {}, mine: row.my_reactions ?? [] });
}

/** One of a person's own posts, with what its topic is (for "my posts"). */
export interface AuthoredPost {
  id: string;
  topicId: string;
  groupId: string;
  body: string;
  status: PostStatus;
  opening: boolean;
  createdAt: Date;
  editedAt: Date | null;
  topic: { title: string; status: string; authorId: string | null };
}

export interface NewPost {
  id: string;
  topicId: string;
  groupId: string;
  authorId: string;
  /** Already normalised. */
  body: string;
  isOpening: boolean;
  replyToPostId: string | null;
  createdAt: Date;
}

/**
 * A post as screening reads it: an opening post carries its topic's title and content warning,
 * which are screened with it (`p` is the post, `t` its topic when it opens one).
 */
const SUBJECT_COLUMNS = `p.id, p.group_id, p.author_id, p.body, p.revision, p.status, t.title, t.content_warning`;
const OPENING_TOPIC_JOIN = `LEFT JOIN topics t ON p.is_opening AND t.id = p.topic_id`;
/** Where a post sits, read with it so that what follows a verdict needs no second read (`tp` is its topic). */
const PLACE_COLUMNS = `p.topic_id, p.is_opening, p.hidden_by_reports, tp.author_id AS topic_author_id`;
const TOPIC_JOIN = `JOIN topics tp ON tp.id = p.topic_id`;

/** Where a post sits: its topic, whether it opens it, who started the topic (null once erased), and whether reports keep it hidden. */
export interface PostPlace {
  topicId: string;
  opening: boolean;
  topicAuthorId: string | null;
  hiddenByReports: boolean;
}

/** A post as screening reads it, with its place. */
export type PostSubject = ScreeningSubject & { place: PostPlace };

type PostSubjectRow = SubjectRow & { topic_id: string; is_opening: boolean; hidden_by_reports: boolean; topic_author_id: string | null };

function postSubject(row: PostSubjectRow): PostSubject {
  return {
    ...subjectFromRow('post', row),
    place: { topicId: row.topic_id, opening: row.is_opening, topicAuthorId: row.topic_author_id, hiddenByReports: row.hidden_by_reports },
  };
}

/**
 * `posts` and `post_reactions`. A topic's `reply_count`, `status` and `last_activity_at` follow its
 * posts by one rule, which PostgreSQL applies after every statement that changes posts (the
 * `topics_follow_posts` trigger, migration 1763700053000): the statements here change posts only,
 * and keep `was_published` true exactly while a post is in sight.
 */
@Injectable()
export class PostsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new post, waiting for screening, as one `INSERT … RETURNING id` (the outbox writes it with its job). */
  insertStatement(input: NewPost): { sql: string; params: unknown[] } {
    return {
      sql: `INSERT INTO posts (id, topic_id, group_id, author_id, body, status, revision, is_opening, was_published, reply_to_post_id, created_at)
          VALUES ($1, $2, $3, $4, $5, 'screening', 1, $6, false, $7, $8) RETURNING id`,
      params: [input.id, input.topicId, input.groupId, input.authorId, input.body, input.isOpening, input.replyToPostId, input.createdAt],
    };
  }

  async insert(tx: Tx, input: NewPost): Promise<void> {
    const { sql, params } = this.insertStatement(input);
    await manager(tx).query(sql, params);
  }

  findInTopic(id: string, topicId: string): Promise<Post | null> {
    return this.dataSource.getRepository(Post).findOne({ where: { id, topicId } });
  }

  findMany(ids: string[]): Promise<Post[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(Post).createQueryBuilder('p').where('p.id IN (:...ids)', { ids }).getMany();
  }

  /** Where each post sits: its topic, and whether it opens it. */
  async places(ids: string[]): Promise<Array<{ id: string; topicId: string; opening: boolean }>> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(`SELECT id, topic_id, is_opening FROM posts WHERE id = ANY($1::uuid[])`, [ids])) as Array<{
      id: string;
      topic_id: string;
      is_opening: boolean;
    }>;
    return rows.map((r) => ({ id: r.id, topicId: r.topic_id, opening: r.is_opening }));
  }

  /** Locks the post until the transaction ends; it must exist. */
  lock(tx: Tx, id: string): Promise<Post> {
    return manager(tx).getRepository(Post).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id }).getOneOrFail();
  }

  /** The post with the caller's standing in its group (and, when asked, its reactions), in one query; null when there is no such post. */
  async withStanding(
    id: string,
    userId: string,
    options: { reactions?: boolean } = {},
  ): Promise<{ post: PostWithReactions; standing: StandingColumns } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT p.*, ${standingColumns()}${options.reactions ? ', reactions.*' : ''}
         FROM (SELECT ${POST_COLUMNS} FROM posts WHERE id = $1) p
         ${standingOf('p.group_id', '$2')}
         ${options.reactions ? REACTIONS_JOIN : ''}`,
      [id, userId],
    )) as Array<PostRow & StandingColumns & ReactionColumns>;
    return row ? { post: withReactions(row), standing: row } : null;
  }

  /**
   * A person's own posts in every group, newest first, before the cursor's (created_at, id), each
   * with its topic's title, status and author (the caller decides what of the topic to show).
   */
  async byAuthor(authorId: string, limit: number, before: { at: string; id: string } | null): Promise<AuthoredPost[]> {
    const params: unknown[] = [authorId, limit];
    if (before) params.push(before.at, before.id);
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.topic_id, p.group_id, p.body, p.status, p.is_opening, p.created_at, p.edited_at,
              t.title AS topic_title, t.status AS topic_status, t.author_id AS topic_author_id
         FROM posts p JOIN topics t ON t.id = p.topic_id
        WHERE p.author_id = $1 ${before ? 'AND (p.created_at, p.id) < ($3, $4)' : ''}
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $2`,
      params,
    )) as Array<{
      id: string;
      topic_id: string;
      group_id: string;
      body: string;
      status: PostStatus;
      is_opening: boolean;
      created_at: Date;
      edited_at: Date | null;
      topic_title: string;
      topic_status: string;
      topic_author_id: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      topicId: r.topic_id,
      groupId: r.group_id,
      body: r.body,
      status: r.status,
      opening: r.is_opening,
      createdAt: new Date(r.created_at),
      editedAt: r.edited_at ? new Date(r.edited_at) : null,
      topic: { title: r.topic_title, status: r.topic_status, authorId: r.topic_author_id },
    }));
  }

  /** When the author last wrote in the group (slow mode). */
  async lastWrittenAt(authorId: string, groupId: string): Promise<Date | null> {
    const [last] = (await this.dataSource.query(`SELECT max(created_at) AS at FROM posts WHERE author_id = $1 AND group_id = $2`, [
      authorId,
      groupId,
    ])) as Array<{
      at: Date | null;
    }>;
    return last?.at ? new Date(last.at) : null;
  }

  async react(postId: string, userId: string, kind: ReactionKind): Promise<void> {
    await this.dataSource.query(`INSERT INTO post_reactions (post_id, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [postId, userId, kind]);
  }

  /** How many people have reacted to the post (any kind). */
  async reactorCount(postId: string): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT count(DISTINCT user_id)::int AS n FROM post_reactions WHERE post_id = $1`, [postId])) as Array<{
      n: number;
    }>;
    return row!.n;
  }

  async unreact(postId: string, userId: string, kind: ReactionKind): Promise<void> {
    await this.dataSource.query(`DELETE FROM post_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3`, [postId, userId, kind]);
  }

  /**
   * Moves a post to `status`; its topic follows (see the class comment). A post is in sight when
   * published, or while an edit of it waits for screening or review and others still see its
   * published words (`publishedBody`); those words are kept only in those two states.
   */
  async moveTo(tx: Tx, post: Pick<Post, 'id'> & Partial<Pick<Post, 'publishedBody'>>, status: PostStatus, extra: Partial<Post> = {}): Promise<void> {
    const pending = status === 'screening' || status === 'held';
    const publishedBody = pending ? (extra.publishedBody !== undefined ? extra.publishedBody : (post.publishedBody ?? null)) : null;
    const visible = status === 'published' || publishedBody !== null;
    await manager(tx).update(Post, { id: post.id }, { status, ...extra, wasPublished: visible, publishedBody } as QueryDeepPartialEntity<Post>);
  }

  /** Ends a hiding by reports without changing what is in sight (a revision still in screening). */
  async clearHiddenByReports(tx: Tx, id: string): Promise<void> {
    await manager(tx).update(Post, { id }, { hiddenByReports: false });
  }

  /** Reads the post under FOR UPDATE OF p in the verdict's transaction. */
  async lockForVerdict(tx: Tx, id: string): Promise<PostSubject | null> {
    const [post] = (await manager(tx).query(
      `SELECT ${SUBJECT_COLUMNS}, ${PLACE_COLUMNS} FROM posts p ${OPENING_TOPIC_JOIN} ${TOPIC_JOIN} WHERE p.id = $1 FOR UPDATE OF p`,
      [id],
    )) as PostSubjectRow[];
    return post ? postSubject(post) : null;
  }

  /** Several posts as screening sees them, in one statement and without locks. */
  async peek(ids: string[]): Promise<PostSubject[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${SUBJECT_COLUMNS}, ${PLACE_COLUMNS} FROM posts p ${OPENING_TOPIC_JOIN} ${TOPIC_JOIN} WHERE p.id = ANY($1::uuid[])`,
      [ids],
    )) as PostSubjectRow[];
    return rows.map(postSubject);
  }

  /**
   * Publishes every post still in `screening` at the given revision, in one statement (each topic
   * then moves once, whatever the batch holds). A post hidden by reports goes back to `hidden`
   * instead, until a moderator decides. Returns the posts changed, with their places.
   */
  async publish(tx: Tx, items: Array<{ id: string; revision: number; body: string }>): Promise<PostSubject[]> {
    if (items.length === 0) return [];
    const { sql, params } = this.publishStatement(items);
    // A data-modifying WITH and a SELECT, not a bare UPDATE … RETURNING: for an UPDATE, TypeORM's query() answers [rows, count].
    return ((await manager(tx).query(`WITH done AS (${sql}) SELECT * FROM done`, params)) as PostSubjectRow[]).map(postSubject);
  }

  /**
   * `publish` as a bare `UPDATE … RETURNING`, for a statement that also writes what the batch owes
   * others (NotificationsService.notifyWith): each row also returns `notify_key`, the post's id
   * when it is now published (in sight), null when reports keep it hidden. `publishedSubjects`
   * maps what it returns.
   */
  publishStatement(items: Array<{ id: string; revision: number; body: string }>): { sql: string; params: unknown[] } {
    return {
      sql: `UPDATE posts p SET status = CASE WHEN p.hidden_by_reports THEN 'hidden' ELSE 'published' END, was_published = NOT p.hidden_by_reports,
                               published_body = NULL, body = w.body, signposting = NULL, screened_at = now()
              FROM unnest($1::uuid[], $2::int[], $3::text[]) AS w(id, revision, body)
             WHERE p.id = w.id AND p.status = 'screening' AND p.revision = w.revision
            RETURNING p.id, p.group_id, p.author_id, p.body, p.revision, p.status, p.topic_id, p.is_opening, p.hidden_by_reports,
                      (SELECT tp.author_id FROM topics tp WHERE tp.id = p.topic_id) AS topic_author_id,
                      CASE WHEN p.status = 'published' THEN p.id::text END AS notify_key`,
      params: [items.map((i) => i.id), items.map((i) => i.revision), items.map((i) => i.body)],
    };
  }

  /** The posts a `publishStatement` returned (as rows, or as JSON objects of them), with their places. */
  publishedSubjects(rows: Array<Record<string, unknown>>): PostSubject[] {
    return (rows as unknown as PostSubjectRow[]).map(postSubject);
  }

  /**
   * The verdict in one statement (the row is already locked), reading the post's state before the
   * change in the same snapshot. A post hidden by reports stays hidden when its new words are
   * screened clean; a held edit of a published post leaves the published words in sight. A masked
   * title or content warning of an opening post is stored masked, in place, in the same statement.
   */
  async applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    await manager(tx).query(
      `WITH before AS (SELECT hidden_by_reports, published_body FROM posts WHERE id = $1),
            next AS (
              SELECT CASE WHEN $2 = 'published' AND b.hidden_by_reports THEN 'hidden' ELSE $2 END AS status,
                     CASE WHEN $2 = 'held' THEN b.published_body END AS kept
                FROM before b),
            moved AS (
              UPDATE posts p SET status = n.status, was_published = (n.status = 'published' OR n.kept IS NOT NULL), published_body = n.kept,
                                 body = $3, signposting = $4, screened_at = $5
                FROM next n WHERE p.id = $1 RETURNING p.topic_id, p.is_opening)
       UPDATE topics t SET title = coalesce($6::text, t.title), content_warning = coalesce($7::text, t.content_warning)
         FROM moved m
        WHERE t.id = m.topic_id AND m.is_opening AND ($6::text IS NOT NULL OR $7::text IS NOT NULL)`,
      [
        subject.id,
        verdict.status,
        verdict.body,
        verdict.signposting === null ? null : JSON.stringify(verdict.signposting),
        new Date(),
        verdict.fields?.title ?? null,
        verdict.fields?.contentWarning ?? null,
      ],
    );
  }

  /** The author's published posts in the group, counted up to `atMost` only. */
  async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM posts WHERE author_id = $1 AND group_id = $2 AND status = 'published' LIMIT $3) t`,
      [authorId, groupId, atMost],
    )) as Array<{ count: number }>;
    return count;
  }

  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.dataSource.query(
      `SELECT id, revision FROM posts WHERE status = 'screening' AND coalesce(edited_at, created_at) < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  /** The person's posts and reactions for their data export, oldest first. */
  async exportFor(userId: string): Promise<{ posts: unknown[]; reactions: unknown[] }> {
    const [posts, reactions] = await Promise.all([
      this.dataSource.query(
        `SELECT id, topic_id AS "topicId", group_id AS "groupId", body, published_body AS "publishedBody", status, revision, reply_to_post_id AS "replyToPostId", created_at AS "createdAt", edited_at AS "editedAt"
         FROM posts WHERE author_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.dataSource.query(`SELECT post_id AS "postId", kind, created_at AS "createdAt" FROM post_reactions WHERE user_id = $1 ORDER BY created_at`, [userId]),
    ]);
    return { posts, reactions };
  }

  /** The words of these posts, locked until the erasure's transaction ends. */
  lockBodies(tx: Tx, ids: string[]): Promise<Array<{ id: string; body: string }>> {
    return manager(tx).query(`SELECT id, body FROM posts WHERE id = ANY($1::uuid[]) FOR UPDATE`, [ids]);
  }

  /**
   * Erasure: the person's posts become "removed" placeholders without words or author (replies
   * that counted towards a topic no longer do; the trigger takes them off), and their reactions go.
   */
  async eraseAuthor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE posts SET body = '', published_body = NULL, status = 'removed', was_published = false, signposting = NULL, author_id = NULL WHERE author_id = $1`,
      [userId],
    );
    await manager(tx).query(`DELETE FROM post_reactions WHERE user_id = $1`, [userId]);
  }
}
