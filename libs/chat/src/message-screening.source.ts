import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { MembershipService } from '@kindred/groups';
import { FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { messageSubjects } from '@kindred/moderation';
import { type NotificationEvent, NotificationsService } from '@kindred/notifications';
import type { AfterCommit, AppliedVerdict, ContentSource, ScreeningSubject, SubjectView, VerdictToApply } from '@kindred/moderation';
import { ChatMessageView } from './chat.types';
import { MessagesRepository, StoredMessage } from './messages.repository';

type Reason = { source: string; detail: string; clauseKey?: string };

/** What the event after a verdict needs and the verdict cannot change; kept from the locking read for this many messages at most. */
type Unchanging = { clientMsgId: string | null; createdAt: Date };
const REMEMBERED_MAX = 1000;

/**
 * Lets the screening pipeline read and change chat messages, and tells the chat service what
 * became of each one once the verdict has committed (it then delivers, or tells the author).
 *
 * The @mentions a verdict's publications owe are written in the verdict's transaction
 * (`followVerdicts`), so a crash just after the commit cannot lose them. That covers messages the
 * verdict let out: a message that passed screening while an earlier one of its author was still
 * being screened waits as `ready`, and the decision on that earlier one publishes it
 * (`MessagesRepository.publish`). The room reads it then (the chat service reads the group's stream
 * on every verdict), but screening follows up only the messages it decided, so the source keeps,
 * per transaction, what was let out and what now waits.
 */
@Injectable()
export class MessageScreeningSource implements ContentSource {
  readonly type = 'message' as const;
  /** Filled by lockForVerdict and taken by afterVerdict, so telling the chat service needs no second read. */
  private readonly remembered = new Map<string, Unchanging>();
  /** Per open transaction, for `followVerdicts`: the waiting messages it let out, and the messages it decided that now wait. */
  private readonly pending = new WeakMap<Tx, { released: ScreeningSubject[]; waiting: Set<string> }>();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
    private readonly notifications: NotificationsService,
    private readonly memberships: MembershipService,
  ) {}

  async lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null> {
    const found = await this.messages.lockForVerdict(tx, id);
    if (!found) return null;
    this.remember(found.subject.id, { clientMsgId: found.clientMsgId, createdAt: found.createdAt });
    return found.subject;
  }

  async peek(ids: string[]): Promise<ScreeningSubject[]> {
    const found = await this.messages.peek(ids);
    for (const { subject, clientMsgId, createdAt } of found) this.remember(subject.id, { clientMsgId, createdAt });
    return found.map((f) => f.subject);
  }

  /**
   * Also returns the messages that passed but wait (`ready`) for an earlier one of their author: their
   * verdict is applied. Returns only the given ones; those the batch let out are kept for `followVerdicts`.
   */
  async publishMany(tx: Tx, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]> {
    const subjects = await this.messages.publish(tx, items);
    const decided = new Set(items.map((item) => item.id));
    this.letOut(
      tx,
      subjects.filter((subject) => !decided.has(subject.id)),
    );
    return subjects.filter((subject) => decided.has(subject.id));
  }

  /** Keeps the author's order: a message that passed waits while an earlier one of theirs is in screening (see MessagesRepository.publish). */
  async applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    const subjects = await this.messages.applyVerdict(tx, subject, verdict);
    this.letOut(
      tx,
      subjects.filter((other) => other.id !== subject.id),
    );
    // Screening follows up the subject as it locked it (`screening`): note here that it passed but waits.
    if (subjects.some((other) => other.id === subject.id && other.status === 'ready')) this.pendingIn(tx).waiting.add(subject.id);
  }

  /**
   * In the verdict's transaction: the @mention notifications of every message it published, those
   * it decided and those it let out, so they commit with their publication. A message that passed
   * but waits owes nothing yet: the decision that lets it out writes its mentions.
   */
  async followVerdicts(tx: Tx, applied: AppliedVerdict[]): Promise<AfterCommit> {
    const { released, waiting } = this.pending.get(tx) ?? { released: [], waiting: new Set<string>() };
    this.pending.delete(tx);
    const published = applied
      .filter(({ subject, verdict }) => verdict.status === 'published' && subject.status !== 'ready' && !waiting.has(subject.id))
      .map(({ subject, verdict }) => ({ ...subject, body: verdict.body }));
    const owed: NotificationEvent[] = [];
    for (const message of [...published, ...released]) {
      const mention = await this.mentionOf(message, tx);
      if (mention) owed.push(mention);
    }
    return this.notifications.notifyWithin(tx, owed);
  }

  async afterVerdict(subject: ScreeningSubject, verdict: VerdictToApply, reasons: Reason[]): Promise<void> {
    const kept = this.remembered.get(subject.id);
    this.remembered.delete(subject.id);
    if (!subject.authorId) return;
    // Waiting for an earlier message of its author: the room hears of it when that one is decided.
    if (subject.status === 'ready') return;
    // The verdict transaction wrote the body and status; the rest cannot change, so the locking read's copy stands.
    const message: StoredMessage | null = kept
      ? { id: subject.id, groupId: subject.groupId, authorId: subject.authorId, body: verdict.body, clientMsgId: kept.clientMsgId, createdAt: kept.createdAt }
      : await this.messages.find(subject.id);
    if (!message) return;
    const base = { id: message.id, groupId: message.groupId, authorId: subject.authorId, clientMsgId: message.clientMsgId };
    if (verdict.status === 'published') {
      // Its @mentions were written with the verdict (followVerdicts).
      await this.events.publish('message.screened', { ...base, status: 'published', message: { ...(await this.view(message)) } });
    } else if (verdict.status === 'held') {
      await this.events.publish('message.screened', { ...base, status: 'held', reasons });
    } else {
      // combineVerdicts puts the blocking verdict first when it rejects.
      const clauseKey = reasons[0]?.clauseKey ?? null;
      await this.events.publish('message.screened', {
        ...base,
        status: 'rejected',
        rejection: {
          clauseKey,
          // The key travels beside the words for the app to show the clause's title; the words never repeat it.
          message: 'Your message was not sent to the group because it goes against the group agreement.',
        },
      });
    }
  }

  /** Bounded: trust only needs "at least N". */
  publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    return this.messages.publishedCount(authorId, groupId, atMost);
  }

  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.messages.stuckInScreening(olderThanSeconds, limit);
  }

  async describe(ids: string[]): Promise<Map<string, SubjectView>> {
    if (ids.length === 0) return new Map();
    const messages = await this.messages.findMany(ids);
    return messageSubjects(this.type, messages, await this.identity.displayNames(messages.flatMap((m) => (m.authorId ? [m.authorId] : []))));
  }

  hide(tx: Tx, id: string): Promise<void> {
    return this.messages.hide(tx, id);
  }

  setStatus(tx: Tx, id: string, status: 'published' | 'removed'): Promise<void> {
    return status === 'removed' ? this.messages.remove(tx, id) : this.messages.approve(tx, id);
  }

  async afterStatusChange(id: string, groupId: string, status: 'published' | 'removed'): Promise<void> {
    if (status === 'removed') {
      await this.events.publish('message.removed', { id, groupId });
      return;
    }
    const message = await this.messages.find(id);
    if (!message || message.status !== 'published' || !message.authorId) return;
    await this.events.publish('message.screened', {
      id,
      groupId,
      authorId: message.authorId,
      clientMsgId: message.clientMsgId,
      status: 'published',
      message: { ...(await this.view(message)) },
    });
    await this.notifyMentions(message);
  }

  /**
   * A published message tells the members of its group it @mentions (not its author, never anyone
   * outside the group), once per message (`mention:<messageId>`): ids only, never the words.
   */
  private async notifyMentions(message: Pick<StoredMessage, 'id' | 'groupId' | 'authorId' | 'body'>): Promise<void> {
    const mention = await this.mentionOf(message);
    if (mention) await this.notifications.notify(mention);
  }

  /** The notification a published message owes the members it @mentions, if any; read in `tx` when given. */
  private async mentionOf(message: Pick<StoredMessage, 'id' | 'groupId' | 'authorId' | 'body'>, tx?: Tx): Promise<NotificationEvent | null> {
    const mentioned = await this.identity.mentionedIn(message.body, (ids) => this.memberships.activeAmong(message.groupId, ids, tx), tx);
    const recipients = mentioned.filter((id) => id !== message.authorId);
    if (recipients.length === 0) return null;
    return {
      eventId: `mention:${message.id}`,
      kind: 'mention',
      recipients,
      groupId: message.groupId,
      subjectId: null,
      title: 'Someone mentioned you in the group chat',
      path: `/community/${message.groupId}/chat`,
    };
  }

  private pendingIn(tx: Tx): { released: ScreeningSubject[]; waiting: Set<string> } {
    let pending = this.pending.get(tx);
    if (!pending) this.pending.set(tx, (pending = { released: [], waiting: new Set() }));
    return pending;
  }

  private letOut(tx: Tx, subjects: ScreeningSubject[]): void {
    const released = subjects.filter((subject) => subject.status === 'published' && subject.authorId);
    if (released.length > 0) this.pendingIn(tx).released.push(...released);
  }

  private remember(id: string, unchanging: Unchanging): void {
    this.remembered.delete(id);
    this.remembered.set(id, unchanging);
    // Jobs that stop after the locking read never reach afterVerdict: drop the oldest beyond the bound.
    if (this.remembered.size > REMEMBERED_MAX) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  private async view(message: StoredMessage): Promise<ChatMessageView> {
    const names = message.authorId ? await this.identity.displayNames([message.authorId]) : new Map<string, string>();
    return toMessageView(message, names);
  }
}

export function toMessageView(m: StoredMessage, names: Map<string, string>): ChatMessageView {
  return {
    id: m.id,
    groupId: m.groupId,
    author: m.authorId ? { id: m.authorId, displayName: names.get(m.authorId) ?? FORMER_MEMBER } : { id: null, displayName: FORMER_MEMBER },
    body: m.body,
    createdAt: new Date(m.createdAt).toISOString(),
    clientMsgId: m.clientMsgId,
  };
}
