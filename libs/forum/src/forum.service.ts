import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  assertNotMuted,
  bannedError,
  GroupsService,
  isCovered,
  nextCoverageChange,
  Participant,
  ParticipationService,
  StandingColumns,
  standingJoin,
  WriteRules,
  writeRulesFrom,
} from '@kindred/groups';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { AuthUser, IdentityService } from '@kindred/identity';
import { ReportsService, ReviewItemsService, screeningJobId } from '@kindred/moderation';
import { OutboxService } from '@kindred/queues';
import { Post } from './post.entity';
import { REACTION_KINDS, ReactionKind } from './post-reaction.entity';
import { moveTo } from './post-screening.source';
import { Topic } from './topic.entity';

export interface Author {
  id: string | null;
  displayName: string;
}

export interface TopicListItem {
  id: string;
  title: string;
  author: Author;
  contentWarning: string | null;
  replyCount: number;
  lastActivityAt: Date;
  createdAt: Date;
}

export interface PostView {
  id: string;
  topicId: string;
  groupId: string;
  author: Author;
  body: string;
  status: string;
  replyToPostId: string | null;
  reactions: Record<ReactionKind, number>;
  myReactions: ReactionKind[];
  createdAt: Date;
  editedAt: Date | null;
  /** An edit is waiting for screening or review: others see the published words meanwhile. */
  editPending: boolean;
  reviewDueAt?: Date | null;
  signposting?: Array<Record<string, unknown>>;
}

export interface Accepted {
  id: string;
  topicId: string;
  status: 'screening';
}

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
const POST_COLUMNS = POST_FIELDS.join(', ');
const TIME_FIELDS = new Set<string>(['created_at', 'edited_at', 'screened_at']);
const TOPIC_COLUMNS = `t.id, t.group_id, t.author_id, t.title, t.content_warning, t.opening_post_id, t.status, t.reply_count, t.last_activity_at, t.created_at`;

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
 * stay as placeholders (no words, no name, see `views`), so replies keep their context.
 */
function pageJoin(afterCursor: boolean): string {
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

interface PageRequest {
  limit: number;
  cursor: { at: string; id: string } | null;
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

/** A post with its reactions as the page query returns them. */
type PostWithReactions = Post & { reactionCounts: Partial<Record<ReactionKind, number>>; mine: ReactionKind[] };

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

/** A post as `pageJoin` returns it: JSON, so its times arrive as milliseconds since the epoch. */
function fromJson(
  row: Omit<PostRow, 'created_at' | 'edited_at' | 'screened_at'> & ReactionColumns & Record<'created_at' | 'edited_at' | 'screened_at', number | null>,
) {
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

const FORMER_MEMBER = 'Former member';
/** A post removed by a moderator shows neither its words nor who wrote them. */
const REMOVED_AUTHOR = 'Removed';

@Injectable()
export class ForumService {
  private readonly logger = new Logger(ForumService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly identity: IdentityService,
    private readonly outbox: OutboxService,
    private readonly reviewItems: ReviewItemsService,
    private readonly reports: ReportsService,
  ) {}

  async createTopic(user: AuthUser, groupId: string, input: { title: string; body: string; contentWarning?: string }): Promise<Accepted> {
    await this.assertCanWrite(user, groupId);
    const now = new Date();
    const { accepted, outboxId } = await this.dataSource.transaction(async (manager) => {
      const topic = manager.create(Topic, {
        groupId,
        authorId: user.id,
        title: input.title.trim(),
        contentWarning: input.contentWarning?.trim() || null,
        openingPostId: null,
        status: 'screening',
        replyCount: 0,
        lastActivityAt: now,
        createdAt: now,
      });
      await manager.insert(Topic, topic);
      const post = await this.insertPost(manager, {
        topicId: topic.id,
        groupId,
        authorId: user.id,
        body: input.body,
        isOpening: true,
        replyToPostId: null,
        createdAt: now,
      });
      await manager.update(Topic, { id: topic.id }, { openingPostId: post.id });
      const outboxId = await this.stageScreening(manager, post.id, 1);
      return { accepted: { id: post.id, topicId: topic.id, status: 'screening' as const }, outboxId };
    });
    this.dispatch(outboxId);
    return accepted;
  }

  async reply(user: AuthUser, topicId: string, input: { body: string; replyToPostId?: string }): Promise<Accepted> {
    const { topic, participant, rules } = await this.visibleTopic(user, topicId, { writeRules: true });
    await this.assertCanWrite(user, topic.groupId, { participant, rules });
    if (topic.status !== 'published') throw DomainError.conflict('This topic is not open for replies.');
    if (input.replyToPostId) {
      const parent = await this.dataSource.getRepository(Post).findOne({ where: { id: input.replyToPostId, topicId } });
      if (!parent || (!inSight(parent) && parent.authorId !== user.id)) {
        throw DomainError.validation([{ field: 'replyToPostId', message: 'replyToPostId must be a post in this topic' }]);
      }
    }
    // The reply and its screening job in one statement (no transaction needed around it).
    const id = randomUUID();
    const job = { subject: 'post' as const, id, revision: 1 };
    const outboxId = await this.outbox.stageWith(
      null,
      postInsert({
        id,
        topicId,
        groupId: topic.groupId,
        authorId: user.id,
        body: input.body,
        isOpening: false,
        replyToPostId: input.replyToPostId ?? null,
        createdAt: new Date(),
      }),
      'screening',
      'screen',
      job,
      screeningJobId(job),
    );
    if (!outboxId) throw new Error(`reply ${id} was not stored`);
    this.dispatch(outboxId);
    return { id, topicId, status: 'screening' };
  }

  async listTopics(user: AuthUser, groupId: string, query: PageQuery): Promise<Page<TopicListItem>> {
    await this.participation.assertParticipant(user, groupId);
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, { at: 'time', id: 'uuid' });
    const qb = this.dataSource
      .getRepository(Topic)
      .createQueryBuilder('t')
      .where('t.group_id = :groupId AND t.status = :published', { groupId, published: 'published' })
      .orderBy('t.last_activity_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(limit + 1);
    if (cursor) qb.andWhere('(t.last_activity_at, t.id) < (:at, :id)', { at: cursor.at, id: cursor.id });
    const rows = await qb.getMany();
    const names = await this.names(rows.map((t) => t.authorId));
    return toPage(
      rows,
      limit,
      (t) => ({ at: t.lastActivityAt.toISOString(), id: t.id }),
      (t) => ({
        id: t.id,
        title: t.title,
        author: this.author(t.authorId, names),
        contentWarning: t.contentWarning,
        replyCount: t.replyCount,
        lastActivityAt: t.lastActivityAt,
        createdAt: t.createdAt,
      }),
    );
  }

  async getTopic(user: AuthUser, topicId: string) {
    const { topic } = await this.visibleTopic(user, topicId);
    const names = await this.names([topic.authorId]);
    return {
      id: topic.id,
      groupId: topic.groupId,
      title: topic.title,
      author: this.author(topic.authorId, names),
      contentWarning: topic.contentWarning,
      status: topic.status,
      replyCount: topic.replyCount,
      lastActivityAt: topic.lastActivityAt,
      createdAt: topic.createdAt,
    };
  }

  /** Published posts, plus the caller's own in any state, oldest first. */
  async listPosts(user: AuthUser, topicId: string, query: PageQuery): Promise<Page<PostView>> {
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, { at: 'time', id: 'uuid' });
    const { posts } = await this.visibleTopic(user, topicId, { page: { limit: limit + 1, cursor } });
    const views = await this.views(user, posts.slice(0, limit));
    const byId = new Map(views.map((v) => [v.id, v]));
    return toPage(
      posts,
      limit,
      (p) => ({ at: p.createdAt.toISOString(), id: p.id }),
      (p) => byId.get(p.id)!,
    );
  }

  async getPost(user: AuthUser, postId: string): Promise<PostView> {
    const post = await this.visiblePost(user, postId, { reactions: true });
    const [view] = await this.views(user, [post]);
    return view!;
  }

  async editPost(user: AuthUser, postId: string, body: string): Promise<Accepted> {
    const post = await this.visiblePost(user, postId);
    if (post.authorId !== user.id) throw DomainError.forbidden('Only the author can edit a post.');
    assertEditable(post);
    await this.assertCanWrite(user, post.groupId);
    const { outboxId, changes } = await this.dataSource.transaction(async (manager) => {
      // The post row first, then its review items: the lock order decisions follow too.
      const locked = await manager.getRepository(Post).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id: postId }).getOneOrFail();
      // Checked again under the lock: a moderator may have removed it a moment ago.
      assertEditable(locked);
      const revision = locked.revision + 1;
      // The new text is screened before anyone sees it; until then others keep seeing the published
      // words, if there are any (a post hidden by reports stays hidden).
      const publishedBody = locked.status === 'published' ? locked.body : locked.publishedBody;
      await moveTo(manager, locked, 'screening', { body: normaliseBody(body), revision, editedAt: new Date(), signposting: null, publishedBody });
      const changes = await this.reviewItems.subjectEdited(manager, 'post', postId, revision, locked.body);
      return { outboxId: await this.stageScreening(manager, postId, revision), changes };
    });
    this.dispatch(outboxId);
    await this.reviewItems.announceChanges(changes);
    return { id: postId, topicId: post.topicId, status: 'screening' };
  }

  async deletePost(user: AuthUser, postId: string): Promise<void> {
    const post = await this.visiblePost(user, postId);
    if (post.authorId !== user.id) throw DomainError.forbidden('Only the author can delete a post.');
    if (post.status === 'deleted') return;
    const changes = await this.dataSource.transaction(async (manager) => {
      const locked = await manager.getRepository(Post).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id: postId }).getOneOrFail();
      if (locked.status === 'deleted') return null;
      // Deleting removes the words themselves, not just their visibility; an urgent item about them keeps a copy until a supporter decides.
      await moveTo(manager, locked, 'deleted', { body: '', signposting: null });
      return this.reviewItems.subjectDeleted(manager, 'post', postId, locked.body);
    });
    if (changes) await this.reviewItems.announceChanges(changes);
  }

  async setReaction(user: AuthUser, postId: string, kind: string, on: boolean): Promise<void> {
    if (!(REACTION_KINDS as readonly string[]).includes(kind)) {
      throw DomainError.validation([{ field: 'kind', message: `kind must be one of ${REACTION_KINDS.join(', ')}` }]);
    }
    // visiblePost has checked membership, the agreement, and (acting) a mute or ban: a reaction reaches the author and the thread.
    const post = await this.visiblePost(user, postId, { acting: true });
    if (!inSight(post)) throw DomainError.conflict('You can only react to published posts.');
    if (on) {
      await this.dataSource.query(`INSERT INTO post_reactions (post_id, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [postId, user.id, kind]);
    } else {
      await this.dataSource.query(`DELETE FROM post_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3`, [postId, user.id, kind]);
    }
  }

  async reportPost(user: AuthUser, postId: string, clauseKey: string, note?: string): Promise<{ id: string }> {
    // A report reaches the group's supporters and can hide the post, so a mute or ban refuses it.
    const post = await this.visiblePost(user, postId, { acting: true });
    return this.reports.report(
      user,
      { type: 'post', id: post.id, groupId: post.groupId, authorId: post.authorId, revision: post.revision, status: post.status },
      clauseKey,
      note,
    );
  }

  /** Membership, agreement, mute, read-only fallback and slow mode: every write passes here first. */
  private async assertCanWrite(user: AuthUser, groupId: string, known?: { participant: Participant; rules: WriteRules | null }): Promise<Participant> {
    const participant = known?.participant ?? (await this.participation.assertParticipant(user, groupId));
    if (participant.mutedUntil && participant.mutedUntil.getTime() > Date.now()) {
      throw new DomainError('MUTED', `You are muted in this group until ${participant.mutedUntil.toISOString()}. You can still read.`, {
        until: participant.mutedUntil.toISOString(),
      });
    }
    if (participant.role !== 'member') return participant;
    const settings = known ? known.rules : await this.groups.getSettings(groupId);
    if (!settings) throw DomainError.notFound('That group');
    const { moderation } = settings;
    const now = new Date();
    if (moderation.outOfCoverage === 'readonly' && !isCovered(moderation.coverage, moderation.timezone, now)) {
      const resumes = nextCoverageChange(moderation.coverage, moderation.timezone, now);
      throw DomainError.forbidden(
        `No supporter is on cover right now, so the group is read-only${resumes ? ` until ${resumes.toISOString()}` : ''}. If you need help now, see the group's crisis resources.`,
      );
    }
    if (settings.slowModeSeconds > 0) {
      const [last] = (await this.dataSource.query(`SELECT max(created_at) AS at FROM posts WHERE author_id = $1 AND group_id = $2`, [
        user.id,
        groupId,
      ])) as Array<{
        at: Date | null;
      }>;
      const waitMs = last?.at ? new Date(last.at).getTime() + settings.slowModeSeconds * 1000 - now.getTime() : 0;
      if (waitMs > 0) throw DomainError.rateLimited(waitMs / 1000, `This group has slow mode on: you can post again in ${Math.ceil(waitMs / 1000)} seconds.`);
    }
    return participant;
  }

  /**
   * A topic the caller may see, read with the caller's standing in its group in one query (and,
   * when asked, a page of its posts): outsiders get 404; members who have not accepted get the
   * agreement gate. The page is read in the same statement but only returned once those passed.
   */
  private async visibleTopic(user: AuthUser, topicId: string): Promise<{ topic: Topic; participant: Participant }>;
  private async visibleTopic(
    user: AuthUser,
    topicId: string,
    options: { writeRules: true },
  ): Promise<{ topic: Topic; participant: Participant; rules: WriteRules | null }>;
  private async visibleTopic(
    user: AuthUser,
    topicId: string,
    options: { page: PageRequest },
  ): Promise<{ topic: Topic; participant: Participant; posts: PostWithReactions[] }>;
  private async visibleTopic(
    user: AuthUser,
    topicId: string,
    options: { page?: PageRequest; writeRules?: boolean } = {},
  ): Promise<{ topic: Topic; participant: Participant; posts?: PostWithReactions[]; rules?: WriteRules | null }> {
    const { page, writeRules } = options;
    const params: unknown[] = [topicId, user.id];
    if (page) params.push(page.limit);
    if (page?.cursor) params.push(page.cursor.at, page.cursor.id);
    const [row] = (await this.dataSource.query(
      `SELECT ${TOPIC_COLUMNS}, standing.*${page ? ', page.posts' : ''}
         FROM topics t
         ${standingJoin('t.group_id', '$2', { writeRules })}
         ${page ? pageJoin(page.cursor !== null) : ''}
        WHERE t.id = $1`,
      params,
    )) as Array<TopicRow & StandingColumns & { posts?: Array<Parameters<typeof fromJson>[0]> | null }>;
    if (!row) throw DomainError.notFound('That topic');
    const participant = this.participantOrNotFound(user, row, 'That topic');
    if (row.status !== 'published' && row.author_id !== user.id) throw DomainError.notFound('That topic');
    return {
      topic: toTopic(row),
      participant,
      posts: page ? (row.posts ?? []).map(fromJson) : undefined,
      rules: writeRules ? writeRulesFrom(row) : undefined,
    };
  }

  /** A post the caller may see, with its group standing (and, when asked, its reactions) in the same query. */
  private async visiblePost(user: AuthUser, postId: string): Promise<Post>;
  private async visiblePost(user: AuthUser, postId: string, options: { reactions: true }): Promise<PostWithReactions>;
  /** `acting`: for an action that reaches others; a banned or muted member is told so (403 BANNED, MUTED), not 404, as they know the group. */
  private async visiblePost(user: AuthUser, postId: string, options: { acting: true }): Promise<Post>;
  private async visiblePost(user: AuthUser, postId: string, options?: { reactions?: true; acting?: true }): Promise<Post | PostWithReactions> {
    const [row] = (await this.dataSource.query(
      `SELECT p.*, standing.*${options?.reactions ? ', reactions.*' : ''}
         FROM (SELECT ${POST_COLUMNS} FROM posts WHERE id = $1) p
         ${standingJoin('p.group_id', '$2')}
         ${options?.reactions ? REACTIONS_JOIN : ''}`,
      [postId, user.id],
    )) as Array<PostRow & StandingColumns & ReactionColumns>;
    if (!row) throw DomainError.notFound('That post');
    if (options?.acting) {
      if (row.standing_status === 'banned' && !user.isAdmin) throw bannedError();
      assertNotMuted(this.participantOrNotFound(user, row, 'That post'));
    } else {
      this.participantOrNotFound(user, row, 'That post');
    }
    const own = row.author_id === user.id && row.status !== 'deleted';
    if (row.status !== 'published' && row.published_body === null && !own) throw DomainError.notFound('That post');
    return options?.reactions ? withReactions(row) : toPost(row);
  }

  /**
   * One check for content in a group: someone who may not see the group's content at all (not a
   * member, banned) is told the thing does not exist; a member who has not accepted the current
   * agreement is told to accept it.
   */
  private participantOrNotFound(user: AuthUser, row: StandingColumns & { group_id: string }, what: string): Participant {
    try {
      return this.participation.participantFrom(user, row.group_id, row);
    } catch (error) {
      if (error instanceof DomainError && ['NOT_A_MEMBER', 'BANNED', 'NOT_FOUND'].includes(error.code)) throw DomainError.notFound(what);
      throw error;
    }
  }

  private async insertPost(manager: EntityManager, input: Omit<NewPost, 'id'>): Promise<{ id: string }> {
    const { sql, params } = postInsert({ ...input, id: randomUUID() });
    const [row] = (await manager.query(sql, params)) as Array<{ id: string }>;
    return row!;
  }

  private stageScreening(manager: EntityManager, postId: string, revision: number): Promise<string> {
    const job = { subject: 'post' as const, id: postId, revision };
    return this.outbox.stage(manager, 'screening', 'screen', job, screeningJobId(job));
  }

  /** After commit; if Redis is down the outbox relay sends it later. */
  private dispatch(outboxId: string): void {
    this.outbox.dispatch([outboxId]).catch((error: Error) => this.logger.warn({ err: error }, 'screening job will be relayed later'));
  }

  /** Posts as the caller sees them; `reactionCounts`/`mine` come from the query that read the posts. */
  private async views(user: AuthUser, posts: PostWithReactions[]): Promise<PostView[]> {
    if (posts.length === 0) return [];
    // Only the caller's own held posts carry a review deadline.
    const held = posts.filter((p) => p.authorId === user.id && p.status === 'held');
    const [names, dueDates] = await Promise.all([
      this.names(posts.map((p) => p.authorId)),
      Promise.all(held.map(async (p) => [p.id, await this.reviewItems.openDueAt('post', p.id)] as const)),
    ]);
    const due = new Map(dueDates);
    return posts.map((p) => {
      const reactions = reactionCounts(p.reactionCounts);
      const myReactions = p.mine.length === 0 ? [] : REACTION_KINDS.filter((k) => p.mine.includes(k));
      const placeholder = p.status === 'removed' && p.authorId !== user.id;
      // Others see the published words of a post whose edit is still being checked; the author sees their edit.
      const pendingForOthers = p.publishedBody !== null && p.authorId !== user.id;
      const view: PostView = {
        id: p.id,
        topicId: p.topicId,
        groupId: p.groupId,
        author: placeholder ? { id: null, displayName: p.authorId ? REMOVED_AUTHOR : FORMER_MEMBER } : this.author(p.authorId, names),
        body: placeholder ? '' : pendingForOthers ? p.publishedBody! : p.body,
        status: pendingForOthers ? 'published' : p.status,
        replyToPostId: p.replyToPostId,
        reactions,
        myReactions,
        createdAt: p.createdAt,
        editedAt: p.editedAt,
        editPending: p.publishedBody !== null,
      };
      if (p.authorId === user.id) {
        if (p.status === 'held') view.reviewDueAt = due.get(p.id) ?? null;
        if (p.signposting) view.signposting = p.signposting;
      }
      return view;
    });
  }

  private names(ids: Array<string | null>): Promise<Map<string, string>> {
    return this.identity.displayNames(ids.filter((id): id is string => id !== null));
  }

  private author(id: string | null, names: Map<string, string>): Author {
    return id ? { id, displayName: names.get(id) ?? FORMER_MEMBER } : { id: null, displayName: FORMER_MEMBER };
  }
}

interface NewPost {
  id: string;
  topicId: string;
  groupId: string;
  authorId: string;
  body: string;
  isOpening: boolean;
  replyToPostId: string | null;
  createdAt: Date;
}

/** A new post, waiting for screening, as one `INSERT … RETURNING id`. */
function postInsert(input: NewPost): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO posts (id, topic_id, group_id, author_id, body, status, revision, is_opening, was_published, reply_to_post_id, created_at)
          VALUES ($1, $2, $3, $4, $5, 'screening', 1, $6, false, $7, $8) RETURNING id`,
    params: [input.id, input.topicId, input.groupId, input.authorId, normaliseBody(input.body), input.isOpening, input.replyToPostId, input.createdAt],
  };
}

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

/** Every kind, zero when nobody gave it. */
function reactionCounts(counts: Partial<Record<ReactionKind, number>>): Record<ReactionKind, number> {
  const all = {} as Record<ReactionKind, number>;
  for (const kind of REACTION_KINDS) all[kind] = counts[kind] ?? 0;
  return all;
}

/** Whether others can see the post: published, or its published words while an edit of it waits. */
function inSight(post: Pick<Post, 'status' | 'publishedBody'>): boolean {
  return post.status === 'published' || post.publishedBody !== null;
}

function assertEditable(post: Pick<Post, 'status'>): void {
  if (['deleted', 'removed', 'rejected'].includes(post.status)) throw DomainError.conflict(`This post was ${post.status} and can no longer be edited.`);
}

/** Plain text, stored as written apart from line endings; clients escape it. */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').trim();
}
