import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat publishes when and where each message that reached the room was sent, and by whom, as a
 * view, `message_activity` (group, author, time): no words. The impact report counts messages and
 * the people who sent them per month from it, without reading `messages`.
 */
export class MessageActivity1763700085300 implements MigrationInterface {
  name = 'MessageActivity1763700085300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW message_activity AS SELECT group_id, author_id, published_at AS created_at FROM messages WHERE published_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW message_activity`);
  }
}
