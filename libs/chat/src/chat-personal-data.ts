import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';
import { ReviewItemsService } from '@kindred/moderation';

/** What the chat holds about a member (their messages), for export and erasure. */
@Injectable()
export class ChatPersonalData implements PersonalDataContributor {
  readonly section = 'chat';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviewItems: ReviewItemsService,
  ) {}

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
    // Words that raised an urgent review stay on its item until a supporter has read them (docs/PRIVACY.md).
    const urgent = await this.reviewItems.openUrgentSubjectIds(manager, 'message', userId);
    if (urgent.length > 0) {
      const words = (await manager.query(`SELECT id, body FROM messages WHERE id = ANY($1::uuid[]) FOR UPDATE`, [urgent])) as Array<{
        id: string;
        body: string;
      }>;
      await this.reviewItems.subjectsErased(manager, 'message', words);
    }
    await manager.query(`UPDATE messages SET body = '', status = 'deleted', author_id = NULL, client_msg_id = NULL WHERE author_id = $1`, [userId]);
  }
}
