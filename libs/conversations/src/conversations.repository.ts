import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { ConversationKind, ConversationStatus, ParticipantRole } from './conversation.types';

export interface StoredConversation {
  id: string;
  groupId: string;
  kind: ConversationKind;
  status: ConversationStatus;
  openedBy: string | null;
  reviewItemId: string | null;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
}

export interface StoredParticipant {
  userId: string;
  role: ParticipantRole;
}

export interface NewConversation {
  groupId: string;
  kind: ConversationKind;
  openedBy: string | null;
  reviewItemId?: string | null;
  participants: StoredParticipant[];
}

type Row = {
  id: string;
  group_id: string;
  kind: ConversationKind;
  status: ConversationStatus;
  opened_by: string | null;
  review_item_id: string | null;
  created_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
};

const COLUMNS = 'id, group_id, kind, status, opened_by, review_item_id, created_at, closed_at, closed_by';

function toStored(r: Row): StoredConversation {
  return {
    id: r.id,
    groupId: r.group_id,
    kind: r.kind,
    status: r.status,
    openedBy: r.opened_by,
    reviewItemId: r.review_item_id,
    createdAt: new Date(r.created_at),
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    closedBy: r.closed_by,
  };
}

/** `conversations` and `conversation_participants`. */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: Tx, input: NewConversation): Promise<StoredConversation> {
    const [row] = (await manager(tx).query(
      `INSERT INTO conversations (group_id, kind, status, opened_by, review_item_id) VALUES ($1, $2, 'open', $3, $4) RETURNING ${COLUMNS}`,
      [input.groupId, input.kind, input.openedBy, input.reviewItemId ?? null],
    )) as Row[];
    const conversation = toStored(row!);
    for (const p of input.participants) await this.addParticipant(tx, conversation.id, p);
    return conversation;
  }

  async addParticipant(tx: Tx, conversationId: string, participant: StoredParticipant): Promise<void> {
    await manager(tx).query(
      `INSERT INTO conversation_participants (conversation_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
      [conversationId, participant.userId, participant.role],
    );
  }

  async removeParticipant(tx: Tx, conversationId: string, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM conversation_participants WHERE conversation_id = $1 AND user_id = $2`, [conversationId, userId]);
  }

  /** The group's supervision thread, made on first use (one per group, by a unique index). */
  async supervisionOf(tx: Tx, groupId: string): Promise<StoredConversation> {
    await manager(tx).query(
      `INSERT INTO conversations (group_id, kind, status) VALUES ($1, 'supervision', 'open')
       ON CONFLICT (group_id) WHERE kind = 'supervision' DO NOTHING`,
      [groupId],
    );
    const [row] = (await manager(tx).query(`SELECT ${COLUMNS} FROM conversations WHERE group_id = $1 AND kind = 'supervision'`, [groupId])) as Row[];
    return toStored(row!);
  }

  async find(id: string, tx: Tx = asTx(this.dataSource.manager)): Promise<StoredConversation | null> {
    const [row] = (await manager(tx).query(`SELECT ${COLUMNS} FROM conversations WHERE id = $1`, [id])) as Row[];
    return row ? toStored(row) : null;
  }

  /** Read under FOR UPDATE, for closing or declining. */
  async lock(tx: Tx, id: string): Promise<StoredConversation | null> {
    const [row] = (await manager(tx).query(`SELECT ${COLUMNS} FROM conversations WHERE id = $1 FOR UPDATE`, [id])) as Row[];
    return row ? toStored(row) : null;
  }

  async setStatus(tx: Tx, id: string, status: 'closed' | 'declined', by: string | null): Promise<void> {
    await manager(tx).query(`UPDATE conversations SET status = $2, closed_at = now(), closed_by = $3 WHERE id = $1 AND status = 'open'`, [id, status, by]);
  }

  participants(conversationId: string): Promise<StoredParticipant[]> {
    return this.dataSource
      .query(`SELECT user_id, role FROM conversation_participants WHERE conversation_id = $1 ORDER BY added_at, user_id`, [conversationId])
      .then((rows: Array<{ user_id: string; role: ParticipantRole }>) => rows.map((r) => ({ userId: r.user_id, role: r.role })));
  }

  async roleOf(conversationId: string, userId: string): Promise<ParticipantRole | null> {
    const [row] = (await this.dataSource.query(`SELECT role FROM conversation_participants WHERE conversation_id = $1 AND user_id = $2`, [
      conversationId,
      userId,
    ])) as Array<{ role: ParticipantRole }>;
    return row?.role ?? null;
  }

  /** The conversations a person takes part in, newest first. */
  async ofParticipant(userId: string): Promise<StoredConversation[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')} FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.id
        WHERE p.user_id = $1 ORDER BY c.created_at DESC LIMIT 200`,
      [userId],
    )) as Row[];
    return rows.map(toStored);
  }

  /** Check-ins of these groups, newest first: what a group's supporters read. */
  async checkInsOf(groupIds: string[]): Promise<StoredConversation[]> {
    if (groupIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM conversations WHERE kind = 'check-in' AND group_id = ANY($1::uuid[]) ORDER BY created_at DESC LIMIT 200`,
      [groupIds],
    )) as Row[];
    return rows.map(toStored);
  }

  /** For the person's export: each conversation they take part in, with their role. */
  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT c.id, c.group_id AS "groupId", c.kind, c.status, p.role, c.created_at AS "createdAt", c.closed_at AS "closedAt"
         FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.id WHERE p.user_id = $1 ORDER BY c.created_at`,
      [userId],
    );
  }

  /** An erased person leaves every conversation; the one-to-one ones they were in close, so nobody writes to no one. */
  async eraseParticipant(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE conversations SET status = 'closed', closed_at = now() WHERE status = 'open' AND kind <> 'supervision'
          AND id IN (SELECT conversation_id FROM conversation_participants WHERE user_id = $1)`,
      [userId],
    );
    await manager(tx).query(`DELETE FROM conversation_participants WHERE user_id = $1`, [userId]);
  }
}
