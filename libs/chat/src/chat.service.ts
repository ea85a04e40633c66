import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { EventBus } from '@kindred/events';
import { assertNotMuted, bannedError, GroupsService, MembershipService, mutedError, Participant, ParticipationService } from '@kindred/groups';
import { DomainError, hasVisibleText, Page } from '@kindred/http';
import { AuthUser, IdentityService } from '@kindred/identity';
import { ReportsService, screeningJobId } from '@kindred/moderation';
import { OutboxService } from '@kindred/queues';
import { ChatPresence, OnlineMember } from './chat-presence';
import { ChatRateLimiter } from './chat-rate-limiter';
import { CATCH_UP_LIMIT, ChatMessageView, JOIN_HISTORY_SIZE, OWN_UNPUBLISHED_LIMIT, OwnMessageStatus, SendAccepted, SendInput } from './chat.types';
import { toMessageView } from './message-screening.source';
import { ChatPosition, MessagesRepository, StoredMessage } from './messages.repository';

export type { ChatPosition } from './messages.repository';

export interface HistoryQuery {
  before?: string;
  after?: string;
  limit?: number;
}

/** Where an empty room's stream starts. */
const START: ChatPosition = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

/**
 * A group's slow mode is read at most this often per chat instance: an admin's change to it
 * reaches chat sends within this time (there is no event for group settings).
 */
export const SLOW_MODE_CACHE_MS = 5_000;
const SLOW_MODE_CACHE_MAX = 10_000;

/** Where a person stands in a group, for the chat service to keep their rooms right. */
export interface ChatStanding {
  participant: boolean;
  moderator: boolean;
  /** When not a participant, why: the refusal's code (NOT_A_MEMBER, BANNED, AGREEMENT_REQUIRED, NOT_FOUND), and the version to accept. */
  refusal?: { code: string; version?: number };
  /** A participant's mute, while it lasts. */
  mutedUntil: Date | null;
}

/**
 * Group chat: sending (checked, limited, stored with its screening job in one transaction),
 * history and catch-up (published messages in the order the room saw them), and reports.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);
  private readonly slowModes = new Map<string, { seconds: number; at: number }>();

  constructor(
    private readonly messages: MessagesRepository,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly memberships: MembershipService,
    private readonly identity: IdentityService,
    private readonly outbox: OutboxService,
    private readonly reports: ReportsService,
    private readonly limiter: ChatRateLimiter,
    private readonly events: EventBus,
    private readonly presence: ChatPresence,
  ) {}

  /** Membership, agreement, ban: NOT_A_MEMBER / AGREEMENT_REQUIRED / BANNED / NOT_FOUND. The mute is the caller's to judge. */
  authorise(user: AuthUser, groupId: string): Promise<Participant> {
    return this.participation.assertParticipant(user, groupId);
  }

  /**
   * GET /groups/:groupId/online: who is in the group's chat room now, for someone who may be in it
   * (a member who has accepted the agreement, not banned). Nobody who turned "show me as online" off.
   */
  async online(user: AuthUser, groupId: string): Promise<OnlineMember[]> {
    await this.authorise(user, groupId);
    return this.presence.online(groupId);
  }

  /**
   * Round trips on the way to the ack: the participation check (with the group's slow mode, when
   * not cached), the rate limit, then the message and its outbox row in one statement. A retried send (same
   * clientMsgId) is recognised by the insert's ON CONFLICT rather than by reading first, since
   * nearly every send is new; only a refused or conflicting send looks the earlier one up.
   */
  async send(user: AuthUser, input: SendInput): Promise<SendAccepted> {
    // The slow mode is only used once the participant check has passed; asked at the same time to save a round trip.
    const [participant, groupSlowMode] = await Promise.all([this.authorise(user, input.groupId), this.slowModeSeconds(input.groupId)]);
    assertNotMuted(participant);
    const body = input.body.replace(/\r\n?/g, '\n').trim();
    if (!hasVisibleText(body)) throw DomainError.validation([{ field: 'body', message: 'body must not be blank' }]);
    if (body.length > this.config.chat.maxMessageLength) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `A message can be at most ${this.config.chat.maxMessageLength} characters.`, {
        limit: this.config.chat.maxMessageLength,
      });
    }

    const slowMode = participant.role === 'member' ? groupSlowMode : 0;
    const rate = await this.limiter.take(user.id, input.groupId, slowMode);
    if (!rate.allowed) {
      // A retry of a send whose ack was lost (slow mode refuses it): same message, no second copy.
      const existing = await this.byClientMsgId(user.id, input.clientMsgId);
      if (existing) return { id: existing, status: 'screening' };
      throw DomainError.rateLimited(
        rate.retryAfterMs / 1000,
        `You are sending messages too quickly: please wait ${Math.max(1, Math.ceil(rate.retryAfterMs / 1000))} seconds.`,
      );
    }

    // The message and its screening job in one statement; a retry (same clientMsgId) writes neither.
    const id = randomUUID();
    const job = { subject: 'message' as const, id, revision: 1 };
    const outboxId = await this.outbox.stageWith(
      null,
      this.messages.insertStatement({ id, groupId: input.groupId, authorId: user.id, body, clientMsgId: input.clientMsgId }),
      'screening',
      'screen',
      job,
      screeningJobId(job),
    );
    const staged = outboxId ? { id, outboxId } : null;
    if (!staged) {
      // A retry of a message already stored: the same message, and the limit it was just counted against is given back.
      await this.limiter.giveBack(user.id, input.groupId, slowMode);
      const id = await this.byClientMsgId(user.id, input.clientMsgId);
      if (!id) throw DomainError.conflict('That message could not be stored; please send it again.', 'MESSAGE_NOT_STORED');
      return { id, status: 'screening' };
    }
    this.outbox.dispatch([staged.outboxId]).catch((error: Error) => this.logger.warn({ err: error }, 'screening job will be relayed later'));
    return { id: staged.id, status: 'screening' };
  }

  /**
   * What a socket gets on joining: the latest messages, or with `after` everything published
   * since that message (up to CATCH_UP_LIMIT), oldest first either way.
   */
  async joinHistory(user: AuthUser, groupId: string, after?: string): Promise<ChatMessageView[]> {
    await this.authorise(user, groupId);
    if (after) return (await this.page(groupId, { after, limit: CATCH_UP_LIMIT })).rows;
    const { rows, more } = await this.page(groupId, { limit: JOIN_HISTORY_SIZE });
    return this.withOwnUnpublished(user, groupId, rows.reverse(), more);
  }

  /** REST history: `before` (or nothing) gives newest first; `after` gives oldest first. The cursor is a message id. */
  async history(user: AuthUser, groupId: string, query: HistoryQuery): Promise<Page<ChatMessageView>> {
    await this.authorise(user, groupId);
    if (query.before && query.after) throw DomainError.validation([{ field: 'after', message: 'use either before or after, not both' }]);
    const { rows, more } = await this.page(groupId, query);
    const last = rows[rows.length - 1];
    // The first page (the latest messages) also brings the caller's own unsent ones, so a reload keeps them with their status.
    const items = query.before || query.after ? rows : (await this.withOwnUnpublished(user, groupId, [...rows].reverse(), more)).reverse();
    return { items, nextCursor: more && last ? last.id : null };
  }

  async report(user: AuthUser, messageId: string, clauseKey: string, note?: string): Promise<{ id: string }> {
    // A report reaches the group's supporters (and can hide the message), so a mute or ban refuses it: 403, not 404, as they know the group.
    const message = await this.visibleMessage(user, messageId, { sanctions: true });
    const report = await this.reports.report(
      user,
      { type: 'message', id: message.id, groupId: message.groupId, authorId: message.authorId, revision: message.revision, status: message.status },
      clauseKey,
      note,
    );
    // Enough reports hide a message pending review: it leaves every open screen, like a removal.
    if (message.status === 'published' && (await this.messages.status(messageId)) === 'hidden')
      await this.events.publish('message.removed', { id: message.id, groupId: message.groupId });
    return report;
  }

  /** Where the room's published stream is now: live delivery starts after this point. */
  async livePosition(groupId: string): Promise<ChatPosition> {
    return (await this.messages.latestPosition(groupId)) ?? START;
  }

  /**
   * Messages published after `position`, in publication order (which is commit order within a
   * group), with the position of the last one: what a chat instance delivers live.
   */
  async publishedSince(groupId: string, position: ChatPosition, limit: number): Promise<{ messages: ChatMessageView[]; position: ChatPosition }> {
    const rows = await this.messages.publishedSince(groupId, position, limit);
    const last = rows[rows.length - 1];
    return { messages: await this.views(rows), position: last ? last.position : position };
  }

  /** For keeping a connected user's rooms right after their standing in a group changed. */
  async standing(user: AuthUser, groupId: string): Promise<ChatStanding> {
    try {
      const participant = await this.authorise(user, groupId);
      return { participant: true, moderator: participant.role !== 'member', mutedUntil: activeMute(participant.mutedUntil) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const version = typeof error.extra?.version === 'number' ? error.extra.version : undefined;
      return {
        participant: false,
        moderator: await this.participation.isModerator(user, groupId),
        refusal: { code: error.code, ...(version === undefined ? {} : { version }) },
        mutedUntil: null,
      };
    }
  }

  /** The groups whose review alerts this user should receive. */
  async supportedGroupIds(user: AuthUser): Promise<string[]> {
    return (await this.memberships.membershipsOf(user.id)).filter((m) => m.role === 'supporter').map((m) => m.groupId);
  }

  /** The group's slow mode in seconds (0 when off), cached for SLOW_MODE_CACHE_MS. */
  private async slowModeSeconds(groupId: string): Promise<number> {
    const now = Date.now();
    const cached = this.slowModes.get(groupId);
    if (cached && now - cached.at < SLOW_MODE_CACHE_MS) return cached.seconds;
    const seconds = (await this.groups.getSettings(groupId))?.slowModeSeconds ?? 0;
    if (this.slowModes.size >= SLOW_MODE_CACHE_MAX) this.slowModes.clear();
    this.slowModes.set(groupId, { seconds, at: now });
    return seconds;
  }

  private byClientMsgId(authorId: string, clientMsgId: string): Promise<string | null> {
    return this.messages.idByClientMsgId(authorId, clientMsgId);
  }

  /** A message the caller may see: anything else is 404, so its existence is not revealed. */
  private async visibleMessage(user: AuthUser, messageId: string, options: { sanctions?: boolean } = {}) {
    const message = await this.messages.find(messageId);
    if (!message) throw DomainError.notFound('That message');
    if (options.sanctions) {
      const sanction = await this.participation.sanction(user.id, message.groupId);
      if (sanction?.kind === 'ban' && !user.isAdmin) throw bannedError();
      if (sanction?.kind === 'mute' && !user.isAdmin) throw mutedError(sanction.until);
    }
    if (!(await this.participation.canSee(user, message.groupId))) throw DomainError.notFound('That message');
    await this.authorise(user, message.groupId);
    if (message.status !== 'published' && message.authorId !== user.id) throw DomainError.notFound('That message');
    return message;
  }

  /**
   * Published messages ordered by (published_at, id), anchored on a message of the same group.
   * The anchor is compared in SQL so timestamps keep their full precision.
   */
  private async page(groupId: string, query: HistoryQuery): Promise<{ rows: ChatMessageView[]; more: boolean }> {
    const limit = Math.min(Math.max(query.limit ?? 20, 1), CATCH_UP_LIMIT);
    const anchorId = query.after ?? query.before;
    if (anchorId && !(await this.messages.wasPublishedIn(anchorId, groupId))) {
      throw DomainError.validation([{ field: query.after ? 'after' : 'before', message: 'must be the id of a message that was published in this group' }]);
    }
    const forward = Boolean(query.after);
    const rows = await this.messages.publishedPage(groupId, limit + 1, anchorId ? { id: anchorId, forward } : { forward: false });
    const more = rows.length > limit;
    return { more, rows: await this.views(rows.slice(0, limit)) };
  }

  /**
   * The author's own messages the room has not seen, among the latest published ones (oldest
   * first): from the oldest message shown on, or all of them when the room's whole history is
   * shown. Each goes before the first published message written after it; the published ones
   * keep their order. Only ever the caller's own: nobody else learns of a held or refused message.
   */
  private async withOwnUnpublished(user: AuthUser, groupId: string, published: ChatMessageView[], more: boolean): Promise<ChatMessageView[]> {
    const since = more && published[0] ? new Date(published[0].createdAt) : null;
    const own = (await this.messages.ownUnpublished(groupId, user.id, since, OWN_UNPUBLISHED_LIMIT)).reverse();
    if (own.length === 0) return published;
    const names = new Map([[user.id, user.displayName]]);
    const mine = own.map((m) => ({ ...toMessageView(m, names), status: ownStatus(m.status) }));
    const merged: ChatMessageView[] = [];
    let next = 0;
    for (const message of published) {
      while (next < mine.length && mine[next]!.createdAt <= message.createdAt) merged.push(mine[next++]!);
      merged.push(message);
    }
    return [...merged, ...mine.slice(next)];
  }

  private async views(rows: StoredMessage[]): Promise<ChatMessageView[]> {
    const names = await this.identity.displayNames(rows.flatMap((r) => (r.authorId ? [r.authorId] : [])));
    return rows.map((r) => toMessageView(r, names));
  }
}

/** `ready` waits for an earlier message of the author: to them it is still being checked. */
function ownStatus(status: string): OwnMessageStatus {
  return status === 'held' || status === 'rejected' ? status : 'screening';
}

function activeMute(until: Date | null): Date | null {
  return until && until.getTime() > Date.now() ? until : null;
}
