import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { ReplicaReads, Transactions, type Tx } from '@kindred/database';
import {
  assertNotMuted,
  bannedError,
  coverPromise,
  describeLocalTime,
  GroupsService,
  isCovered,
  nextCoverageChange,
  Participant,
  ParticipationService,
  StandingColumns,
  WriteRules,
  writeRulesFrom,
} from '@kindred/groups';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { AuditLogService } from '@kindred/audit';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { NotificationsService } from '@kindred/notifications';
import { ReportsService, ReviewItemsService, screeningJobId } from '@kindred/moderation';
import { OutboxService } from '@kindred/queues';
import { Post, PostStatus } from './post.entity';
import { ForumConflict } from './forum-errors';
import { REACTION_KINDS, ReactionKind } from './post-reaction.entity';
import { PostsRepository, PostWithReactions } from './posts.repository';
import { ReadPositionsRepository } from './read-positions.repository';
import { PinRole, Topic } from './topic.entity';
import { TopicsRepository } from './topics.repository';

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
  /** `published`, or for the reader's own topic still being checked or held: `screening`, `held`. */
  status: string;
  /** Where the reader has read up to in this topic (null: never opened). */
  readAt: Date | null;
  /** Something in the topic is newer than the reader's last visit (or they have never opened it). */
  unread: boolean;
  /** Kept at the top of the list by the group's supporters. */
  pinned: boolean;
  /** A pinned topic may be the group's welcome topic or its introductions thread. */
  pinRole: PinRole | null;
}

/** A topic's pin after a change. */
export interface TopicPin {
  topicId: string;
  pinned: boolean;
  role: PinRole | null;
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
  /**
   * The author's own held post, while no supporter is on cover: when one is next on, and the
   * words saying so ("Supporters are not on right now; your post will be checked from 9:00 am
   * tomorrow."), in place of the review deadline nobody is there to keep.
   */
  reviewCoverStartsAt?: Date | null;
  reviewPromise?: string | null;
  signposting?: Array<Record<string, unknown>>;
}

/** One of the caller's own posts, in "my posts": where it is and what became of it. */
export interface MyPostView {
  id: string;
  topicId: string;
  groupId: string;
  /** null when the group no longer exists. */
  groupName: string | null;
  /** null when the topic is someone else's and out of sight (held, removed, deleted). */
  topicTitle: string | null;
  /** Whether the post opens its topic (it is the caller's topic). */
  opening: boolean;
  body: string;
  status: PostStatus;
  createdAt: Date;
  editedAt: Date | null;
}

export interface Accepted {
  id: string;
  topicId: string;
  status: 'screening';
}

interface PageRequest {
  limit: number;
  cursor: { at: string; id: string } | null;
}

/** A post removed by a moderator shows neither its words nor who wrote them. */
const REMOVED_AUTHOR = 'Removed';

@Injectable()
export class ForumService {
  private readonly logger = new Logger(ForumService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly topics: TopicsRepository,
    private readonly posts: PostsRepository,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly identity: IdentityService,
    private readonly outbox: OutboxService,
    private readonly reviewItems: ReviewItemsService,
    private readonly reports: ReportsService,
    private readonly readPositions: ReadPositionsRepository,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditLogService,
    @Optional() private readonly reads?: ReplicaReads,
  ) {}

  async createTopic(user: AuthUser, groupId: string, input: { title: string; body: string; contentWarning?: string }): Promise<Accepted> {
    await this.assertCanWrite(user, groupId);
    const now = new Date();
    const { accepted, outboxId } = await this.transactions.run(async (tx) => {
      const topic = await this.topics.insert(tx, {
        groupId,
        authorId: user.id,
        title: input.title.trim(),
        contentWarning: input.contentWarning?.trim() || null,
        openingPostId: null,
        status: 'screening',
        replyCount: 0,
        lastActivityAt: now,
        createdAt: now,
        pinnedAt: null,
        pinRole: null,
      });
      const post = { id: randomUUID() };
      await this.posts.insert(tx, {
        id: post.id,
        topicId: topic.id,
        groupId,
        authorId: user.id,
        body: normaliseBody(input.body),
        isOpening: true,
        replyToPostId: null,
        createdAt: now,
      });
      await this.topics.setOpeningPost(tx, topic.id, post.id);
      const outboxId = await this.stageScreening(tx, post.id, 1);
      return { accepted: { id: post.id, topicId: topic.id, status: 'screening' as const }, outboxId };
    });
    this.dispatch(outboxId);
    await this.wrote(user);
    return accepted;
  }

  async reply(user: AuthUser, topicId: string, input: { body: string; replyToPostId?: string }): Promise<Accepted> {
    const { topic, participant, rules } = await this.visibleTopic(user, topicId, { writeRules: true });
    await this.assertCanWrite(user, topic.groupId, { participant, rules });
    if (topic.status !== 'published') throw DomainError.conflict('This topic is not open for replies.', ForumConflict.TOPIC_CLOSED);
    if (input.replyToPostId) {
      const parent = await this.posts.findInTopic(input.replyToPostId, topicId);
      if (!parent || (!inSight(parent) && parent.authorId !== user.id)) {
        throw DomainError.validation([{ field: 'replyToPostId', message: 'replyToPostId must be a post in this topic' }]);
      }
    }
    // The reply and its screening job in one statement (no transaction needed around it).
    const id = randomUUID();
    const job = { subject: 'post' as const, id, revision: 1 };
    const outboxId = await this.outbox.stageWith(
      null,
      this.posts.insertStatement({
        id,
        topicId,
        groupId: topic.groupId,
        authorId: user.id,
        body: normaliseBody(input.body),
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
    await this.wrote(user);
    return { id, topicId, status: 'screening' };
  }

  /**
   * GET /me/posts: the caller's own posts and topics in every group, newest first, each with its
   * status as it is (still being checked, published, held for a supporter, not published, hidden
   * by reports, removed, deleted) and where it is. Only ever the caller's own: the author is the
   * query's key. Another member's topic the caller replied in shows its title only while others
   * can see it.
   */
  async myPosts(user: AuthUser, query: PageQuery): Promise<Page<MyPostView>> {
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, { at: 'time', id: 'uuid' });
    const rows = await this.posts.byAuthor(user.id, limit + 1, cursor);
    const groupNames = await this.groups.names(rows.map((r) => r.groupId));
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.createdAt.toISOString(), id: r.id }),
      (r) => ({
        id: r.id,
        topicId: r.topicId,
        groupId: r.groupId,
        groupName: groupNames.get(r.groupId) ?? null,
        topicTitle: r.topic.authorId === user.id || r.topic.status === 'published' ? r.topic.title : null,
        opening: r.opening,
        body: r.status === 'deleted' ? '' : r.body,
        status: r.status,
        createdAt: r.createdAt,
        editedAt: r.editedAt,
      }),
    );
  }

  /** The pinned topics first (on the first page), then the others by latest activity. */
  async listTopics(user: AuthUser, groupId: string, query: PageQuery): Promise<Page<TopicListItem>> {
    await this.participation.assertParticipant(user, groupId);
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, { at: 'time', id: 'uuid' });
    const [pinned, rows] = await Promise.all([cursor ? [] : this.topics.pinned(groupId, user.id), this.topics.page(groupId, user.id, limit + 1, cursor)]);
    const names = await this.names([...pinned, ...rows].map((t) => t.authorId));
    const item = (t: Topic & { readAt: Date | null }): TopicListItem => ({
      id: t.id,
      title: t.title,
      author: this.author(t.authorId, names),
      contentWarning: t.contentWarning,
      replyCount: t.replyCount,
      lastActivityAt: t.lastActivityAt,
      createdAt: t.createdAt,
      status: t.status,
      readAt: t.readAt,
      unread: isUnread(t, t.readAt, user.id),
      pinned: t.pinnedAt !== null,
      pinRole: t.pinRole,
    });
    const page = toPage(rows, limit, (t) => ({ at: t.lastActivityAt.toISOString(), id: t.id }), item);
    return { ...page, items: [...pinned.map(item), ...page.items] };
  }

  /**
   * PUT /topics/:topicId/pin — the group's supporters and admins pin a published topic (optionally
   * as the group's welcome topic or introductions thread, taking that role from another topic,
   * which stays pinned) or unpin one; recorded in the audit log. A member hears 403; someone who
   * may not see the topic, 404.
   */
  async pinTopic(user: AuthUser, topicId: string, input: { pinned: boolean; role?: PinRole | null }): Promise<TopicPin> {
    if (!input.pinned && input.role) {
      throw DomainError.validation([{ field: 'role', message: 'Only a pinned topic can be the welcome topic or the introductions thread.' }]);
    }
    const read = await this.topics.withStanding(topicId, user.id);
    if (!read) throw DomainError.notFound('That topic');
    const { topic, standing } = read;
    if (!(await this.participation.isModerator(user, topic.groupId))) {
      this.participantOrNotFound(user, topic.groupId, standing, 'That topic');
      if (topic.status !== 'published' && topic.authorId !== user.id) throw DomainError.notFound('That topic');
      throw DomainError.forbidden("Only this group's supporters and admins can pin topics.");
    }
    const role = input.pinned ? (input.role ?? null) : null;
    const notPublished = () =>
      DomainError.conflict(
        'Only a published topic can be pinned: this one is waiting for review, or others can no longer see it.',
        ForumConflict.TOPIC_NOT_PUBLISHED,
      );
    if (input.pinned && topic.status !== 'published') throw notPublished();
    await this.transactions.run(async (tx) => {
      const before = await this.topics.lockPin(tx, topicId, topic.groupId);
      if (!before) throw DomainError.notFound('That topic');
      // Checked again under the lock: a supporter may have removed it a moment ago.
      if (input.pinned && before.status !== 'published') throw notPublished();
      const displaced = role ? await this.topics.takeRole(tx, topic.groupId, role, topicId) : null;
      await this.topics.setPin(tx, topicId, input.pinned, role);
      const was = { pinned: before.pinnedAt !== null, role: before.pinRole };
      await this.audit.record(tx, {
        actorId: user.id,
        action: input.pinned ? 'topic.pin' : 'topic.unpin',
        groupId: topic.groupId,
        subjectType: 'topic',
        subjectId: topicId,
        detail: { before: was, after: { pinned: input.pinned, role }, ...(displaced ? { roleTakenFrom: displaced } : {}) },
      });
    });
    await this.wrote(user);
    return { topicId, pinned: input.pinned, role };
  }

  /**
   * Moves the caller's read position in the topic on to `at` (what they have seen: the topic's
   * last activity as they loaded it), or to the topic's last activity now when not given. Never
   * beyond the topic's last activity, never back.
   */
  async markRead(user: AuthUser, topicId: string, at?: Date): Promise<{ readAt: Date }> {
    const { topic } = await this.visibleTopic(user, topicId);
    const upTo = at && at.getTime() < topic.lastActivityAt.getTime() ? at : topic.lastActivityAt;
    return { readAt: await this.readPositions.advance(user.id, topicId, upTo) };
  }

  async getTopic(user: AuthUser, topicId: string) {
    const { topic } = await this.visibleTopic(user, topicId);
    const [names, readAt] = await Promise.all([this.names([topic.authorId]), this.readPositions.readAt(user.id, topicId)]);
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
      readAt,
      unread: isUnread(topic, readAt, user.id),
      pinned: topic.pinnedAt !== null,
      pinRole: topic.pinRole,
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
    const { outboxId, changes } = await this.transactions.run(async (tx) => {
      // The post row first, then its review items: the lock order decisions follow too.
      const locked = await this.posts.lock(tx, postId);
      // Checked again under the lock: a moderator may have removed it a moment ago.
      assertEditable(locked);
      const revision = locked.revision + 1;
      // The new text is screened before anyone sees it; until then others keep seeing the published
      // words, if there are any (a post hidden by reports stays hidden).
      const publishedBody = locked.status === 'published' ? locked.body : locked.publishedBody;
      await this.posts.moveTo(tx, locked, 'screening', { body: normaliseBody(body), revision, editedAt: new Date(), signposting: null, publishedBody });
      const changes = await this.reviewItems.subjectEdited(tx, 'post', postId, revision, locked.body);
      return { outboxId: await this.stageScreening(tx, postId, revision), changes };
    });
    this.dispatch(outboxId);
    await this.wrote(user);
    await this.reviewItems.announceChanges(changes);
    return { id: postId, topicId: post.topicId, status: 'screening' };
  }

  async deletePost(user: AuthUser, postId: string): Promise<void> {
    const post = await this.visiblePost(user, postId);
    if (post.authorId !== user.id) throw DomainError.forbidden('Only the author can delete a post.');
    if (post.status === 'deleted') return;
    const changes = await this.transactions.run(async (tx) => {
      const locked = await this.posts.lock(tx, postId);
      if (locked.status === 'deleted') return null;
      // Deleting removes the words themselves, not just their visibility; an urgent item about them keeps a copy until a supporter decides.
      await this.posts.moveTo(tx, locked, 'deleted', { body: '', signposting: null });
      return this.reviewItems.subjectDeleted(tx, 'post', postId, locked.body);
    });
    await this.wrote(user);
    if (changes) await this.reviewItems.announceChanges(changes);
  }

  async setReaction(user: AuthUser, postId: string, kind: string, on: boolean): Promise<void> {
    if (!(REACTION_KINDS as readonly string[]).includes(kind)) {
      throw DomainError.validation([{ field: 'kind', message: `kind must be one of ${REACTION_KINDS.join(', ')}` }]);
    }
    // visiblePost has checked membership, the agreement, and (acting) a mute or ban: a reaction reaches the author and the thread.
    const post = await this.visiblePost(user, postId, { acting: true });
    if (!inSight(post)) throw DomainError.conflict('You can only react to published posts.', ForumConflict.POST_NOT_IN_SIGHT);
    if (on) {
      await this.posts.react(postId, user.id, kind as ReactionKind);
      // Batched: one notification per post and day that grows ("3 people sent support"), never one per reaction.
      if (post.authorId && post.authorId !== user.id) {
        await this.notifications.notify({
          eventId: `reaction:${postId}:${new Date().toISOString().slice(0, 10)}`,
          kind: 'reaction',
          recipients: [post.authorId],
          groupId: post.groupId,
          subjectId: post.topicId,
          count: await this.posts.reactorCount(postId),
          path: `/groups/${post.groupId}/topics/${post.topicId}`,
        });
      }
    } else await this.posts.unreact(postId, user.id, kind as ReactionKind);
    await this.wrote(user);
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
        `No supporter is on cover right now, so the group is read-only${resumes ? ` until ${describeLocalTime(resumes, now, moderation.timezone)}` : ''}. If you need help now, see the group's crisis resources.`,
      );
    }
    if (settings.slowModeSeconds > 0) {
      const last = await this.posts.lastWrittenAt(user.id, groupId);
      const waitMs = last ? last.getTime() + settings.slowModeSeconds * 1000 - now.getTime() : 0;
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
    const read = await this.topics.withStanding(topicId, user.id, { page, writeRules });
    if (!read) throw DomainError.notFound('That topic');
    const { topic, standing } = read;
    const participant = this.participantOrNotFound(user, topic.groupId, standing, 'That topic');
    if (topic.status !== 'published' && topic.authorId !== user.id) throw DomainError.notFound('That topic');
    return { topic, participant, posts: read.posts, rules: writeRules ? writeRulesFrom(standing) : undefined };
  }

  /** A post the caller may see, with its group standing (and, when asked, its reactions) in the same query. */
  private async visiblePost(user: AuthUser, postId: string): Promise<Post>;
  private async visiblePost(user: AuthUser, postId: string, options: { reactions: true }): Promise<PostWithReactions>;
  /** `acting`: for an action that reaches others; a banned or muted member is told so (403 BANNED, MUTED), not 404, as they know the group. */
  private async visiblePost(user: AuthUser, postId: string, options: { acting: true }): Promise<Post>;
  private async visiblePost(user: AuthUser, postId: string, options?: { reactions?: true; acting?: true }): Promise<Post | PostWithReactions> {
    const read = await this.posts.withStanding(postId, user.id, { reactions: options?.reactions });
    if (!read) throw DomainError.notFound('That post');
    const { post, standing } = read;
    if (options?.acting) {
      if (standing.standing_status === 'banned' && !user.isAdmin) throw bannedError();
      assertNotMuted(this.participantOrNotFound(user, post.groupId, standing, 'That post'));
    } else {
      this.participantOrNotFound(user, post.groupId, standing, 'That post');
    }
    const own = post.authorId === user.id && post.status !== 'deleted';
    if (post.status !== 'published' && post.publishedBody === null && !own) throw DomainError.notFound('That post');
    return post;
  }

  /**
   * One check for content in a group: someone who may not see the group's content at all (not a
   * member, banned) is told the thing does not exist; a member who has not accepted the current
   * agreement is told to accept it.
   */
  private participantOrNotFound(user: AuthUser, groupId: string, standing: StandingColumns, what: string): Participant {
    try {
      return this.participation.participantFrom(user, groupId, standing);
    } catch (error) {
      if (error instanceof DomainError && ['NOT_A_MEMBER', 'BANNED', 'NOT_FOUND'].includes(error.code)) throw DomainError.notFound(what);
      throw error;
    }
  }

  private stageScreening(tx: Tx, postId: string, revision: number): Promise<string> {
    const job = { subject: 'post' as const, id: postId, revision };
    return this.outbox.stage(tx, 'screening', 'screen', job, screeningJobId(job));
  }

  /** After commit; if Redis is down the outbox relay sends it later. */
  /** The author's next thread pages must hold what they just wrote: the primary serves them until a replica has it. */
  private async wrote(user: AuthUser): Promise<void> {
    await this.reads?.markFresh(user.id);
  }

  private dispatch(outboxId: string): void {
    this.outbox.dispatch([outboxId]).catch((error: Error) => this.logger.warn({ err: error }, 'screening job will be relayed later'));
  }

  /** Posts as the caller sees them; `reactionCounts`/`mine` come from the query that read the posts. */
  private async views(user: AuthUser, posts: PostWithReactions[]): Promise<PostView[]> {
    if (posts.length === 0) return [];
    // Only the caller's own held posts carry a review deadline.
    const held = posts.filter((p) => p.authorId === user.id && p.status === 'held');
    const now = new Date();
    const [names, dueDates, promises] = await Promise.all([
      this.names(posts.map((p) => p.authorId)),
      Promise.all(held.map(async (p) => [p.id, await this.reviewItems.openDueAt('post', p.id)] as const)),
      Promise.all(
        [...new Set(held.map((p) => p.groupId))].map(async (groupId) => {
          const moderation = (await this.groups.getSettings(groupId))?.moderation;
          return [groupId, moderation ? coverPromise(moderation.coverage, moderation.timezone, now, 'your post will be checked') : null] as const;
        }),
      ),
    ]);
    const due = new Map(dueDates);
    const cover = new Map(promises);
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
        if (p.status === 'held') {
          view.reviewDueAt = due.get(p.id) ?? null;
          const promise = cover.get(p.groupId);
          view.reviewCoverStartsAt = promise?.coverStartsAt ?? null;
          view.reviewPromise = promise?.message ?? null;
        }
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

/** New to the reader: activity since their last visit, or never opened; their own topic still pending is not news to them. */
function isUnread(topic: Pick<Topic, 'status' | 'lastActivityAt' | 'authorId'>, readAt: Date | null, readerId: string): boolean {
  if (topic.status !== 'published') return false;
  if (!readAt) return topic.authorId !== readerId;
  return topic.lastActivityAt.getTime() > readAt.getTime();
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
  if (['deleted', 'removed', 'rejected'].includes(post.status))
    throw DomainError.conflict(`This post was ${post.status} and can no longer be edited.`, ForumConflict.POST_FINAL);
}

/** Plain text, stored as written apart from line endings; clients escape it. */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').trim();
}
