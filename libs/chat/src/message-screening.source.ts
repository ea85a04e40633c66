import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus } from '@kindred/events';
import { IdentityService } from '@kindred/identity';
import { subjectFromRow, type ScreeningSource, type ScreeningSubject, type SubjectRow, type SubjectView, type VerdictToApply } from '@kindred/moderation';
import { ChatMessageView, FORMER_MEMBER } from './chat.types';
import { ChatMessage } from './message.entity';
import { applyMessageVerdict, NEXT_PUBLISHED_AT, peekMessages, publishMessages } from './message-publication';

type Reason = { source: string; detail: string; clauseKey?: string };

/** What the event after a verdict needs and the verdict cannot change; kept from the locking read for this many messages at most. */
type Unchanging = { clientMsgId: string | null; createdAt: Date };
const REMEMBERED_MAX = 1000;

/**
 * Lets the screening pipeline read and change chat messages, and tells the chat service what
 * became of each one once the verdict has committed (it then delivers, or tells the author).
 */
@Injectable()
export class MessageScreeningSource implements ScreeningSource {
  readonly type = 'message' as const;
  /** Filled by lockForVerdict and taken by afterVerdict, so telling the chat service needs no second read. */
  private readonly remembered = new Map<string, Unchanging>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
  ) {}

  async lockForVerdict(manager: EntityManager, id: string): Promise<ScreeningSubject | null> {
    const [row] = (await manager.query(
      `SELECT id, group_id, author_id, body, revision, status, client_msg_id, created_at FROM messages WHERE id = $1 FOR UPDATE`,
      [id],
    )) as Array<SubjectRow & { client_msg_id: string | null; created_at: Date }>;
    if (!row) return null;
    this.remember(row.id, { clientMsgId: row.client_msg_id, createdAt: row.created_at });
    return subjectFromRow('message', row);
  }

  async peek(ids: string[]): Promise<ScreeningSubject[]> {
    const found = await peekMessages(this.dataSource.manager, ids);
    for (const { subject, clientMsgId, createdAt } of found) this.remember(subject.id, { clientMsgId, createdAt });
    return found.map((f) => f.subject);
  }

  /** Also returns the messages that passed but wait (`ready`) for an earlier one of their author: their verdict is applied. */
  publishMany(manager: EntityManager, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]> {
    return publishMessages(manager, items);
  }

  /** Keeps the author's order: a message that passed waits while an earlier one of theirs is in screening (see message-publication). */
  async applyVerdict(manager: EntityManager, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    await applyMessageVerdict(manager, subject, verdict);
  }

  async afterVerdict(subject: ScreeningSubject, verdict: VerdictToApply, reasons: Reason[]): Promise<void> {
    const kept = this.remembered.get(subject.id);
    this.remembered.delete(subject.id);
    if (!subject.authorId) return;
    // Waiting for an earlier message of its author: the room hears of it when that one is decided.
    if (subject.status === 'ready') return;
    // The verdict transaction wrote the body and status; the rest cannot change, so the locking read's copy stands.
    const message = kept
      ? ({
          id: subject.id,
          groupId: subject.groupId,
          authorId: subject.authorId,
          body: verdict.body,
          clientMsgId: kept.clientMsgId,
          createdAt: kept.createdAt,
        } as ChatMessage)
      : await this.dataSource.getRepository(ChatMessage).findOne({ where: { id: subject.id } });
    if (!message) return;
    const base = { id: message.id, groupId: message.groupId, authorId: subject.authorId, clientMsgId: message.clientMsgId };
    if (verdict.status === 'published') {
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
          message: `Your message was not sent to the group because it goes against the group agreement${clauseKey ? ` (clause "${clauseKey}")` : ''}.`,
        },
      });
    }
  }

  async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    // Bounded: trust only needs "at least N".
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM messages WHERE author_id = $1 AND group_id = $2 AND status = 'published' LIMIT $3) t`,
      [authorId, groupId, atMost],
    )) as Array<{ count: number }>;
    return count;
  }

  async stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.dataSource.query(
      `SELECT id, revision FROM messages WHERE status = 'screening' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  async describe(ids: string[]): Promise<Map<string, SubjectView>> {
    if (ids.length === 0) return new Map();
    const messages = await this.dataSource.getRepository(ChatMessage).createQueryBuilder('m').where('m.id IN (:...ids)', { ids }).getMany();
    const names = await this.identity.displayNames(messages.flatMap((m) => (m.authorId ? [m.authorId] : [])));
    return new Map(
      messages.map((m) => [
        m.id,
        {
          type: 'message' as const,
          id: m.id,
          body: m.body,
          author: m.authorId ? { id: m.authorId, displayName: names.get(m.authorId) ?? FORMER_MEMBER } : null,
          groupId: m.groupId,
          status: m.status,
        },
      ]),
    );
  }

  async hide(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE messages SET status = 'hidden' WHERE id = $1 AND status = 'published'`, [id]);
  }

  async setStatus(manager: EntityManager, id: string, status: 'published' | 'removed'): Promise<void> {
    if (status === 'removed') {
      await manager.query(`UPDATE messages SET status = 'removed' WHERE id = $1 AND status <> 'deleted'`, [id]);
      return;
    }
    const [row] = (await manager.query(`SELECT group_id FROM messages WHERE id = $1 AND status <> 'deleted'`, [id])) as Array<{ group_id: string }>;
    // An approval publishes the message now: its place in the room is when the room first saw it.
    if (row) await publishInOrder(manager, id, row.group_id);
  }

  async afterStatusChange(id: string, groupId: string, status: 'published' | 'removed'): Promise<void> {
    if (status === 'removed') {
      await this.events.publish('message.removed', { id, groupId });
      return;
    }
    const message = await this.dataSource.getRepository(ChatMessage).findOne({ where: { id } });
    if (!message || message.status !== 'published' || !message.authorId) return;
    await this.events.publish('message.screened', {
      id,
      groupId,
      authorId: message.authorId,
      clientMsgId: message.clientMsgId,
      status: 'published',
      message: { ...(await this.view(message)) },
    });
  }

  private remember(id: string, unchanging: Unchanging): void {
    this.remembered.delete(id);
    this.remembered.set(id, unchanging);
    // Jobs that stop after the locking read never reach afterVerdict: drop the oldest beyond the bound.
    if (this.remembered.size > REMEMBERED_MAX) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  private async view(message: ChatMessage): Promise<ChatMessageView> {
    const names = message.authorId ? await this.identity.displayNames([message.authorId]) : new Map<string, string>();
    return toMessageView(message, names);
  }
}

/**
 * Publishes a message under a per-group lock held until the transaction commits, so within a group
 * `published_at` order is commit order: anyone reading "published after X" never misses a message
 * that commits later with an earlier position. Live delivery and catch-up both walk this order.
 */
async function publishInOrder(manager: EntityManager, id: string, groupId: string, change: { body?: string } = {}): Promise<void> {
  // One statement: the lock is taken (the CTE runs first, being joined) before the row's place in
  // the stream is read, and the group's other publishers wait one round trip less.
  await manager.query(
    `WITH publish_lock AS (SELECT pg_advisory_xact_lock(hashtextextended('chat-publish:' || $3::text, 0)))
     UPDATE messages SET status = 'published', body = coalesce($2, body), screened_at = coalesce(screened_at, now()), published_at = ${NEXT_PUBLISHED_AT('$3::uuid')}
       FROM publish_lock WHERE id = $1`,
    [id, change.body ?? null, groupId],
  );
}

export function toMessageView(m: ChatMessage, names: Map<string, string>): ChatMessageView {
  return {
    id: m.id,
    groupId: m.groupId,
    author: m.authorId ? { id: m.authorId, displayName: names.get(m.authorId) ?? FORMER_MEMBER } : { id: null, displayName: FORMER_MEMBER },
    body: m.body,
    createdAt: new Date(m.createdAt).toISOString(),
    clientMsgId: m.clientMsgId,
  };
}
