import { Injectable, Logger } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { EventBus, type EventCatalogue } from '@kindred/events';
import { MembershipService } from '@kindred/groups';
import { FORMER_MEMBER, IdentityService } from '@kindred/identity';
import type { AfterCommit, AppliedVerdict, ContentSource, PlainPublication, ScreeningSubject, SubjectView, VerdictToApply } from '@kindred/moderation';
import { NotificationEvent, NotificationsService } from '@kindred/notifications';
import { PostPlace, PostsRepository, PostSubject } from './posts.repository';
import { TopicsRepository } from './topics.repository';

/** A published post, with what telling people of it needs. */
interface PublishedPost {
  id: string;
  groupId: string;
  authorId: string | null;
  body: string;
  topicId: string;
  opening: boolean;
  topicAuthorId: string | null;
}

/** What the group's open threads and topic lists hear of a post: ids only, never the words. */
type ForumChange = EventCatalogue['forum.changed'];

/** The place read with the subject (lockForVerdict, publishMany), which screening hands back to this source. */
function placeOf(subject: ScreeningSubject): PostPlace {
  const place = (subject as Partial<PostSubject>).place;
  if (!place) throw new Error(`post ${subject.id} was not read by the forum's screening source`);
  return place;
}

/** What open screens hear of a verdict on a post; none for a post reports keep hidden whose new words passed (nothing in sight changed). */
function changeOf(subject: ScreeningSubject, status: ForumChange['status'] & VerdictToApply['status']): ForumChange | null {
  const place = placeOf(subject);
  if (status === 'published' && (subject.status === 'hidden' || place.hiddenByReports)) return null;
  return { groupId: subject.groupId, topicId: place.topicId, postId: subject.id, authorId: subject.authorId, opening: place.opening, status };
}

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
    private readonly memberships: MembershipService,
    private readonly events: EventBus,
  ) {}

  /**
   * In the verdicts' transaction: a published post tells the topic's author of a reply and the
   * members it @mentions, and a held one tells its author it waits for review, written so they
   * commit with the verdicts (a crash just after the commit cannot lose them). Once committed,
   * their deliveries are queued and open threads and topic lists in the group (and the author's
   * own screens) hear of every verdict in one round trip. Ids only, never words.
   */
  async followVerdicts(tx: Tx, applied: AppliedVerdict[]): Promise<AfterCommit> {
    const changes: ForumChange[] = [];
    const owed: NotificationEvent[] = [];
    for (const { subject, verdict } of applied) {
      const place = placeOf(subject);
      const change = changeOf(subject, verdict.status);
      if (change) changes.push(change);
      if (verdict.status === 'published' && change) {
        owed.push(...(await this.owedByPublished({ ...subject, body: verdict.body, ...place }, tx)));
      } else if (verdict.status === 'held' && subject.authorId) {
        owed.push({
          eventId: `held:${subject.id}:${subject.revision}`,
          kind: 'moderation',
          recipients: [subject.authorId],
          groupId: subject.groupId,
          subjectId: subject.id,
          title: 'Something you posted is waiting for review',
        });
      }
    }
    const told = await this.notifications.notifyWithin(tx, owed);
    return async () => {
      await Promise.all([told(), this.announce(changes)]);
    };
  }

  /**
   * A batch of first revisions published in one statement with the reply and mention
   * notifications they owe (`NotificationsService.notifyWith`), worked out beforehand from where
   * each post sits as `peek` read it; only the posts the statement published (in sight) notify.
   * Once committed, as `followVerdicts`: deliveries queued, open screens told. Null when the batch
   * would notify more people than one statement takes (screening then uses a transaction).
   */
  async publishAlone(items: PlainPublication[]): Promise<{ published: ScreeningSubject[]; afterCommit: AfterCommit } | null> {
    const owed: Array<{ key: string; event: NotificationEvent }> = [];
    for (const item of items) {
      const place = placeOf(item.subject);
      for (const event of await this.owedByPublished({ ...item.subject, body: item.body, ...place })) owed.push({ key: item.id, event });
    }
    const done = await this.notifications.notifyWith(this.posts.publishStatement(items), owed);
    if (!done) return null;
    const published = this.posts.publishedSubjects(done.rows);
    const changes = published.flatMap((subject) => {
      const change = changeOf(subject, 'published');
      return change ? [change] : [];
    });
    return {
      published,
      afterCommit: async () => {
        await Promise.all([done.afterCommit(), this.announce(changes)]);
      },
    };
  }

  /** After a moderator's decision: the group hears of it live, and a post published after review tells its author too. */
  async afterStatusChange(id: string, groupId: string, status: 'published' | 'removed'): Promise<void> {
    const [post] = await this.posts.findMany([id]);
    if (!post || post.status === 'deleted' || (status === 'published' && post.status !== 'published')) return;
    const [place] = await this.posts.places([id]);
    if (place) await this.announce([{ groupId, topicId: place.topicId, postId: id, authorId: post.authorId, opening: place.opening, status }]);
    if (status !== 'published' || !post.authorId) return;
    const [published] = await this.publishedPosts([id]);
    await this.notifications.notifyMany([
      {
        eventId: `reviewed:${post.id}:${post.revision}`,
        kind: 'moderation',
        recipients: [post.authorId],
        groupId: post.groupId,
        subjectId: post.topicId,
        title: 'Something you posted was published after review',
        path: `/groups/${post.groupId}/topics/${post.topicId}`,
      },
      ...(published ? await this.owedByPublished(published) : []),
    ]);
  }

  /** Live updates are a courtesy: the post is stored, and the next read shows it. */
  private async announce(changes: ForumChange[]): Promise<void> {
    try {
      await this.events.publishMany('forum.changed', changes);
    } catch (error) {
      this.logger.warn({ posts: changes.map((c) => c.postId), err: error }, 'forum changes not announced');
    }
  }

  /**
   * One notification per reply (`reply:<postId>`) and per mention (`mention:<postId>`), however
   * often the post is published again: to the topic's author (not themselves), and to members of
   * the group the post @mentions (not its author, and not anyone outside the group).
   */
  private async owedByPublished(post: PublishedPost, tx?: Tx): Promise<NotificationEvent[]> {
    if (!post.authorId) return [];
    const owed: NotificationEvent[] = [];
    const path = `/groups/${post.groupId}/topics/${post.topicId}`;
    const topicAuthor = post.topicAuthorId;
    if (!post.opening && topicAuthor && topicAuthor !== post.authorId) {
      owed.push({ eventId: `reply:${post.id}`, kind: 'reply', recipients: [topicAuthor], groupId: post.groupId, subjectId: post.topicId, path });
    }
    // Names are matched among the group's own members only: "@Sam" never reaches a Sam elsewhere.
    const mentioned = await this.identity.mentionedIn(post.body, (ids) => this.memberships.activeAmong(post.groupId, ids, tx), tx);
    const members = mentioned.filter((id) => id !== post.authorId);
    if (members.length > 0) {
      owed.push({ eventId: `mention:${post.id}`, kind: 'mention', recipients: members, groupId: post.groupId, subjectId: post.topicId, path });
    }
    return owed;
  }

  /** The posts, as they are now, that are in sight (published), with their topics' authors. */
  private async publishedPosts(ids: string[]): Promise<PublishedPost[]> {
    const posts = (await this.posts.findMany(ids)).filter((p) => p.status === 'published');
    if (posts.length === 0) return [];
    const topics = new Map((await this.topics.findMany([...new Set(posts.map((p) => p.topicId))])).map((t) => [t.id, t]));
    return posts.map((p) => ({ ...p, opening: p.isOpening, topicAuthorId: topics.get(p.topicId)?.authorId ?? null }));
  }

  lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null> {
    return this.posts.lockForVerdict(tx, id);
  }

  peek(ids: string[]): Promise<ScreeningSubject[]> {
    return this.posts.peek(ids);
  }

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
          author: p.authorId ? { id: p.authorId, displayName: names.get(p.authorId) ?? FORMER_MEMBER } : null,
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
