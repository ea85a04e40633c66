import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { subjectFromRow, type ScreeningSubject, type SubjectRow } from '@kindred/moderation';
import type { ConversationMessageStatus } from './conversation.types';

export interface StoredConversationMessage {
  id: string;
  conversationId: string;
  groupId: string;
  authorId: string | null;
  body: string;
  status: ConversationMessageStatus;
  revision: number;
  clientMsgId: string | null;
  signposting: unknown[] | null;
  createdAt: Date;
}

export interface NewConversationMessage {
  id: string;
  conversationId: string;
  authorId: string;
  body: string;
  clientMsgId: string;
}

type Row = {
  id: string;
  conversation_id: string;
  group_id: string;
  author_id: string | null;
  body: string;
  status: ConversationMessageStatus;
  revision: number;
  client_msg_id: string | null;
  signposting: unknown[] | null;
  created_at: Date;
};

const COLUMNS = 'id, conversation_id, group_id, author_id, body, status, revision, client_msg_id, signposting, created_at';

function toStored(r: Row): StoredConversationMessage {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    groupId: r.group_id,
    authorId: r.author_id,
    body: r.body,
    status: r.status,
    revision: Number(r.revision),
    clientMsgId: r.client_msg_id,
    signposting: r.signposting,
    createdAt: new Date(r.created_at),
  };
}

export const SUBJECT_TYPE = 'conversation-message' as const;

/** `conversation_messages`: every query the conversations context makes about messages. */
@Injectable()
export class ConversationMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The `INSERT … RETURNING id` of a new message, for the outbox to write with its screening job in
   * one statement. It writes nothing when the conversation is no longer open (the conversation row
   * is share-locked, so a close either commits first and is seen, or waits for the message), or
   * when the same author sent the same clientMsgId before.
   */
  insertStatement(m: NewConversationMessage): { sql: string; params: unknown[] } {
    return {
      sql: `INSERT INTO conversation_messages (id, conversation_id, group_id, author_id, body, status, revision, client_msg_id)
              SELECT $1, c.id, c.group_id, $3, $4, 'screening', 1, $5 FROM conversations c WHERE c.id = $2 AND c.status = 'open' FOR SHARE
              ON CONFLICT (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
              RETURNING id`,
      params: [m.id, m.conversationId, m.authorId, m.body, m.clientMsgId],
    };
  }

  async byClientMsgId(authorId: string, clientMsgId: string): Promise<{ id: string; conversationId: string } | null> {
    const [row] = (await this.dataSource.query(`SELECT id, conversation_id FROM conversation_messages WHERE author_id = $1 AND client_msg_id = $2`, [
      authorId,
      clientMsgId,
    ])) as Array<{ id: string; conversation_id: string }>;
    return row ? { id: row.id, conversationId: row.conversation_id } : null;
  }

  async find(id: string): Promise<StoredConversationMessage | null> {
    const [row] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM conversation_messages WHERE id = $1`, [id])) as Row[];
    return row ? toStored(row) : null;
  }

  async findMany(ids: string[]): Promise<StoredConversationMessage[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM conversation_messages WHERE id = ANY($1::uuid[])`, [ids])) as Row[];
    return rows.map(toStored);
  }

  /**
   * What a reader sees, oldest first: published messages, and the reader's own in any state but
   * deleted. With `after` (a message id of the conversation), only those after it.
   */
  async page(conversationId: string, readerId: string, limit: number, after?: string): Promise<StoredConversationMessage[]> {
    const params: unknown[] = [conversationId, readerId, limit];
    let anchor = '';
    if (after) {
      params.push(after);
      anchor = ` AND (m.created_at, m.id) > (SELECT a.created_at, a.id FROM conversation_messages a WHERE a.id = $4 AND a.conversation_id = $1)`;
    }
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `m.${c}`)
        .join(', ')} FROM conversation_messages m
        WHERE m.conversation_id = $1 AND (m.status = 'published' OR (m.author_id = $2 AND m.status <> 'deleted'))${anchor}
        ORDER BY m.created_at, m.id LIMIT $3`,
      params,
    )) as Row[];
    return rows.map(toStored);
  }

  async belongsTo(id: string, conversationId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM conversation_messages WHERE id = $1 AND conversation_id = $2`, [id, conversationId])) as unknown[];
    return rows.length > 0;
  }

  async lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null> {
    const [row] = (await manager(tx).query(`SELECT id, group_id, author_id, body, revision, status FROM conversation_messages WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as SubjectRow[];
    return row ? subjectFromRow(SUBJECT_TYPE, row) : null;
  }

  async applyVerdict(tx: Tx, id: string, verdict: { status: 'published' | 'held' | 'rejected'; body: string; signposting: unknown[] | null }): Promise<void> {
    await manager(tx).query(
      `UPDATE conversation_messages SET status = $2, body = $3, signposting = $4, screened_at = now(),
              published_at = CASE WHEN $2 = 'published' THEN now() ELSE published_at END
        WHERE id = $1 AND status = 'screening'`,
      [id, verdict.status, verdict.body, verdict.signposting && verdict.signposting.length > 0 ? JSON.stringify(verdict.signposting) : null],
    );
  }

  async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM conversation_messages WHERE author_id = $1 AND group_id = $2 AND status = 'published' LIMIT $3) t`,
      [authorId, groupId, atMost],
    )) as Array<{ count: number }>;
    return row!.count;
  }

  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.dataSource.query(
      `SELECT id, revision FROM conversation_messages WHERE status = 'screening' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  async hide(tx: Tx, id: string): Promise<void> {
    await manager(tx).query(`UPDATE conversation_messages SET status = 'hidden' WHERE id = $1 AND status = 'published'`, [id]);
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await manager(tx).query(`UPDATE conversation_messages SET status = 'removed' WHERE id = $1 AND status <> 'deleted'`, [id]);
  }

  async approve(tx: Tx, id: string): Promise<void> {
    await manager(tx).query(
      `UPDATE conversation_messages SET status = 'published', screened_at = coalesce(screened_at, now()), published_at = coalesce(published_at, now())
        WHERE id = $1 AND status <> 'deleted'`,
      [id],
    );
  }

  exportFor(authorId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, conversation_id AS "conversationId", group_id AS "groupId", body, status, created_at AS "createdAt"
         FROM conversation_messages WHERE author_id = $1 ORDER BY created_at`,
      [authorId],
    );
  }

  lockBodies(tx: Tx, ids: string[]): Promise<Array<{ id: string; body: string }>> {
    return manager(tx).query(`SELECT id, body FROM conversation_messages WHERE id = ANY($1::uuid[]) FOR UPDATE`, [ids]);
  }

  async eraseAuthor(tx: Tx, authorId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE conversation_messages SET body = '', status = 'deleted', author_id = NULL, client_msg_id = NULL, signposting = NULL WHERE author_id = $1`,
      [authorId],
    );
  }
}
