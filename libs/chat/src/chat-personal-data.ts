import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';

/** What the chat holds about a member (their messages), for export and erasure. */
@Injectable()
export class ChatPersonalData implements PersonalDataContributor {
  readonly section = 'chat';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async export(userId: string): Promise<unknown> {
    const messages = await this.dataSource.query(
      `SELECT id, group_id AS "groupId", body, status, client_msg_id AS "clientMsgId", created_at AS "createdAt", published_at AS "publishedAt"
         FROM messages WHERE author_id = $1 ORDER BY created_at`,
      [userId],
    );
    return { messages };
  }

  /** The words go; the row stays as an empty, author-less "deleted" message so history ids still resolve. */
  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE messages SET body = '', status = 'deleted', author_id = NULL, client_msg_id = NULL WHERE author_id = $1`, [userId]);
  }
}
