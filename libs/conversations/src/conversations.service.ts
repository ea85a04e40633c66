import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Transactions, type Tx } from '@kindred/database';
import { ParticipationService } from '@kindred/groups';
import { DomainError, hasVisibleText } from '@kindred/http';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { ReviewItemsService, screeningJobId } from '@kindred/moderation';
import { NoticesService } from '@kindred/notifications';
import { OutboxService } from '@kindred/queues';
import { ConversationMessageView, ConversationView, ParticipantRole, SendConversationMessage } from './conversation.types';
import { ConversationMessagesRepository, StoredConversationMessage, SUBJECT_TYPE } from './conversation-messages.repository';
import { ConversationsRepository, StoredConversation, StoredParticipant } from './conversations.repository';

/** Messages in one page, at most. */
export const CONVERSATION_PAGE_MAX = 100;

/** Why a conversation refused a write: it was closed (or declined). */
export const CONVERSATION_CLOSED = 'CONVERSATION_CLOSED';

/**
 * Screened one-to-one conversations: a supporter's check-in with a member, a mentoring
 * relationship's conversation, and each group's supervision thread for its staff and mentors.
 * Every message goes through the screening pipeline before anyone else reads it.
 */
@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
    private readonly transactions: Transactions,
    private readonly participation: ParticipationService,
    private readonly identity: IdentityService,
    private readonly reviewItems: ReviewItemsService,
    private readonly audit: AuditLogService,
    private readonly notices: NoticesService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  /**
   * A supporter (or admin) of the item's group opens a private check-in with the person the review
   * item is about. Audited; the member is told by a notice and can reply or decline.
   */
  async openCheckIn(user: AuthUser, reviewItemId: string, firstMessage?: SendConversationMessage): Promise<ConversationView> {
    const item = await this.reviewItems.aboutWhom(reviewItemId);
    if (!item) throw DomainError.notFound('That review item');
    await this.participation.assertModerator(user, item.groupId, { hideExistence: true });
    if (!item.authorId) throw DomainError.conflict('Nobody to check in with: the person this item is about has left.', 'NO_MEMBER');
    if (item.authorId === user.id) throw DomainError.conflict('You cannot check in with yourself.', 'SELF_CHECK_IN');
    const memberId = item.authorId;
    const conversation = await this.transactions.run(async (tx) => {
      const created = await this.conversations.insert(tx, {
        groupId: item.groupId,
        kind: 'check-in',
        openedBy: user.id,
        reviewItemId,
        participants: [
          { userId: memberId, role: 'member' },
          { userId: user.id, role: 'supporter' },
        ],
      });
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'check-in.opened',
        groupId: item.groupId,
        subjectType: 'conversation',
        subjectId: created.id,
        detail: { reviewItemId, memberId, priority: item.priority },
      });
      return created;
    });
    await this.notices.create({
      userId: memberId,
      kind: 'check-in',
      groupId: item.groupId,
      subjectId: conversation.id,
      message: 'A supporter would like to check in with you privately. You can reply, or decline if you would rather not.',
    });
    if (firstMessage) await this.send(user, conversation.id, firstMessage);
    return this.view(user, conversation);
  }

  /** For the mentoring context: the relationship's conversation, opened in its transaction. */
  async openMentoring(tx: Tx, groupId: string, mentorId: string, menteeId: string): Promise<string> {
    const created = await this.conversations.insert(tx, {
      groupId,
      kind: 'mentoring',
      openedBy: null,
      participants: [
        { userId: mentorId, role: 'mentor' },
        { userId: menteeId, role: 'mentee' },
      ],
    });
    return created.id;
  }

  /** For the mentoring context: ending the relationship closes its conversation for both. */
  async close(tx: Tx, conversationId: string, by: string | null): Promise<void> {
    const locked = await this.conversations.lock(tx, conversationId);
    if (locked?.status === 'open') await this.conversations.setStatus(tx, conversationId, 'closed', by);
  }

  /** For the mentoring context: an approved mentor joins (or leaves) the group's supervision thread. */
  async setSupervisionMember(tx: Tx, groupId: string, userId: string, member: boolean): Promise<void> {
    const thread = await this.conversations.supervisionOf(tx, groupId);
    if (member) await this.conversations.addParticipant(tx, thread.id, { userId, role: 'staff' });
    else await this.conversations.removeParticipant(tx, thread.id, userId);
  }

  /** The group's supervision thread: its supporters and admins, and the mentors added to it. */
  async supervision(user: AuthUser, groupId: string): Promise<ConversationView> {
    const moderator = await this.participation.isModerator(user, groupId);
    const thread = await this.transactions.run((tx) => this.conversations.supervisionOf(tx, groupId));
    if (!moderator && (await this.conversations.roleOf(thread.id, user.id)) === null) throw DomainError.notFound('That group');
    return this.view(user, thread);
  }

  async get(user: AuthUser, id: string): Promise<ConversationView> {
    const conversation = await this.readable(user, id);
    return this.view(user, conversation);
  }

  /** Conversations the caller takes part in, and the check-ins of the groups they support. */
  async mine(user: AuthUser, supportedGroupIds: string[] = []): Promise<ConversationView[]> {
    const own = await this.conversations.ofParticipant(user.id);
    const checkIns = await this.conversations.checkInsOf(supportedGroupIds);
    const seen = new Set(own.map((c) => c.id));
    const all = [...own, ...checkIns.filter((c) => !seen.has(c.id))];
    return Promise.all(all.map((c) => this.view(user, c)));
  }

  /** Oldest first: published messages, and the caller's own in any state (held ones say so). */
  async history(user: AuthUser, id: string, query: { after?: string; limit?: number } = {}): Promise<ConversationMessageView[]> {
    await this.readable(user, id);
    if (query.after && !(await this.messages.belongsTo(query.after, id))) {
      throw DomainError.validation([{ field: 'after', message: 'must be the id of a message of this conversation' }]);
    }
    const limit = Math.min(Math.max(query.limit ?? 50, 1), CONVERSATION_PAGE_MAX);
    const rows = await this.messages.page(id, user.id, limit, query.after);
    const names = await this.identity.displayNames(rows.flatMap((r) => (r.authorId ? [r.authorId] : [])));
    return rows.map((r) => toMessageView(r, names, user.id));
  }

  /** Stored for screening with its job in one statement; nobody else reads it until it passes. */
  async send(user: AuthUser, id: string, input: SendConversationMessage): Promise<{ id: string; status: 'screening' }> {
    const conversation = await this.readable(user, id);
    await this.assertCanWrite(user, conversation);
    const body = input.body.replace(/\r\n?/g, '\n').trim();
    if (!hasVisibleText(body)) throw DomainError.validation([{ field: 'body', message: 'body must not be blank' }]);
    if (body.length > this.config.chat.maxMessageLength) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `A message can be at most ${this.config.chat.maxMessageLength} characters.`, {
        limit: this.config.chat.maxMessageLength,
      });
    }
    const messageId = randomUUID();
    const job = { subject: SUBJECT_TYPE, id: messageId, revision: 1 };
    const outboxId = await this.outbox.stageWith(
      null,
      this.messages.insertStatement({ id: messageId, conversationId: id, authorId: user.id, body, clientMsgId: input.clientMsgId }),
      'screening',
      'screen',
      job,
      screeningJobId(job),
    );
    if (!outboxId) {
      const earlier = await this.messages.byClientMsgId(user.id, input.clientMsgId);
      if (earlier && earlier.conversationId === id) return { id: earlier.id, status: 'screening' };
      if (earlier) throw DomainError.conflict('That clientMsgId was used for another message.', 'CLIENT_MSG_ID_USED');
      throw closedError();
    }
    this.outbox.dispatch([outboxId]).catch((error: Error) => this.logger.warn({ err: error }, 'screening job will be relayed later'));
    return { id: messageId, status: 'screening' };
  }

  /** The member of an open check-in would rather not: it closes for everyone, and the audit log says so. */
  async decline(user: AuthUser, id: string): Promise<ConversationView> {
    const conversation = await this.readable(user, id);
    if (conversation.kind !== 'check-in' || (await this.conversations.roleOf(id, user.id)) !== 'member') {
      throw DomainError.forbidden('Only the member a check-in is with can decline it.');
    }
    await this.transactions.run(async (tx) => {
      const locked = await this.conversations.lock(tx, id);
      if (locked?.status !== 'open') throw closedError();
      await this.conversations.setStatus(tx, id, 'declined', user.id);
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'check-in.declined',
        groupId: conversation.groupId,
        subjectType: 'conversation',
        subjectId: id,
        detail: {},
      });
    });
    return this.get(user, id);
  }

  /** A supporter or admin of the group closes a check-in; mentoring conversations close when the relationship ends. */
  async closeCheckIn(user: AuthUser, id: string): Promise<ConversationView> {
    const conversation = await this.readable(user, id);
    if (conversation.kind !== 'check-in') throw DomainError.conflict('This conversation closes when what it belongs to ends.', 'NOT_A_CHECK_IN');
    await this.participation.assertModerator(user, conversation.groupId);
    await this.transactions.run(async (tx) => {
      const locked = await this.conversations.lock(tx, id);
      if (locked?.status !== 'open') throw closedError();
      await this.conversations.setStatus(tx, id, 'closed', user.id);
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'check-in.closed',
        groupId: conversation.groupId,
        subjectType: 'conversation',
        subjectId: id,
        detail: {},
      });
    });
    return this.get(user, id);
  }

  /** A conversation the caller may read; anything else is 404, so its existence is not revealed. */
  private async readable(user: AuthUser, id: string): Promise<StoredConversation> {
    const conversation = await this.conversations.find(id);
    if (!conversation) throw DomainError.notFound('That conversation');
    const role = await this.conversations.roleOf(id, user.id);
    if (role !== null && (await this.participation.canSee(user, conversation.groupId))) return conversation;
    // A check-in and the supervision thread are read by the group's supporters and admins; a mentoring conversation by its two people only.
    if (conversation.kind !== 'mentoring' && (await this.participation.isModerator(user, conversation.groupId))) return conversation;
    throw DomainError.notFound('That conversation');
  }

  private async assertCanWrite(user: AuthUser, conversation: StoredConversation): Promise<void> {
    if (conversation.status !== 'open') throw closedError();
    // Still in the group, and not banned from it (NOT_A_MEMBER, BANNED).
    await this.participation.assertMember(user, conversation.groupId);
  }

  private async view(user: AuthUser, c: StoredConversation): Promise<ConversationView> {
    const participants: StoredParticipant[] = await this.conversations.participants(c.id);
    const names = await this.identity.displayNames(participants.map((p) => p.userId));
    const mine: ParticipantRole | undefined = participants.find((p) => p.userId === user.id)?.role;
    return {
      id: c.id,
      groupId: c.groupId,
      kind: c.kind,
      status: c.status,
      participants: participants.map((p) => ({ id: p.userId, displayName: names.get(p.userId) ?? FORMER_MEMBER, role: p.role })),
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      canWrite: c.status === 'open',
      canDecline: c.status === 'open' && c.kind === 'check-in' && mine === 'member',
    };
  }
}

function closedError(): DomainError {
  return DomainError.conflict('This conversation has been closed: nobody can write in it any more.', CONVERSATION_CLOSED);
}

export function toMessageView(m: StoredConversationMessage, names: Map<string, string>, readerId: string): ConversationMessageView {
  return {
    id: m.id,
    conversationId: m.conversationId,
    author: m.authorId ? { id: m.authorId, displayName: names.get(m.authorId) ?? FORMER_MEMBER } : { id: null, displayName: FORMER_MEMBER },
    body: m.body,
    status: m.status,
    createdAt: m.createdAt,
    clientMsgId: m.authorId === readerId ? m.clientMsgId : null,
    signposting: m.authorId === readerId ? m.signposting : null,
  };
}
