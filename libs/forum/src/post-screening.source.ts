import { Injectable, Logger } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { IdentityService } from '@kindred/identity';
import type { ContentSource, ScreeningSubject, SubjectView, VerdictToApply } from '@kindred/moderation';
import { NotificationsService } from '@kindred/notifications';
import { PostsRepository } from './posts.repository';
import { TopicsRepository } from './topics.repository';

/** Lets the screening pipeline, the review queue and reports read and change posts through the forum's repositories. */
@Injectable()
export class PostScreeningSource implements ContentSource {
  readonly type = 'post' as const;
  private readonly logger = new Logger(PostScreeningSource.name);

  constructor(
    private readonly posts: PostsRepository,
    private readonly topics: TopicsRepository,
    private readonly identity: IdentityService,
    private readonly notifications: NotificationsService,
    private readonly events: EventBus,
  ) {}

  /**
   * After the verdict committed: open threads and topic lists in the group (and the author's own
   * screens) hear of it at once, and a reply just published for everyone tells the topic's author.
   */
  async afterVerdict(subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    // A post hidden by reports stays hidden when its new words pass: nothing others can see changed.
    const status = verdict.status === 'published' && subject.status === 'hidden' ? null : verdict.status;
    if (status) await this.announce(subject.id, subject.groupId, subject.authorId, status);
    if (verdict.status === 'published') await this.notifyPublished([subject.id]);
  }

  async afterStatusChange(id: string, groupId: string, status: 'published' | 'removed'): Promise<void> {
    const [post] = await this.posts.findMany([id]);
    if (!post || post.status === 'deleted' || (status === 'published' && post.status !== 'published')) return;
    await this.announce(id, groupId, post.authorId, status);
    if (status === 'published') await this.notifyPublished([id]);
  }

  /** Ids only; never the words: a reader fetches the post over HTTP, where who may see what is checked. */
  private async announce(postId: string, groupId: string, authorId: string | null, status: 'published' | 'held' | 'rejected' | 'removed'): Promise<void> {
    try {
      const [place] = await this.posts.places([postId]);
      if (!place) return;
      await this.events.publish('forum.changed', { groupId, topicId: place.topicId, postId, authorId, opening: place.opening, status });
    } catch (error) {
      // Live updates are a courtesy: the post is stored, and the next read shows it.
      this.logger.warn({ postId, err: error }, 'forum change not announced');
    }
  }

  /** One notification per reply (`reply:<postId>`) to the topic's author (not themselves), however often it is published again. */
  private async notifyPublished(ids: string[]): Promise<void> {
    const posts = (await this.posts.findMany(ids)).filter((p) => p.status === 'published' && !p.isOpening && p.authorId);
    if (posts.length === 0) return;
    const topics = new Map((await this.topics.findMany([...new Set(posts.map((p) => p.topicId))])).map((t) => [t.id, t]));
    for (const post of posts) {
      const topicAuthor = topics.get(post.topicId)?.authorId;
      if (!topicAuthor || topicAuthor === post.authorId) continue;
      await this.notifications.notify({
        eventId: `reply:${post.id}`,
        kind: 'reply',
        recipients: [topicAuthor],
        groupId: post.groupId,
        subjectId: post.topicId,
        path: `/groups/${post.groupId}/topics/${post.topicId}`,
      });
    }
  }

  lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null> {
    return this.posts.lockForVerdict(tx, id);
  }

  peek(ids: string[]): Promise<ScreeningSubject[]> {
    return this.posts.peek(ids);
  }

  readonly publishManyIsOneStatement = true;

  publishMany(tx: Tx, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]> {
    return this.posts.publish(tx, items);
  }

  applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    return this.posts.applyVerdict(tx, subject, verdict);
  }

  /** Bounded: trust only needs "at least N", and a long-standing member has thousands of posts. */
  publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    return this.posts.publishedCount(authorId, groupId, atMost);
  }

  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.posts.stuckInScreening(olderThanSeconds, limit);
  }

  async describe(ids: string[]): Promise<Map<string, SubjectView>> {
    if (ids.length === 0) return new Map();
    const posts = await this.posts.findMany(ids);
    const names = await this.identity.displayNames(posts.flatMap((p) => (p.authorId ? [p.authorId] : [])));
    // The reviewer reads every field that was screened: an opening post's topic title and content warning too.
    const topics = new Map((await this.topics.findMany(posts.filter((p) => p.isOpening).map((p) => p.topicId))).map((t) => [t.id, t]));
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
  async hide(tx: Tx, id: string): Promise<void> {
    const post = await this.posts.lock(tx, id);
    if (post.status === 'published') await this.posts.moveTo(tx, post, 'hidden', { hiddenByReports: true });
    else if (post.publishedBody !== null) await this.posts.moveTo(tx, post, post.status, { hiddenByReports: true, publishedBody: null });
  }

  /**
   * A moderator's decision about the current revision (see contentEffect). Either decision ends
   * a hiding by reports. Approving a revision still in screening publishes nothing: its verdict will.
   */
  async setStatus(tx: Tx, id: string, status: 'published' | 'removed'): Promise<void> {
    const post = await this.posts.lock(tx, id);
    if (post.status === 'deleted') return;
    if (status === 'published' && post.status === 'screening') {
      await this.posts.clearHiddenByReports(tx, id);
      return;
    }
    await this.posts.moveTo(tx, post, status, { hiddenByReports: false });
  }
}
