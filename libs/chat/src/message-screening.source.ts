import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus } from '@kindred/events';
import { IdentityService } from '@kindred/identity';
import type { ScreeningSource, ScreeningSubject, SubjectView, VerdictToApply } from '@kindred/moderation';
import { ChatMessageView, FORMER_MEMBER } from './chat.types';
import { ChatMessage } from './message.entity';

type Reason = { source: string; detail: string; clauseKey?: string };

/**
 * Lets the screening pipeline read and change chat messages, and tells the chat service what
 * became of each one once the verdict has committed (it then delivers, or tells the author).
 */
@Injectable()
export class MessageScreeningSource implements ScreeningSource {
  readonly type = 'message' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
  ) {}

  async lockForVerdict(manager: EntityManager, id: string): Promise<ScreeningSubject | null> {
    const message = await manager.getRepository(ChatMessage).createQueryBuilder('m').setLock('pessimistic_write').where('m.id = :id', { id }).getOne();
    if (!message) return null;
    return {
      type: 'message',
      id: message.id,
      groupId: message.groupId,
      authorId: message.authorId,
      body: message.body,
      revision: message.revision,
      status: message.status,
    };
  }

  async applyVerdict(manager: EntityManager, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    if (verdict.status === 'published') {
      await publishInOrder(manager, subject.id, subject.groupId, { body: verdict.body });
      return;
    }
    await manager.query(`UPDATE messages SET status = $2, body = $3, screened_at = now() WHERE id = $1`, [subject.id, verdict.status, verdict.body]);
  }

  async afterVerdict(subject: ScreeningSubject, verdict: VerdictToApply, reasons: Reason[]): Promise<void> {
    if (!subject.authorId) return;
    const message = await this.dataSource.getRepository(ChatMessage).findOne({ where: { id: subject.id } });
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
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('chat-publish:' || $1::text, 0))`, [groupId]);
  await manager.query(
    `UPDATE messages SET status = 'published', body = coalesce($2, body), screened_at = coalesce(screened_at, now()), published_at = clock_timestamp() WHERE id = $1`,
    [id, change.body ?? null],
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
