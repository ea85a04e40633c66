import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { GroupsService, isCovered, nextCoverageChange, Participant, ParticipationService } from '@kindred/groups';
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
  reviewDueAt?: Date | null;
  signposting?: Array<Record<string, unknown>>;
}

export interface Accepted {
  id: string;
  topicId: string;
  status: 'screening';
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
    const topic = await this.visibleTopic(user, topicId);
    await this.assertCanWrite(user, topic.groupId);
    if (topic.status !== 'published') throw DomainError.conflict('This topic is not open for replies.');
    if (input.replyToPostId) {
      const parent = await this.dataSource.getRepository(Post).findOne({ where: { id: input.replyToPostId, topicId } });
      if (!parent || (parent.status !== 'published' && parent.authorId !== user.id)) {
        throw DomainError.validation([{ field: 'replyToPostId', message: 'replyToPostId must be a post in this topic' }]);
      }
    }
    const { accepted, outboxId } = await this.dataSource.transaction(async (manager) => {
      const post = await this.insertPost(manager, {
        topicId,
        groupId: topic.groupId,
        authorId: user.id,
        body: input.body,
        isOpening: false,
        replyToPostId: input.replyToPostId ?? null,
        createdAt: new Date(),
      });
      const outboxId = await this.stageScreening(manager, post.id, 1);
      return { accepted: { id: post.id, topicId, status: 'screening' as const }, outboxId };
    });
    this.dispatch(outboxId);
    return accepted;
  }

  async listTopics(user: AuthUser, groupId: string, query: PageQuery): Promise<Page<TopicListItem>> {
    await this.participation.assertParticipant(user, groupId);
    const limit = pageLimit(query);
    const cursor = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
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
    const topic = await this.visibleTopic(user, topicId);
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
    await this.visibleTopic(user, topicId);
    const limit = pageLimit(query);
    const cursor = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    const qb = this.dataSource
      .getRepository(Post)
      .createQueryBuilder('p')
      .where('p.topic_id = :topicId', { topicId })
      // Removed posts stay as placeholders (no words, no name), so replies keep their context.
      .andWhere(`(p.status IN ('published', 'removed') OR (p.author_id = :me AND p.status <> 'deleted'))`, { me: user.id })
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit + 1);
    if (cursor) qb.andWhere('(p.created_at, p.id) > (:at, :id)', { at: cursor.at, id: cursor.id });
    const rows = await qb.getMany();
    const views = await this.views(user, rows.slice(0, limit));
    const byId = new Map(views.map((v) => [v.id, v]));
    return toPage(
      rows,
      limit,
      (p) => ({ at: p.createdAt.toISOString(), id: p.id }),
      (p) => byId.get(p.id)!,
    );
  }

  async getPost(user: AuthUser, postId: string): Promise<PostView> {
    const post = await this.visiblePost(user, postId);
    const [view] = await this.views(user, [post]);
    return view!;
  }

  async editPost(user: AuthUser, postId: string, body: string): Promise<Accepted> {
    const post = await this.visiblePost(user, postId);
    if (post.authorId !== user.id) throw DomainError.forbidden('Only the author can edit a post.');
    if (['deleted', 'removed', 'rejected'].includes(post.status)) throw DomainError.conflict(`This post was ${post.status} and can no longer be edited.`);
    await this.assertCanWrite(user, post.groupId);
    const outboxId = await this.dataSource.transaction(async (manager) => {
      const locked = await manager.getRepository(Post).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id: postId }).getOneOrFail();
      const revision = locked.revision + 1;
      // The new text is screened before anyone sees it: until then the post is not shown to others.
      await moveTo(manager, locked, 'screening', { body: normaliseBody(body), revision, editedAt: new Date(), signposting: null });
      await this.reviewItems.supersedeOpen(manager, 'post', postId);
      return this.stageScreening(manager, postId, revision);
    });
    this.dispatch(outboxId);
    return { id: postId, topicId: post.topicId, status: 'screening' };
  }

  async deletePost(user: AuthUser, postId: string): Promise<void> {
    const post = await this.visiblePost(user, postId);
    if (post.authorId !== user.id) throw DomainError.forbidden('Only the author can delete a post.');
    if (post.status === 'deleted') return;
    await this.dataSource.transaction(async (manager) => {
      const locked = await manager.getRepository(Post).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id: postId }).getOneOrFail();
      // Deleting removes the words themselves, not just their visibility.
      await moveTo(manager, locked, 'deleted', { body: '', signposting: null });
      await this.reviewItems.supersedeOpen(manager, 'post', postId);
    });
  }

  async setReaction(user: AuthUser, postId: string, kind: string, on: boolean): Promise<void> {
    if (!(REACTION_KINDS as readonly string[]).includes(kind)) {
      throw DomainError.validation([{ field: 'kind', message: `kind must be one of ${REACTION_KINDS.join(', ')}` }]);
    }
    // visiblePost has checked membership and the agreement.
    const post = await this.visiblePost(user, postId);
    if (post.status !== 'published') throw DomainError.conflict('You can only react to published posts.');
    if (on) {
      await this.dataSource.query(`INSERT INTO post_reactions (post_id, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [postId, user.id, kind]);
    } else {
      await this.dataSource.query(`DELETE FROM post_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3`, [postId, user.id, kind]);
    }
  }

  async reportPost(user: AuthUser, postId: string, clauseKey: string, note?: string): Promise<{ id: string }> {
    const post = await this.visiblePost(user, postId);
    return this.reports.report(
      user,
      { type: 'post', id: post.id, groupId: post.groupId, authorId: post.authorId, revision: post.revision, status: post.status },
      clauseKey,
      note,
    );
  }

  /** Membership, agreement, mute, read-only fallback and slow mode: every write passes here first. */
  private async assertCanWrite(user: AuthUser, groupId: string): Promise<Participant> {
    const participant = await this.participation.assertParticipant(user, groupId);
    if (participant.mutedUntil && participant.mutedUntil.getTime() > Date.now()) {
      throw new DomainError('MUTED', `You are muted in this group until ${participant.mutedUntil.toISOString()}. You can still read.`, {
        until: participant.mutedUntil.toISOString(),
      });
    }
    if (participant.role !== 'member') return participant;
    const settings = await this.groups.getSettings(groupId);
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

  /** A topic the caller may see: outsiders get 404; members who have not accepted get the agreement gate. */
  private async visibleTopic(user: AuthUser, topicId: string): Promise<Topic> {
    const topic = await this.dataSource.getRepository(Topic).findOne({ where: { id: topicId } });
    if (!topic) throw DomainError.notFound('That topic');
    await this.participantOrNotFound(user, topic.groupId, 'That topic');
    if (topic.status !== 'published' && topic.authorId !== user.id) throw DomainError.notFound('That topic');
    return topic;
  }

  private async visiblePost(user: AuthUser, postId: string): Promise<Post> {
    const post = await this.dataSource.getRepository(Post).findOne({ where: { id: postId } });
    if (!post) throw DomainError.notFound('That post');
    await this.participantOrNotFound(user, post.groupId, 'That post');
    const own = post.authorId === user.id && post.status !== 'deleted';
    if (post.status !== 'published' && !own) throw DomainError.notFound('That post');
    return post;
  }

  /**
   * One check for content in a group: someone who may not see the group's content at all (not a
   * member, banned) is told the thing does not exist; a member who has not accepted the current
   * agreement is told to accept it.
   */
  private async participantOrNotFound(user: AuthUser, groupId: string, what: string): Promise<Participant> {
    try {
      return await this.participation.assertParticipant(user, groupId);
    } catch (error) {
      if (error instanceof DomainError && ['NOT_A_MEMBER', 'BANNED', 'NOT_FOUND'].includes(error.code)) throw DomainError.notFound(what);
      throw error;
    }
  }

  private async insertPost(
    manager: EntityManager,
    input: { topicId: string; groupId: string; authorId: string; body: string; isOpening: boolean; replyToPostId: string | null; createdAt: Date },
  ): Promise<Post> {
    const post = manager.create(Post, {
      ...input,
      body: normaliseBody(input.body),
      status: 'screening',
      revision: 1,
      wasPublished: false,
      signposting: null,
      editedAt: null,
      screenedAt: null,
    });
    await manager.insert(Post, post as QueryDeepPartialEntity<Post>);
    return post;
  }

  private stageScreening(manager: EntityManager, postId: string, revision: number): Promise<string> {
    const job = { subject: 'post' as const, id: postId, revision };
    return this.outbox.stage(manager, 'screening', 'screen', job, screeningJobId(job));
  }

  /** After commit; if Redis is down the outbox relay sends it later. */
  private dispatch(outboxId: string): void {
    this.outbox.dispatch([outboxId]).catch((error: Error) => this.logger.warn({ err: error.message }, 'screening job will be relayed later'));
  }

  private async views(user: AuthUser, posts: Post[]): Promise<PostView[]> {
    if (posts.length === 0) return [];
    const ids = posts.map((p) => p.id);
    const [names, reactionRows, dueDates] = await Promise.all([
      this.names(posts.map((p) => p.authorId)),
      this.dataSource.query(
        `SELECT post_id, kind, count(*)::int AS count, bool_or(user_id = $2) AS mine FROM post_reactions WHERE post_id = ANY($1::uuid[]) GROUP BY post_id, kind`,
        [ids, user.id],
      ) as Promise<Array<{ post_id: string; kind: ReactionKind; count: number; mine: boolean }>>,
      Promise.all(
        posts.map(async (p) => [p.id, p.authorId === user.id && p.status === 'held' ? await this.reviewItems.openDueAt('post', p.id) : null] as const),
      ),
    ]);
    const due = new Map(dueDates);
    return posts.map((p) => {
      const reactions = Object.fromEntries(REACTION_KINDS.map((k) => [k, 0])) as Record<ReactionKind, number>;
      const myReactions: ReactionKind[] = [];
      for (const row of reactionRows.filter((r) => r.post_id === p.id)) {
        reactions[row.kind] = row.count;
        if (row.mine) myReactions.push(row.kind);
      }
      const placeholder = p.status === 'removed' && p.authorId !== user.id;
      const view: PostView = {
        id: p.id,
        topicId: p.topicId,
        groupId: p.groupId,
        author: placeholder ? { id: null, displayName: p.authorId ? REMOVED_AUTHOR : FORMER_MEMBER } : this.author(p.authorId, names),
        body: placeholder ? '' : p.body,
        status: p.status,
        replyToPostId: p.replyToPostId,
        reactions,
        myReactions,
        createdAt: p.createdAt,
        editedAt: p.editedAt,
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

/** Plain text, stored as written apart from line endings; clients escape it. */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').trim();
}
